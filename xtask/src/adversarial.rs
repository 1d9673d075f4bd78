//! `cargo xtask adversarial`: the `tokensim` command line tried as an attacker would, each
//! scenario in a fresh directory, each reported as handled (refused with a clear message, or
//! run correctly) with nothing lost and nothing left behind (docs/RELIABILITY.md).
//!
//! A scenario is its input files, its command line, and what must follow: the exit code, a
//! phrase of the message, and the exact set of names left in its directory (inputs included:
//! a user's file is never deleted). Signal, lock and kill scenarios start a long run and act
//! on it once its temporary directory exists.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::project_root;

/// One scenario: files to create, the command line, and what must follow: the exit code, a
/// phrase of the message, and every name left in the directory.
struct Scenario {
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    args: &'static [&'static str],
    code: i32,
    says: &'static str,
    left: &'static [&'static str],
}

/// A valid Honey experiment, small.
const HONEY: &str = "model = \"honey\"\n[sim]\nruns = 2\ntimesteps = 3\n";

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "--out names the directory holding the input file",
        files: &[("exp/my.toml", HONEY)],
        args: &["run", "exp/my.toml", "--out", "exp"],
        code: 1,
        says: "is not a tokensim output",
        left: &["exp", "exp/my.toml"],
    },
    Scenario {
        name: "--out is a file",
        files: &[("f", "data")],
        args: &["run", "honey", "--out", "f"],
        code: 1,
        says: "is a file, not a directory",
        left: &["f"],
    },
    Scenario {
        name: "--out is a tokensim output with a user's file added",
        files: &[
            (
                "o/.tokensim-output",
                "{\"tokensim_version\": \"0.1.0\", \"files\": [\"records.csv\", \".tokensim-output\"]}",
            ),
            ("o/records.csv", "x\n"),
            ("o/notes.txt", "mine"),
        ],
        args: &[
            "run",
            "honey",
            "--runs",
            "2",
            "--timesteps",
            "3",
            "--out",
            "o",
        ],
        code: 1,
        says: "holds notes.txt, which tokensim did not write",
        left: &["o", "o/.tokensim-output", "o/notes.txt", "o/records.csv"],
    },
    Scenario {
        name: "a previous tokensim output is replaced whole",
        files: &[
            (
                "o/.tokensim-output",
                "{\"tokensim_version\": \"0.1.0\", \"files\": [\"old.csv\", \".tokensim-output\"]}",
            ),
            ("o/old.csv", "x\n"),
        ],
        args: &[
            "run",
            "honey",
            "--runs",
            "2",
            "--timesteps",
            "3",
            "--no-plots",
            "--out",
            "o",
        ],
        code: 0,
        says: "results in o",
        left: &["o", "o/.tokensim-output", "o/records.csv", "o/summary.json"],
    },
    Scenario {
        name: "--runs 10^12",
        files: &[],
        args: &["run", "honey", "--runs", "1000000000000"],
        code: 1,
        says: "the experiment is too large",
        left: &[],
    },
    Scenario {
        name: "runs = 2^64 - 1 in a file, two subsets",
        files: &[(
            "max.toml",
            "model = \"honey\"\n[sim]\nruns = 18446744073709551615\ntimesteps = 12\n[params]\nthrottle = [0.002, 0.004]\n",
        )],
        args: &["run", "max.toml"],
        code: 1,
        says: "more (subset, run) pairs than can be counted",
        left: &["max.toml"],
    },
    Scenario {
        name: "--timesteps 10^12 on fei",
        files: &[],
        args: &["run", "fei", "--timesteps", "1000000000000"],
        code: 1,
        says: "above the memory limit",
        left: &[],
    },
    Scenario {
        name: "--threads 2000",
        files: &[],
        args: &["run", "honey", "--threads", "2000"],
        code: 2,
        says: "more than the 1024",
        left: &[],
    },
    Scenario {
        name: "throttle = [nan]",
        files: &[(
            "bad.toml",
            "model = \"honey\"\n[sim]\nruns = 2\ntimesteps = 3\n[params]\nthrottle = [nan]\n",
        )],
        args: &["run", "bad.toml", "--out", "o"],
        code: 1,
        says: "parameter `throttle` = NaN",
        left: &["bad.toml"],
    },
    Scenario {
        name: "throttle = [-1.0]",
        files: &[(
            "bad.toml",
            "model = \"honey\"\n[sim]\nruns = 2\ntimesteps = 3\n[params]\nthrottle = [-1.0]\n",
        )],
        args: &["run", "bad.toml", "--out", "o"],
        code: 1,
        says: "parameter `throttle` = -1",
        left: &["bad.toml"],
    },
    Scenario {
        name: "market_apy_low = i64::MIN, high = i64::MAX",
        files: &[(
            "bad.toml",
            "model = \"flash\"\n[sim]\nruns = 2\ntimesteps = 3\n[params]\nmarket_apy_low = [-9223372036854775808]\nmarket_apy_high = [9223372036854775807]\n",
        )],
        args: &["run", "bad.toml", "--out", "o"],
        code: 1,
        says: "overflows a 64-bit integer",
        left: &["bad.toml"],
    },
    Scenario {
        name: "genesis price = 1e308: every run fails",
        files: &[(
            "big.toml",
            "model = \"honey\"\n[sim]\nruns = 2\ntimesteps = 3\n[genesis]\nprice = 1e308\n",
        )],
        args: &["run", "big.toml", "--out", "o", "--no-plots"],
        code: 3,
        says: "every run failed (2 of 2)",
        left: &[
            "big.toml",
            "o",
            "o/.tokensim-output",
            "o/records.csv",
            "o/summary.json",
        ],
    },
    Scenario {
        name: "an empty shard with two varying parameters (plots with nothing to draw)",
        files: &[],
        args: &[
            "run", "honey", "--runs", "2", "--shard", "18/19", "--out", "o",
        ],
        code: 0,
        says: "heatmap_saturation: skipped",
        left: &[
            "o",
            "o/.tokensim-output",
            "o/plots",
            "o/records.csv",
            "o/summary.json",
        ],
    },
    Scenario {
        name: "an empty shard in Parquet",
        files: &[],
        args: &[
            "run",
            "honey",
            "--runs",
            "2",
            "--shard",
            "999/1000",
            "--format",
            "parquet",
            "--no-plots",
            "--out",
            "o",
        ],
        code: 0,
        says: "0 rows",
        left: &[
            "o",
            "o/.tokensim-output",
            "o/records.parquet",
            "o/summary.json",
        ],
    },
];

