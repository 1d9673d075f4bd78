//! `cargo xtask compare`: tokensim against cadCAD and radCAD on the Honey seed's sweep, timed
//! in the same run on the same machine.
//!
//! 1. A Python virtual environment under `target/compare/venv` gets cadCAD 0.5.3, radCAD
//!    0.14.0, numpy and pandas from pip (once; a stamp file remembers the requirements).
//! 2. `tokensim` is built in release mode.
//! 3. For each N (10 and 100 runs per subset by default), every tool runs the seed's sweep
//!    once per round, the tools taking turns (the first tool of each round rotates), for at
//!    least 3 rounds. Python tools time themselves from configuration to pandas DataFrame
//!    (imports excluded, which favours them); tokensim is timed here from process start to
//!    exit, its records file written.
//! 4. Every tool's records must have the same number of rows and the same
//!    `(subset, run, timestep, substep)` index.
//! 5. The table: each tool's median and its ratio to tokensim's median.
//!
//! tokensim runs the seed's behaviour (`--fidelity faithful`): the corrected model ends a run
//! whose price turns negative, which would change the row count.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};

use crate::{cargo, project_root, run_cmd};

/// The pip requirements, pinned where the issue pins them. radCAD 0.14.0 imports
/// `typing_extensions` without declaring it.
const REQUIREMENTS: [&str; 5] = [
    "cadcad==0.5.3",
    "radcad==0.14.0",
    "numpy",
    "pandas",
    "typing_extensions",
];

const USAGE: &str = "\
usage: cargo xtask compare [--runs N,N...] [--rounds K] [--python PATH] [--notebook]

  --runs     Monte Carlo runs per subset to compare at (default 10,100)
  --rounds   rounds per N, at least 3 (default 3)
  --python   a Python that already has the requirements (default: a venv under target/compare)
  --notebook the notebook comparison instead (bench/python/notebook.py): in one Python process,
             tokensim.run to a pandas DataFrame against radCAD (deepcopy=False) and cadCAD;
             the package is built in release into the venv (default --runs 100, --rounds 11:
             a median of 11 rounds holds on a machine whose speed drifts)
";

/// The command line of `compare`.
pub(crate) struct Options {
    runs: Vec<usize>,
    rounds: usize,
    python: Option<PathBuf>,
    notebook: bool,
    runs_given: bool,
    rounds_given: bool,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> Result<Self> {
        let mut opts = Self {
            runs: vec![10, 100],
            rounds: 3,
            python: None,
            notebook: false,
            runs_given: false,
            rounds_given: false,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = || {
                it.next()
                    .with_context(|| format!("{a} needs a value\n{USAGE}"))
            };
            match a.as_str() {
                "--notebook" => opts.notebook = true,
                "--runs" => {
                    opts.runs_given = true;
                    opts.runs = value()?
                        .split(',')
                        .map(|n| {
                            n.trim()
                                .parse::<usize>()
                                .ok()
                                .filter(|&n| n > 0)
                                .with_context(|| format!("`{n}` is not a number of runs"))
                        })
                        .collect::<Result<_>>()?;
                }
                "--rounds" => {
                    opts.rounds_given = true;
                    let v = value()?;
                    opts.rounds = v
                        .parse()
                        .ok()
                        .filter(|&k| k >= 3)
                        .with_context(|| format!("--rounds must be at least 3, not `{v}`"))?;
                }
                "--python" => opts.python = Some(PathBuf::from(value()?)),
                "-h" | "--help" => bail!("{USAGE}"),
                other => bail!("unexpected argument `{other}`\n{USAGE}"),
            }
        }
        Ok(opts)
    }
}

/// One tool of the comparison.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tool {
    Cadcad,
    Radcad,
    RadcadNoDeepcopy,
    Tokensim1,
    Tokensim,
}

impl Tool {
    const ALL: [Tool; 5] = [
        Tool::Cadcad,
        Tool::Radcad,
        Tool::RadcadNoDeepcopy,
        Tool::Tokensim1,
        Tool::Tokensim,
    ];

