//! `cargo xtask scaffold`: `tokensim new` checked end to end, so that the scaffold cannot rot.
//! A project is written into a fresh directory under `target/scaffold`, depending on this
//! checkout by path, and its documented command (`cargo run --release -- run NAME.toml`) and
//! its test are run; the output must hold records, a summary and plots, and the guide's three
//! shards merged must equal it. The project's target
//! directory is `target/scaffold/target`, kept between runs so that only the first compiles
//! everything. The workspace's `Cargo.lock` is copied in, so the external crates are the
//! versions the workspace is tested with.
//!
//! Then a violation is planted in the model (the hunt's cap on the prey eaten, and the floor
//! under the prey, taken out): the scaffold's search test must fail, printing the shrunk
//! counterexample and the experiment file that replays it; that file, run, must fail on the
//! same invariant at the same substep; and `falsify` on the scaffold's experiment must find a
//! counterexample whose written file replays too.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{cargo, project_root, run_cmd};

/// The scaffolded crate's name.
const NAME: &str = "predprey";

pub(crate) fn run() -> Result<()> {
    let root = project_root();
    let tokensim = crate::build_cli()?;
    let base = root.join("target/scaffold");
    let work = base.join("work");
    if work.exists() {
        fs::remove_dir_all(&work).with_context(|| format!("cannot remove {}", work.display()))?;
    }
    fs::create_dir_all(&work)?;
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
        // The crate's release profile links fat with one codegen unit, as tokensim's does;
        // here, where the build is checked and not timed, without: minutes saved per check.
        // The user's command is unchanged.
        c.env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
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
    planted_violation(&project, &in_project)?;
    fs::remove_dir_all(&work).with_context(|| format!("cannot remove {}", work.display()))?;
    eprintln!(
        "scaffold: `tokensim new {NAME}` builds, runs its experiment, merges its shards into the same records and passes its tests; with a planted violation its search test fails with a counterexample that replays, and so does `falsify`"
    );
    Ok(())
}

/// Takes the hunt's cap and the prey's floor out of the scaffold's model, then checks that the
/// search test fails with a counterexample that replays, and that `falsify` finds one too.
fn planted_violation(project: &Path, in_project: &dyn Fn(&[&str]) -> Command) -> Result<()> {
    let lib = project.join("src/lib.rs");
    let text = fs::read_to_string(&lib)?;
    let planted = [
        (".min(s.prey);", ";"),
        (
            "(c.state.prey + need(i.delta_prey, \"delta_prey\")?).max(0.0)",
            "c.state.prey + need(i.delta_prey, \"delta_prey\")?",
        ),
    ]
    .iter()
    .try_fold(text, |t, (from, to)| {
        if t.contains(from) {
            Ok(t.replacen(from, to, 1))
        } else {
            bail!("the scaffold's model no longer has `{from}` to plant a violation in")
        }
    })?;
    fs::write(&lib, planted)?;
    let out = in_project(&["test", "--test", "model", "no_search_breaks_the_invariants"])
        .output()
        .context("cannot run the scaffold's tests")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if out.status.success() || !text.contains("To replay it") {
        bail!(
            "with a planted violation, the scaffold's search test did not fail with a counterexample:\n{text}"
        );
    }
    let at = broke_at(&text)?;
    // The experiment file in the panic message: from `model = ` to the end of the message.
    let start = text
        .find("model = ")
        .context("no experiment file in the message")?;
    let file: String = text[start..]
        .lines()
        .take_while(|l| !l.starts_with("stack backtrace:") && !l.starts_with("note:"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(project.join("counterexample.toml"), &file)?;
    replays(project, in_project, "counterexample.toml", "out/replay", at)?;
    // The same from the command line: `falsify` writes the file, `run` replays it.
    let out = in_project(&[
        "run",
        "--release",
        "--",
        "falsify",
        &format!("{NAME}.toml"),
        "--out",
        "found.toml",
    ])
    .output()
    .context("cannot run falsify")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if out.status.code() != Some(4) {
        bail!(
            "falsify on the planted violation exited {:?}, not 4:\n{text}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    replays(
        project,
        in_project,
        "found.toml",
        "out/found",
        broke_at(&text)?,
    )
}

/// `(invariant, timestep, substep)` from "invariant `NAME` broke at timestep T, substep K".
fn broke_at(text: &str) -> Result<(String, u64, u64)> {
    let line = text
        .lines()
        .find(|l| l.contains("broke at timestep"))
        .with_context(|| format!("no violation reported in:\n{text}"))?;
    let name = line.split('`').nth(1).context("no invariant named")?;
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers[..] {
        [t, k] => Ok((name.to_owned(), t, k)),
        _ => bail!("cannot read the timestep and substep of: {line}"),
    }
}

/// Runs `file` and checks that its one run fails on `at`'s invariant, timestep and substep.
fn replays(
    project: &Path,
    in_project: &dyn Fn(&[&str]) -> Command,
    file: &str,
    out: &str,
    at: (String, u64, u64),
) -> Result<()> {
    let status = in_project(&[
        "run",
        "--release",
        "--",
        "run",
        file,
        "--out",
        out,
        "--no-plots",
        "--quiet",
    ])
    .status()?;
    if status.code() != Some(3) {
        bail!(
            "`run {file}` exited {:?}, not 3 (its one run failed)",
            status.code()
        );
    }
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(project.join(out).join("summary.json"))?)?;
    let f = &summary["failures"][0];
    let got = (
        f["invariant"].as_str().unwrap_or_default().to_owned(),
        f["timestep"].as_u64().unwrap_or_default(),
        f["substep"].as_u64().unwrap_or_default(),
    );
    if got != at {
        bail!("{file} replayed as {got:?}, not {at:?}");
    }
    Ok(())
}
