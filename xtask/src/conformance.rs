//! `cargo xtask conformance`: runs the golden-vector runner, the `conformance` crate's
//! `conformance` binary, as a subprocess, so that xtask itself links none of the library crates
//! (a compile error in one of them fails this step, not every command of xtask).

use anyhow::Result;

use crate::{cargo, run_cmd};

/// `cargo run -p conformance -- ARGS…`; fails when the runner reports a failure.
pub(crate) fn run(args: &[&str]) -> Result<()> {
    let mut all = vec![
        "run",
        "--quiet",
        "--locked",
        "--package",
        "conformance",
        "--bin",
        "conformance",
        "--",
    ];
    all.extend_from_slice(args);
    run_cmd(&mut cargo(&all))
}