/// Builds tokensim (Parquet among its features) and runs every scenario; fails unless all are handled.
pub(crate) fn run() -> Result<()> {
    // With every feature, Parquet among them.
    let bin = crate::build_cli()?;
    let root = project_root().join("target/adversarial");
    let _ = std::fs::remove_dir_all(&root);
    let mut failed = 0;
    let mut passed = 0;
    let mut report = |name: &str, result: Result<String>| match result {
        Ok(how) => {
            passed += 1;
            println!("handled: {name}: {how}");
        }
        Err(e) => {
            failed += 1;
            println!("FAILED:  {name}: {e:#}");
        }
    };
    for (i, s) in SCENARIOS.iter().enumerate() {
        let dir = root.join(format!("{i:02}"));
        report(s.name, scenario(&bin, &dir, s));
    }
    for (i, (sig, code)) in [("INT", 130), ("TERM", 143), ("HUP", 129)]
        .iter()
        .enumerate()
    {
        let dir = root.join(format!("sig{i}"));
        report(
            &format!("SIG{sig} during a long run"),
            signalled(&bin, &dir, sig, *code),
        );
    }
    report(
        "a second run on the same --out",
        locked(&bin, &root.join("lock")),
    );
    for point in ["before-swap", "after-swap"] {
        report(
            &format!("killed {point} while replacing an output"),
            killed(&bin, &root.join(point), point),
        );
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        bail!("{failed} adversarial scenarios were not handled");
    }
    Ok(())
}

fn scenario(bin: &Path, dir: &Path, s: &Scenario) -> Result<String> {
    std::fs::create_dir_all(dir)?;
    for (path, text) in s.files {
        let p = dir.join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&p, text)?;
    }
    let started = Instant::now();
    let out = Command::new(bin).args(s.args).current_dir(dir).output()?;
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (code, says, left) = (&s.code, s.says, s.left);
    if out.status.code() != Some(*code) {
        bail!("exit {:?}, expected {code}: {stderr}", out.status.code());
    }
    if !stderr.contains(says) {
        bail!("the message lacks `{says}`: {stderr}");
    }
    let names = tree(dir)?;
    if names != *left {
        bail!("left {names:?}, expected {left:?}");
    }
    if *code != 0 && took > Duration::from_secs(10) {
        bail!("refused only after {took:?}");
    }
    let first = stderr.lines().find(|l| l.contains(says)).unwrap_or(says);
    Ok(format!(
        "exit {code} in {:.2} s: {}",
        took.as_secs_f64(),
        first.trim()
    ))
}

