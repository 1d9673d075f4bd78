//! `cargo xtask diff`: the differential tests (`crates/differential`) against the contracts'
//! bytecode in revm, as a subprocess so that xtask links neither revm nor the library crates.
//!
//! `cargo xtask diff [--cases N] [--seed S] [--suite carbon|notional-v1|notional-v2]...` runs
//! the optimised build (the `differential` profile) on all cores; `check` runs a short pass of
//! [`CHECK_CASES`] cases per function in the test build it has already compiled.

use anyhow::Result;

use crate::{cargo, run_cmd};

/// Cases per function in `cargo xtask check` (under a minute on two cores).
pub(crate) const CHECK_CASES: &str = "1500";

/// `cargo run --profile differential -p differential -- ARGS…`.
pub(crate) fn run(args: &[&str]) -> Result<()> {
    let mut all = vec![
        "run",
        "--quiet",
        "--locked",
        "--profile",
        "differential",
        "--package",
        "differential",
        "--bin",
        "differential",
        "--",
    ];
    all.extend_from_slice(args);
    run_cmd(&mut cargo(&all))
}

/// The short pass of `check`, in the dev profile whose dependencies the tests built.
pub(crate) fn short_pass() -> Result<()> {
    run_cmd(&mut cargo(&[
        "run",
        "--quiet",
        "--locked",
        "--package",
        "differential",
        "--bin",
        "differential",
        "--",
        "--cases",
        CHECK_CASES,
    ]))
}
