//! The conformance runner: the contract of `../shared/conformance/README.md`.
//!
//! Every folder of the conformance directory is a suite; every file in it is run, every case in
//! each file. An unknown suite, an unreadable file or an unrunnable case is a failure, never a
//! skip. One line per file (`SUITE/FILE: N passed, N failed`), up to 20 failures per file, then
//! a total line; success only when nothing failed and something passed.
//!
//! Each suite is one module with a `SUITE` constant; adding a suite is adding it to [`SUITES`].

mod carbon_match;
mod carbon_strategy;
mod carbon_trade;
mod carbon_ui;
mod decimal;
mod engine_records;
mod fei_dirichlet;
mod fei_rebalance;
mod flash;
mod honey_transitions;
mod notional_gist;
mod records;

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::project_root;

/// A suite: its folder name and the function that runs one file of it.
pub(crate) struct Suite {
    pub(crate) name: &'static str,
    pub(crate) run_file: fn(&Path) -> Result<FileReport>,
}

/// Every suite the project implements so far.
const SUITES: &[Suite] = &[
    carbon_match::SUITE,
    carbon_strategy::SUITE,
    carbon_trade::SUITE,
    carbon_ui::SUITE,
    engine_records::SUITE,
    fei_dirichlet::SUITE,
    fei_rebalance::SUITE,
    flash::SUITE,
    honey_transitions::SUITE,
    notional_gist::SUITE,
];

/// Each implemented suite and its module's path (`xtask/src/conformance/NAME.rs`, with `_` for
/// `-`), for tidy's check of docs/CONFORMANCE.md.
pub(crate) fn suite_modules() -> impl Iterator<Item = (&'static str, String)> {
    SUITES.iter().map(|s| {
        (
            s.name,
            format!("xtask/src/conformance/{}.rs", s.name.replace('-', "_")),
        )
    })
}

/// Names of the implemented suites, for `xtask check`.
pub(crate) fn implemented() -> impl Iterator<Item = &'static str> {
    SUITES.iter().map(|s| s.name)
}

/// Most failures printed per file.
const MAX_SHOWN: usize = 20;

/// One failed case.
pub(crate) struct Failure {
    pub(crate) case: String,
    pub(crate) expected: String,
    pub(crate) got: String,
}

/// What running one file gave.
#[derive(Default)]
pub(crate) struct FileReport {
    pub(crate) passed: usize,
    pub(crate) failures: Vec<Failure>,
    /// Extra lines worth printing (exactness counts, gaps to a reference).
    pub(crate) notes: Vec<String>,
}

impl FileReport {
    pub(crate) fn fail(
        &mut self,
        case: impl Into<String>,
        expected: impl fmt::Display,
        got: impl fmt::Display,
    ) {
        self.failures.push(Failure {
            case: case.into(),
            expected: expected.to_string(),
            got: got.to_string(),
        });
    }
}

/// `conformance` options.
#[derive(Default)]
pub(crate) struct Options {
    pub(crate) dir: Option<PathBuf>,
    pub(crate) suites: Vec<String>,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> Result<Self> {
        let mut opts = Self::default();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--dir" => {
                    let d = it.next().context("--dir needs a directory")?;
                    opts.dir = Some(PathBuf::from(d));
                }
                "--suite" => {
                    let s = it.next().context("--suite needs a suite name")?;
                    opts.suites.push(s.clone());
                }
                other => bail!("conformance: unexpected argument `{other}`"),
            }
        }
        Ok(opts)
    }

    fn dir(&self) -> PathBuf {
        if let Some(d) = &self.dir {
            return d.clone();
        }
        if let Some(d) = std::env::var_os("TOKENSIM_CONFORMANCE_DIR") {
            return PathBuf::from(d);
        }
        project_root().join("../shared/conformance")
    }
}

/// Runs the suites; `Ok(true)` when nothing failed and at least one case passed.
pub(crate) fn run(opts: &Options) -> Result<bool> {
    let dir = opts.dir();
    let mut folders: Vec<String> = Vec::new();
    if opts.suites.is_empty() {
        let entries = std::fs::read_dir(&dir)
            .with_context(|| format!("cannot read the conformance directory {}", dir.display()))?;
        for e in entries {
            let e = e?;
            if e.file_type()?.is_dir() {
                folders.push(e.file_name().to_string_lossy().into_owned());
            }
        }
        folders.sort();
    } else {
        folders.clone_from(&opts.suites);
    }

    let (mut passed, mut failed) = (0usize, 0usize);
    for name in &folders {
        let path = dir.join(name);
        let Some(suite) = SUITES.iter().find(|s| s.name == name) else {
            println!("{name}: 0 passed, 1 failed");
            let known = implemented().collect::<Vec<_>>().join(", ");
            println!("  not a known suite (implemented: {known})");
            failed += 1;
            continue;
        };
        if !path.is_dir() {
            println!("{name}: 0 passed, 1 failed");
            println!("  suite folder {} is missing", path.display());
            failed += 1;
            continue;
        }
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&path) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                println!("{name}: 0 passed, 1 failed");
                println!("  cannot read {}: {e}", path.display());
                failed += 1;
                continue;
            }
        };
        files.sort();
        if files.is_empty() {
            println!("{name}: 0 passed, 1 failed");
            println!("  no files in {}", path.display());
            failed += 1;
        }
        for file in files {
            let label = format!(
                "{name}/{}",
                file.file_name().unwrap_or_default().to_string_lossy()
            );
            let report = (suite.run_file)(&file).unwrap_or_else(|e| {
                let mut r = FileReport::default();
                r.fail("(file)", "a runnable file", format!("{e:#}"));
                r
            });
            println!(
                "{label}: {} passed, {} failed",
                report.passed,
                report.failures.len()
            );
            for f in report.failures.iter().take(MAX_SHOWN) {
                println!("  FAIL {}: expected {}, got {}", f.case, f.expected, f.got);
            }
            if report.failures.len() > MAX_SHOWN {
                println!(
                    "  … and {} more failures",
                    report.failures.len() - MAX_SHOWN
                );
            }
            for n in &report.notes {
                println!("  {n}");
            }
            passed += report.passed;
            failed += report.failures.len();
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(failed == 0 && passed > 0)
}