/// Every name under `dir`, relative, sorted; plots' contents are not listed.
fn tree(dir: &Path) -> Result<Vec<String>> {
    fn walk(root: &Path, rel: &Path, out: &mut Vec<String>) -> Result<()> {
        for e in std::fs::read_dir(root.join(rel))? {
            let e = e?;
            let path = rel.join(e.file_name());
            let shown = path.to_string_lossy().into_owned();
            if e.file_type()?.is_dir() && !shown.ends_with("plots") {
                walk(root, &path, out)?;
            }
            out.push(shown);
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, Path::new(""), &mut out)?;
    out.sort();
    Ok(out)
}

/// A long run into `dir/o`, once its temporary directory exists.
fn long_run(bin: &Path, dir: &Path) -> Result<Child> {
    std::fs::create_dir_all(dir)?;
    let child = Command::new(bin)
        .args([
            "run",
            "honey",
            "--runs",
            "1000000",
            "--no-plots",
            "--quiet",
            "--out",
            "o",
        ])
        .current_dir(dir)
        .stderr(Stdio::piped())
        .spawn()?;
    let tmp = dir.join(format!(".o.tmp-{}", child.id()));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !tmp.exists() {
        if Instant::now() > deadline {
            bail!("the long run did not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(child)
}

fn kill(child: &Child, sig: &str) -> Result<()> {
    let ok = Command::new("kill")
        .args([format!("-{sig}"), child.id().to_string()])
        .status()
        .context("cannot run `kill`")?
        .success();
    if !ok {
        bail!("kill -{sig} failed");
    }
    Ok(())
}

fn signalled(bin: &Path, dir: &Path, sig: &str, code: i32) -> Result<String> {
    let child = long_run(bin, dir)?;
    kill(&child, sig)?;
    let out = child.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() != Some(code) {
        bail!("exit {:?}, expected {code}: {stderr}", out.status.code());
    }
    let left = tree(dir)?;
    if !left.is_empty() {
        bail!("left {left:?}");
    }
    Ok(format!("exit {code}, nothing left: {}", stderr.trim()))
}

fn locked(bin: &Path, dir: &Path) -> Result<String> {
    let first = long_run(bin, dir)?;
    let second = Command::new(bin)
        .args(["run", "honey", "--runs", "2", "--out", "o"])
        .current_dir(dir)
        .output()?;
    let first_pid = first.id();
    kill(&first, "TERM")?;
    first.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&second.stderr);
    let says = format!("another tokensim (process {first_pid})");
    if second.status.success() || !stderr.contains(&says) {
        bail!("the second run was not refused: {stderr}");
    }
    let left = tree(dir)?;
    if !left.is_empty() {
        bail!("left {left:?}");
    }
    Ok(format!("refused: {}", stderr.trim()))
}

fn killed(bin: &Path, dir: &Path, point: &str) -> Result<String> {
    std::fs::create_dir_all(dir)?;
    let small = [
        "run",
        "honey",
        "--runs",
        "2",
        "--timesteps",
        "3",
        "--quiet",
        "--out",
        "o",
    ];
    let first = Command::new(bin)
        .args(small)
        .args(["--seed", "1"])
        .current_dir(dir)
        .status()?;
    if !first.success() {
        bail!("the first run failed");
    }
    let old = std::fs::read(dir.join("o/records.csv"))?;
    let status = Command::new(bin)
        .args(small)
        .args(["--seed", "2"])
        .env("TOKENSIM_TEST_ABORT_AT", point)
        .current_dir(dir)
        .status()?;
    if status.success() {
        bail!("the test hook did not stop the run");
    }
    let now = std::fs::read(dir.join("o/records.csv")).context("no output after the kill")?;
    let summary = std::fs::read_to_string(dir.join("o/summary.json"))?;
    let whole = match point {
        "before-swap" => now == old && summary.contains("\"seed\": 1"),
        _ => now != old && summary.contains("\"seed\": 2"),
    };
    if !whole {
        bail!("the output is neither the old one nor the new one, whole");
    }
    let after = Command::new(bin).args(small).current_dir(dir).status()?;
    let left: Vec<String> = tree(dir)?
        .into_iter()
        .filter(|n| !n.starts_with("o/") && n != "o")
        .collect();
    if !after.success() || !left.is_empty() {
        bail!("the next run left {left:?}");
    }
    Ok(format!(
        "output {} and whole; the next run removed the leftovers",
        if point == "before-swap" { "old" } else { "new" }
    ))
}
