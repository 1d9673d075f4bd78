//! `cargo xtask scaffold`: `tokensim new` checked end to end, so that the scaffold cannot rot.
//! A project is written into a fresh directory under `target/scaffold`, depending on this
//! checkout by path, and its documented command (`cargo run --release -- run NAME.toml`) and
//! its test are run; the output must hold records, a summary and plots, and the guide's three
//! shards merged must equal it. The project's target
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
    // The guide's shards and merge, equal to the unsharded run.
    let mut shards = Vec::new();
    for i in 0..3 {
        let dir = format!("out/shard-{i}");
        let shard = format!("{i}/3");
        run_cmd(&mut in_project(&[
            "run",
            "--release",
            "--",
            "run",
            &experiment,
            "--shard",
            &shard,
            "--out",
            &dir,
        ]))?;
        shards.push(dir);
    }
    let mut merge = vec!["run", "--release", "--", "merge", "out/merged"];
    merge.extend(shards.iter().map(String::as_str));
    run_cmd(&mut in_project(&merge))?;
    let read = |dir: &str| fs::read(project.join(dir).join("records.csv"));
    if read("out/merged")? != fs::read(out.join("records.csv"))? {
        bail!("the scaffold's merged shards differ from its unsharded run");
    }
    run_cmd(&mut in_project(&["test"]))?;
    fs::remove_dir_all(&work).with_context(|| format!("cannot remove {}", work.display()))?;
    eprintln!(
        "scaffold: `tokensim new {NAME}` builds, runs its experiment, merges its shards into the same records and passes its test"
    );
    Ok(())
}
