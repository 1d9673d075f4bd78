//! Trade quotes per second in each mode (filled in with the modes).
fn main() {}
