//! The conformance crate's library: what the runner (`src/main.rs`) and the differential tester
//! (`crates/differential`) share, the table of the contracts' harness functions and our crates'
//! counterparts ([`contract`]).

pub mod contract;