    fn label(self) -> &'static str {
        match self {
            Tool::Cadcad => "cadCAD 0.5.3, single process",
            Tool::Radcad => "radCAD 0.14.0, single process",
            Tool::RadcadNoDeepcopy => "radCAD 0.14.0, single process, deepcopy=False",
            Tool::Tokensim1 => "tokensim run honey, CSV, 1 thread",
            Tool::Tokensim => "tokensim run honey, CSV, all cores",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Tool::Cadcad => "cadcad",
            Tool::Radcad => "radcad",
            Tool::RadcadNoDeepcopy => "radcad-no-deepcopy",
            Tool::Tokensim1 => "tokensim-1",
            Tool::Tokensim => "tokensim",
        }
    }
}

/// The records' index: `(subset, run, timestep, substep)` per row, in order.
type Index = Vec<[u32; 4]>;

/// The index's columns, by name, in every tool's file.
const INDEX: [&str; 4] = ["subset", "run", "timestep", "substep"];

/// The notebook comparison's venv: the comparison's requirements, maturin, and the package.
const NOTEBOOK_REQUIREMENTS: [&str; 6] = [
    "cadcad==0.5.3",
    "radcad==0.14.0",
    "numpy",
    "pandas",
    "typing_extensions",
    "maturin>=1.9.4,<2",
];

/// `--notebook`: bench/python/notebook.py in a venv with the package built in release.
fn notebook(opts: &Options) -> Result<()> {
    let root = project_root();
    let work = root.join("target/compare-notebook");
    std::fs::create_dir_all(&work)?;
    let python = crate::python::install(&work, &NOTEBOOK_REQUIREMENTS, "release")?;
    let runs = if opts.runs_given {
        opts.runs.clone()
    } else {
        vec![100]
    };
    let rounds = if opts.rounds_given { opts.rounds } else { 11 };
    println!("| N | tool | median | rounds (s) | ratio to tokensim |");
    println!("| ---: | --- | ---: | --- | ---: |");
    for n in runs {
        let out = Command::new(&python)
            .arg("notebook.py")
            .arg(n.to_string())
            .arg(rounds.to_string())
            .current_dir(root.join("bench/python"))
            .output()
            .context("cannot run bench/python/notebook.py")?;
        ensure!(
            out.status.success(),
            "notebook.py failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let v: serde_json::Value = serde_json::from_str(line)
                .with_context(|| format!("notebook.py printed `{line}`"))?;
            let rounds: Vec<String> = v["rounds"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| format!("{:.4}", x.as_f64().unwrap_or(f64::NAN)))
                        .collect()
                })
                .unwrap_or_default();
            println!(
                "| {n} | {} | {} | {} | {:.0}× |",
                v["tool"].as_str().unwrap_or("?"),
                seconds(v["median"].as_f64().unwrap_or(f64::NAN)),
                rounds.join(", "),
                v["ratio"].as_f64().unwrap_or(f64::NAN)
            );
        }
    }
    Ok(())
}

pub(crate) fn run(opts: &Options) -> Result<()> {
    if opts.notebook {
        notebook(opts)
    } else {
        command_line(opts)
    }
}

