//! `cargo xtask check`: everything CI runs, in order, stopping at the first failure.

use std::process::Command;

use anyhow::{Context, Result};

use crate::{cargo, conformance, run_cmd};

/// Property tests run this many cases in `check`, whatever the environment says.
const PROPTEST_CASES: &str = "256";

pub(crate) fn run() -> Result<()> {
    step("formatting", || {
        let mut c = cargo();
        c.args(["fmt", "--all", "--", "--check"]);
        run_cmd(c)
    })?;
    step("clippy", || {
        let mut c = cargo();
        c.args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]);
        run_cmd(c)
    })?;
    step("tests", || {
        if has_nextest() {
            let mut c = cargo();
            c.args([
                "nextest",
                "run",
                "--workspace",
                "--locked",
                "--no-fail-fast",
            ])
            .env("PROPTEST_CASES", PROPTEST_CASES);
            run_cmd(c)?;
            // nextest does not run doctests.
            let mut c = cargo();
            c.args(["test", "--workspace", "--doc", "--locked"]);
            run_cmd(c)
        } else {
            let mut c = cargo();
            c.args(["test", "--workspace", "--locked"])
                .env("PROPTEST_CASES", PROPTEST_CASES);
            run_cmd(c)
        }
    })?;
    step("benches, once each in test mode", || {
        let mut c = cargo();
        c.args(["test", "--workspace", "--benches", "--locked"]);
        run_cmd(c)
    })?;
    step("docs", || {
        let mut c = cargo();
        c.args(["doc", "--workspace", "--no-deps", "--locked"])
            .env("RUSTDOCFLAGS", "-D warnings");
        run_cmd(c)
    })?;
    step("conformance", || {
        let opts = conformance::Options {
            suites: conformance::implemented().map(str::to_owned).collect(),
            ..conformance::Options::default()
        };
        if conformance::run(&opts)? {
            Ok(())
        } else {
            anyhow::bail!("conformance suites failed")
        }
    })?;
    eprintln!("xtask check: all steps passed");
    Ok(())
}

fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    eprintln!("\n==> {name}");
    f().with_context(|| format!("xtask check stopped at step `{name}`"))
}

fn has_nextest() -> bool {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}
