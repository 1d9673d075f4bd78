//! `cargo xtask scaffold`: `tokensim new` checked end to end, so that the scaffold cannot rot.
//! A project is written into a fresh directory under `target/scaffold`, depending on this
//! checkout by path, and its documented command (`cargo run --release -- run NAME.toml`) and
//! its test are run; the output must hold records, a summary and plots. The project's target
//! directory is `target/scaffold/target`, kept between runs so that only the first compiles
//! everything. The workspace's `Cargo.lock` is copied in, so the external crates are the
//! versions the workspace is tested with.

use std::fs;

use anyhow::{Context, Result, bail};

use crate::{cargo, project_root, run_cmd};

/// The scaffolded crate's name.
const NAME: &str = "predprey";

pub(crate) fn run() -> Result<()> {
    let root = project_root();
    run_cmd(&mut cargo(&["build", "-p", "tokensim", "--locked"]))?;
    let base = root.join("target/scaffold");
    let work = base.join("work");
    if work.exists() {
        fs::remove_dir_all(&work).with_context(|| format!("cannot remove {}", work.display()))?;
    }
    fs::create_dir_all(&work)?;
    let tokensim = root.join("target/debug/tokensim");
    let root_arg = root.to_string_lossy().into_owned();
    run_cmd(
        std::process::Command::new(&tokensim)
            .args(["new", NAME, "--path", &root_arg])
            .current_dir(&work),
    )?;
    let project = work.join(NAME);
    // The workspace's lock file: the versions the workspace tests (cargo drops what the
    // project does not use).
    fs::copy(root.join("Cargo.lock"), project.join("Cargo.lock"))?;
    let target = base.join("target");
    let in_project = |args: &[&str]| {
        let mut c = cargo(args);
        c.current_dir(&project).env("CARGO_TARGET_DIR", &target);
        c
    };
    let experiment = format!("{NAME}.toml");
    run_cmd(&mut in_project(&[
        "run",
        "--release",
        "--",
        "run",
        &experiment,
    ]))?;
    let out = project.join("out").join(NAME);
    for file in [
        "records.csv",
        "summary.json",
        "plots/prey.svg",
        "plots/heatmap_prey.svg",
    ] {
        if !out.join(file).is_file() {
            bail!("the scaffold's run wrote no {}", out.join(file).display());
        }
    }
    run_cmd(&mut in_project(&["test"]))?;
    fs::remove_dir_all(&work).with_context(|| format!("cannot remove {}", work.display()))?;
    eprintln!("scaffold: `tokensim new {NAME}` builds, runs its experiment and passes its test");
    Ok(())
}