/// The command line against cadCAD's and radCAD's scripts, process by process.
fn command_line(opts: &Options) -> Result<()> {
    let root = project_root();
    let work = root.join("target/compare");
    std::fs::create_dir_all(&work)?;
    let python = match &opts.python {
        // The scripts run from their own directory: make a relative path absolute first.
        Some(p) => std::path::absolute(p)?,
        None => venv(&work, &REQUIREMENTS)?,
    };
    run_cmd(&mut cargo(&[
        "build",
        "--release",
        "--locked",
        "-p",
        "tokensim",
    ]))?;
    let tokensim = root.join("target/release/tokensim");
    let scripts = root.join("bench/python");

    let mut table = String::new();
    let _ = writeln!(
        table,
        "| N | records | tool | median | rounds (s) | ratio to tokensim |"
    );
    let _ = writeln!(table, "| ---: | ---: | --- | ---: | --- | ---: |");
    for &n in &opts.runs {
        let mut times: BTreeMap<Tool, Vec<f64>> = BTreeMap::new();
        let mut indexes: BTreeMap<Tool, Index> = BTreeMap::new();
        for round in 0..opts.rounds {
            for k in 0..Tool::ALL.len() {
                let tool = Tool::ALL[(round + k) % Tool::ALL.len()];
                let (secs, index) = match tool {
                    Tool::Cadcad | Tool::Radcad | Tool::RadcadNoDeepcopy => {
                        python_run(&python, &scripts, &work, tool, n)?
                    }
                    Tool::Tokensim1 | Tool::Tokensim => tokensim_run(&tokensim, &work, tool, n)?,
                };
                eprintln!("N={n} round {} {}: {secs:.4} s", round + 1, tool.slug());
                times.entry(tool).or_default().push(secs);
                // Every round of a tool must give the same index; keep the first.
                match indexes.get(&tool) {
                    Some(first) => ensure!(
                        *first == index,
                        "{} gave a different index in round {}",
                        tool.label(),
                        round + 1
                    ),
                    None => {
                        indexes.insert(tool, index);
                    }
                }
            }
        }
        check_indexes(n, &indexes)?;
        let rows = indexes.get(&Tool::Tokensim).map_or(0, Vec::len);
        let base = median(&times[&Tool::Tokensim]);
        for tool in Tool::ALL {
            let t = &times[&tool];
            let m = median(t);
            let rounds: Vec<String> = t.iter().map(|s| format!("{s:.4}")).collect();
            let ratio = m / base;
            let ratio = if ratio < 10.0 {
                format!("{ratio:.2}")
            } else {
                format!("{ratio:.0}")
            };
            let _ = writeln!(
                table,
                "| {n} | {rows} | {} | {} | {} | {ratio}× |",
                tool.label(),
                seconds(m),
                rounds.join(", "),
            );
        }
    }
    println!(
        "\ncargo xtask compare: the Honey seed's sweep (9 subsets × N runs × 120 timesteps), median of {} rounds\n",
        opts.rounds
    );
    print!("{table}");
    println!(
        "\nEvery tool wrote the same number of rows with the same (subset, run, timestep, substep) index."
    );
    Ok(())
}

/// A time for the table: ms below a second.
fn seconds(s: f64) -> String {
    if s < 1.0 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    if s.len() % 2 == 1 {
        s[m]
    } else {
        f64::midpoint(s[m - 1], s[m])
    }
}

/// The venv under `work`, created and filled with `requirements` once (a stamp file remembers
/// them; other requirements make it again).
pub(crate) fn venv(work: &Path, requirements: &[&str]) -> Result<PathBuf> {
    let dir = work.join("venv");
    let python = dir.join("bin/python");
    let stamp = dir.join("tokensim-requirements.txt");
    let wanted = requirements.join("\n");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) && python.exists() {
        return Ok(python);
    }
    let host = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    if dir.exists() {
        // Only this function writes here (under target/).
        std::fs::remove_dir_all(&dir)
            .with_context(|| format!("cannot remove {}", dir.display()))?;
    }
    run_cmd(Command::new(&host).args(["-m", "venv"]).arg(&dir))
        .context("cannot create the Python venv (is python3 with venv installed?)")?;
    run_cmd(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(requirements),
    )
    .context("pip could not install the requirements (is PyPI reachable?)")?;
    std::fs::write(&stamp, wanted)?;
    Ok(python)
}

