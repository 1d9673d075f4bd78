//! `cargo xtask`: the project's task runner (the rust-analyzer pattern: a plain binary in the
//! workspace that shells out to `$CARGO`).
//!
//! ```text
//! cargo xtask check                                  everything CI runs, stopping at the first failure
//! cargo xtask conformance [--dir DIR] [--suite NAME]...   the golden-vector suites (a subprocess)
//! cargo xtask diff [--cases N] [--seed S] [--suite X]  our math against the contracts' bytecode
//! cargo xtask bench                                  the criterion benches in full
//! cargo xtask compare [--runs N,N] [--rounds K]      tokensim against cadCAD and radCAD
//! cargo xtask adversarial                            the command line under attack
//! cargo xtask consumers                              each crate from its package, alone
//! cargo xtask scaffold                               `tokensim new`'s project, built, run and tested
//! cargo xtask slurm                                  docs/SCALING.md's job array on a real Slurm
//! cargo xtask tidy                                   the docs against the code
//! ```

#![expect(clippy::print_stdout, reason = "a command-line tool reports on stdout")]

mod adversarial;
mod bench;
mod check;
mod compare;
mod conformance;
mod consumers;
mod cycles;
mod diff;
mod python;
mod scaffold;
mod slurm;
mod tidy;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  check                                   fmt, tidy, clippy, tests, benches in test mode, docs, publish
                                          dry run, consumers, scaffold, slurm, conformance,
                                          differential, adversarial
  conformance [--dir DIR] [--suite NAME]... [--implemented] [--list]
                                          run golden-vector suites through the
                                          conformance runner (DIR defaults to
                                          $TOKENSIM_CONFORMANCE_DIR or ../shared/conformance)
  diff [--cases N] [--seed S] [--suite carbon|notional-v1|notional-v2]... [--function NAME]...
                                          compare the math crates with the contracts' own
                                          bytecode in revm on N random cases per function
                                          (default 10000; all cores; docs/CONFORMANCE.md)
  bench                                   run the criterion benches in full
  adversarial                             try tokensim's command line as an attacker would
                                          (docs/RELIABILITY.md)
  tidy                                    check that the docs match the code (module docs,
                                          ARCHITECTURE's dependencies, CONFORMANCE's suites,
                                          README doctests, module examples)
  consumers                               package every crate and run each README example in
                                          a new crate outside the workspace that depends on
                                          that crate alone (docs/CRATES.md)
  scaffold                                `tokensim new` into target/scaffold: its experiment
                                          (`cargo run --release -- run NAME.toml`) and its test
  slurm                                   start a one-node Slurm (apt-get installs slurm-wlm and
                                          munge if missing), run docs/SCALING.md's job array,
                                          merge, recover a failed task, stop the cluster
  python                                  the Python package: pip install into a venv under
                                          target/python, its pytest suite, examples/honey.ipynb
  compare [--runs N,N...] [--rounds K] [--python PATH] [--notebook]
                                          time tokensim against cadCAD and radCAD on the
                                          Honey seed's sweep (a venv under target/compare)
";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<ExitCode> {
    let Some((cmd, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return Ok(ExitCode::FAILURE);
    };
    match cmd.as_str() {
        "check" => {
            no_more_args(rest)?;
            check::run()?;
            Ok(ExitCode::SUCCESS)
        }
        "conformance" => {
            let args: Vec<&str> = rest.iter().map(String::as_str).collect();
            conformance::run(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        "diff" => {
            let args: Vec<&str> = rest.iter().map(String::as_str).collect();
            diff::run(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        "bench" => {
            no_more_args(rest)?;
            bench::run()?;
            Ok(ExitCode::SUCCESS)
        }
        "adversarial" => {
            no_more_args(rest)?;
            adversarial::run()?;
            Ok(ExitCode::SUCCESS)
        }
        "tidy" => {
            no_more_args(rest)?;
            tidy::run()?;
            Ok(ExitCode::SUCCESS)
        }
        "consumers" => {
            no_more_args(rest)?;
            consumers::run()?;
            Ok(ExitCode::SUCCESS)
        }
        "scaffold" => {
            no_more_args(rest)?;
            scaffold::run()?;
            Ok(ExitCode::SUCCESS)
        }
        "python" => {
            no_more_args(rest)?;
            python::run()?;
            Ok(ExitCode::SUCCESS)
        }
        "slurm" => {
            no_more_args(rest)?;
            slurm::run()?;
            Ok(ExitCode::SUCCESS)
        }
        "compare" => {
            compare::run(&compare::Options::parse(rest)?)?;
            Ok(ExitCode::SUCCESS)
        }
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => bail!("unknown command `{other}`\n{USAGE}"),
    }
}

fn no_more_args(rest: &[String]) -> Result<()> {
    match rest.first() {
        Some(a) => bail!("unexpected argument `{a}`\n{USAGE}"),
        None => Ok(()),
    }
}

/// The workspace root (the parent of `xtask/`).
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Every file under `dir`, recursively, sorted; folders named `target` are not entered.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    walk(&path, out)?;
                }
            } else {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// `$CARGO args…` (`$CARGO` is set when run through `cargo xtask`; else `cargo`), run from the
/// workspace root.
fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.args(args).current_dir(project_root());
    cmd
}

/// Builds the `tokensim` command line (debug) with the features and the workspace `check`'s
/// tests build it with, so that the tests' binary is reused instead of built again, and returns
/// its path.
fn build_cli() -> Result<PathBuf> {
    run_cmd(&mut cargo(&[
        "build",
        "--workspace",
        "--all-features",
        "--bin",
        "tokensim",
        "--locked",
    ]))?;
    Ok(project_root().join("target/debug/tokensim"))
}

/// Runs `cmd`, echoing it, and fails with a message naming it unless it succeeds.
fn run_cmd(cmd: &mut Command) -> Result<()> {
    let shown = format!(
        "{} {}",
        cmd.get_program().to_string_lossy(),
        cmd.get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    eprintln!("$ {shown}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}
