//! `cargo xtask check`: everything CI runs, in order, stopping at the first failure.

use anyhow::{Context, Result};

use crate::{adversarial, cargo, conformance, consumers, run_cmd, tidy};

/// Property tests run this many cases in `check`, whatever the environment says.
const PROPTEST_CASES: &str = "256";

pub(crate) fn run() -> Result<()> {
    step("formatting", || {
        run_cmd(&mut cargo(&["fmt", "--all", "--", "--check"]))
    })?;
    step("tidy: the docs against the code", tidy::run)?;
    step("clippy", || {
        run_cmd(&mut cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step("tests", || {
        if has_nextest() {
            let nextest = [
                "nextest",
                "run",
                "--workspace",
                "--all-features",
                "--locked",
                "--no-fail-fast",
            ];
            run_cmd(cargo(&nextest).env("PROPTEST_CASES", PROPTEST_CASES))?;
            // nextest does not run doctests.
            run_cmd(&mut cargo(&[
                "test",
                "--workspace",
                "--all-features",
                "--doc",
                "--locked",
            ]))
        } else {
            run_cmd(
                cargo(&["test", "--workspace", "--all-features", "--locked"])
                    .env("PROPTEST_CASES", PROPTEST_CASES),
            )
        }
    })?;
    step("benches, once each in test mode", || {
        run_cmd(&mut cargo(&[
            "test",
            "--workspace",
            "--benches",
            "--locked",
        ]))
    })?;
    step("docs", || {
        run_cmd(
            cargo(&[
                "doc",
                "--workspace",
                "--all-features",
                "--no-deps",
                "--locked",
            ])
            .env("RUSTDOCFLAGS", "-D warnings"),
        )
    })?;
    step("publish, dry run", || {
        // Cargo's multi-package publish: every crate packaged and verified against the others'
        // packages in a local registry.
        run_cmd(&mut cargo(&[
            "publish",
            "--workspace",
            "--dry-run",
            "--allow-dirty",
            "--locked",
        ]))
    })?;
    step(
        "consumers: each crate alone, from its package",
        consumers::run,
    )?;
    step("conformance", || conformance::run(&["--implemented"]))?;
    step("adversarial", adversarial::run)?;
    eprintln!("xtask check: all steps passed");
    Ok(())
}

fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    eprintln!("\n==> {name}");
    f().with_context(|| format!("xtask check stopped at step `{name}`"))
}

fn has_nextest() -> bool {
    cargo(&["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}