fn python_run(
    python: &Path,
    scripts: &Path,
    work: &Path,
    tool: Tool,
    n: usize,
) -> Result<(f64, Index)> {
    let index_path = work.join(format!("{}-{n}.index.csv", tool.slug()));
    let script = if tool == Tool::Cadcad {
        "cadcad_honey.py"
    } else {
        "radcad_honey.py"
    };
    let mut cmd = Command::new(python);
    cmd.arg(scripts.join(script))
        .arg(n.to_string())
        .arg(&index_path)
        .current_dir(scripts);
    if tool == Tool::RadcadNoDeepcopy {
        cmd.arg("--no-deepcopy");
    }
    let out = cmd
        .output()
        .with_context(|| format!("cannot start {}", python.display()))?;
    ensure!(
        out.status.success(),
        "{} failed ({}):\n{}",
        tool.label(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(
        out.stdout
            .split(|&b| b == b'\n')
            .rfind(|l| !l.is_empty())
            .unwrap_or_default(),
    )
    .with_context(|| {
        format!(
            "{} printed no report: {}",
            tool.label(),
            String::from_utf8_lossy(&out.stdout)
        )
    })?;
    let secs = report["seconds"]
        .as_f64()
        .with_context(|| format!("{} reported no time", tool.label()))?;
    let index = read_index(&index_path)?;
    ensure!(
        report["rows"].as_u64() == Some(index.len() as u64),
        "{}: its report and its index disagree on the row count",
        tool.label()
    );
    Ok((secs, index))
}

fn tokensim_run(tokensim: &Path, work: &Path, tool: Tool, n: usize) -> Result<(f64, Index)> {
    let out_dir = work.join(format!("{}-{n}", tool.slug()));
    let threads = if tool == Tool::Tokensim1 { "1" } else { "0" };
    let mut cmd = Command::new(tokensim);
    // The seed checks no invariants: its runs whose price crosses zero go on, as cadCAD's do.
    cmd.args([
        "run",
        "honey",
        "--fidelity",
        "faithful",
        "--invariants",
        "off",
        "--runs",
    ])
    .arg(n.to_string())
    .args([
        "--format",
        "csv",
        "--no-plots",
        "--quiet",
        "--threads",
        threads,
    ])
    .arg("--out")
    .arg(&out_dir);
    let start = Instant::now();
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {}", tokensim.display()))?;
    let secs = start.elapsed().as_secs_f64();
    ensure!(status.success(), "{} failed ({status})", tool.label());
    let index = read_index(&out_dir.join("records.csv"))?;
    Ok((secs, index))
}

/// The [`INDEX`] columns of a CSV file of numbers (no quoting: neither tool quotes these).
fn read_index(path: &Path) -> Result<Index> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .with_context(|| format!("{} is empty", path.display()))?
        .split(',')
        .collect();
    let mut at = [0; 4];
    for (k, c) in INDEX.iter().enumerate() {
        at[k] = header
            .iter()
            .position(|h| h == c)
            .with_context(|| format!("{} has no column `{c}`", path.display()))?;
    }
    lines
        .enumerate()
        .map(|(i, line)| {
            let cells: Vec<&str> = line.split(',').collect();
            let mut row = [0; 4];
            for k in 0..4 {
                row[k] = cells
                    .get(at[k])
                    .and_then(|c| c.parse().ok())
                    .with_context(|| {
                        format!("{} row {}: bad `{}`", path.display(), i + 2, INDEX[k])
                    })?;
            }
            Ok(row)
        })
        .collect()
}

/// Every tool: the same row count and the same index. The order may differ (radCAD writes
/// run-major: run 1 of every subset, then run 2), so the indexes are compared sorted, as a
/// pandas MultiIndex would be after `sort_index()`.
fn check_indexes(n: usize, indexes: &BTreeMap<Tool, Index>) -> Result<()> {
    let sorted = |i: &Index| {
        let mut s = i.clone();
        s.sort_unstable();
        s
    };
    let indexes: BTreeMap<Tool, Index> = indexes.iter().map(|(t, i)| (*t, sorted(i))).collect();
    let reference = &indexes[&Tool::Tokensim];
    let expected = 9 * n * 121;
    ensure!(
        reference.len() == expected,
        "tokensim wrote {} rows at N = {n}, not 9 × {n} × 121 = {expected}",
        reference.len()
    );
    for (tool, index) in &indexes {
        ensure!(
            index.len() == reference.len(),
            "N = {n}: {} has {} rows, tokensim {}",
            tool.label(),
            index.len(),
            reference.len()
        );
        if let Some(i) = (0..index.len()).find(|&i| index[i] != reference[i]) {
            bail!(
                "N = {n}: {}'s sorted index row {i} is (subset, run, timestep, substep) = {:?}, tokensim's is {:?}",
                tool.label(),
                index[i],
                reference[i]
            );
        }
    }
    Ok(())
}
