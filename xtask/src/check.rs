//! `cargo xtask check`: everything CI runs, in order, stopping at the first failure.

use anyhow::{Context, Result};

use crate::{
    adversarial, cargo, conformance, consumers, diff, python, run_cmd, scaffold, slurm, tidy,
};

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
    step("publish, dry run", publish_dry_run)?;
    systems()
}

/// The steps that build crates and systems outside the workspace's tests: consumers, the
/// scaffold, Python, Slurm, the conformance vectors, the EVM and the attacker.
fn systems() -> Result<()> {
    step(
        "consumers: each crate alone, from its package",
        consumers::run,
    )?;
    step("scaffold: `tokensim new`, run and tested", scaffold::run)?;
    step(
        "python: pip install, the pytest suite and examples/honey.ipynb",
        python::run,
    )?;
    step(
        "slurm: docs/SCALING.md's job array on a real Slurm",
        slurm::run,
    )?;
    step("conformance", || conformance::run(&["--implemented"]))?;
    step(
        "differential: the contracts' bytecode against our crates, a short pass",
        diff::short_pass,
    )?;
    step("adversarial", adversarial::run)?;
    eprintln!("xtask check: all steps passed");
    Ok(())
}

/// Cargo's multi-package publish, as a dry run: every crate packaged and verified against the
/// others' packages in a local registry under the target directory.
///
/// Cargo unpacks that registry's packages into `~/.cargo/registry/src/<hash of the registry's
/// path>/` and never unpacks a version again once its folder exists, so a second dry run from
/// the same path verifies against the first run's sources (the failure miden-vm#2530 hit). The
/// target directory is therefore named after a hash of the packaged files: new contents get a
/// new registry path and a fresh unpack; the same contents reuse their build. Older such
/// directories, which only this step writes, are removed.
fn publish_dry_run() -> Result<()> {
    let root = crate::project_root();
    let base = root.join("target/publish");
    let dir = base.join(format!("{:016x}", packaged_files_hash(&root)?));
    if let Ok(entries) = std::fs::read_dir(&base) {
        for entry in entries.flatten() {
            if entry.path() != dir {
                std::fs::remove_dir_all(entry.path())
                    .with_context(|| format!("cannot remove {}", entry.path().display()))?;
            }
        }
    }
    let target_dir = dir.to_string_lossy().into_owned();
    run_cmd(&mut cargo(&[
        "publish",
        "--workspace",
        "--dry-run",
        "--allow-dirty",
        "--locked",
        "--target-dir",
        &target_dir,
    ]))
}

/// A hash of every file a package can hold: the root manifest and lock file, and everything
/// under `crates/` (their paths and bytes, in sorted order).
fn packaged_files_hash(root: &std::path::Path) -> Result<u64> {
    use std::hash::{Hash, Hasher};
    let mut files = vec![root.join("Cargo.toml"), root.join("Cargo.lock")];
    files.extend(crate::files_under(&root.join("crates"))?);
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in &files {
        f.strip_prefix(root).unwrap_or(f).hash(&mut h);
        std::fs::read(f)
            .with_context(|| format!("reading {}", f.display()))?
            .hash(&mut h);
    }
    Ok(h.finish())
}

fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    eprintln!("\n==> {name}");
    let started = std::time::Instant::now();
    f().with_context(|| format!("xtask check stopped at step `{name}`"))?;
    eprintln!("<== {name}: {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn has_nextest() -> bool {
    cargo(&["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}
