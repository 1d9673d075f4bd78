//! The runner: the contract of `../shared/conformance/README.md`.
//!
//! Every folder of the conformance directory is a suite; every file in it is run, every case in
//! each file. An unknown suite, an unreadable file or an unrunnable case is a failure, never a
//! skip. One line per file (`SUITE/FILE: N passed, N failed`), up to 20 failures per file, then
//! a total line; success only when nothing failed and something passed.
//!
//! Each suite is one module of `suites` with a `SUITE` constant.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::suites::SUITES;

/// A suite: its folder name and the function that runs one file of it.
pub(crate) struct Suite {
    pub(crate) name: &'static str,
    pub(crate) run_file: fn(&Path) -> Result<FileReport>,
}

/// Names of the implemented suites.
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

/// The fields of one case that differ, each as `field=value` on both sides; the case passes
/// when there are none.
#[derive(Default)]
pub(crate) struct FieldDiffs {
    expected: Vec<String>,
    got: Vec<String>,
}

impl FieldDiffs {
    /// Notes that `field` was `got` where `expected` was wanted.
    pub(crate) fn push(
        &mut self,
        field: &str,
        expected: impl fmt::Display,
        got: impl fmt::Display,
    ) {
        self.expected.push(format!("{field}={expected}"));
        self.got.push(format!("{field}={got}"));
    }

    /// Counts the case as passed, or fails it with every differing field.
    pub(crate) fn finish(self, case: impl Into<String>, report: &mut FileReport) {
        if self.expected.is_empty() {
            report.passed += 1;
        } else {
            report.fail(case, self.expected.join(" "), self.got.join(" "));
        }
    }
}

/// The runner's options.
#[derive(Default)]
pub(crate) struct Options {
    /// The conformance directory (`--dir`).
    pub(crate) dir: Option<PathBuf>,
    /// Suites named with `--suite`; every folder of the directory when empty.
    pub(crate) suites: Vec<String>,
    /// `--implemented`: every suite this runner implements, by name.
    pub(crate) implemented: bool,
    /// `--list`: print the implemented suites' names and stop.
    pub(crate) list: bool,
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
                "--implemented" => opts.implemented = true,
                "--list" => opts.list = true,
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
        // The workspace root is two folders above this crate.
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
    }

    /// The suite folders to run, in order.
    fn folders(&self, dir: &Path) -> Result<Vec<String>> {
        if self.implemented {
            return Ok(implemented().map(str::to_owned).collect());
        }
        if !self.suites.is_empty() {
            return Ok(self.suites.clone());
        }
        let entries = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read the conformance directory {}", dir.display()))?;
        let mut folders = Vec::new();
        for e in entries {
            let e = e?;
            if e.file_type()?.is_dir() {
                folders.push(e.file_name().to_string_lossy().into_owned());
            }
        }
        folders.sort();
        Ok(folders)
    }
}

/// Passed and failed cases, summed over files.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

/// Runs the suites; `Ok(true)` when nothing failed and at least one case passed.
pub(crate) fn run(opts: &Options) -> Result<bool> {
    let dir = opts.dir();
    let mut tally = Tally::default();
    for name in &opts.folders(&dir)? {
        run_suite(name, &dir.join(name), &mut tally);
    }
    println!("{} passed, {} failed", tally.passed, tally.failed);
    Ok(tally.failed == 0 && tally.passed > 0)
}

/// Runs every file of one suite's folder; a suite that cannot run is one failure.
fn run_suite(name: &str, path: &Path, tally: &mut Tally) {
    let mut unrunnable = |why: String| {
        println!("{name}: 0 passed, 1 failed");
        println!("  {why}");
        tally.failed += 1;
    };
    let Some(suite) = SUITES.iter().find(|s| s.name == name) else {
        let known = implemented().collect::<Vec<_>>().join(", ");
        return unrunnable(format!("not a known suite (implemented: {known})"));
    };
    if !path.is_dir() {
        return unrunnable(format!("suite folder {} is missing", path.display()));
    }
    let mut files: Vec<PathBuf> = match std::fs::read_dir(path) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => return unrunnable(format!("cannot read {}: {e}", path.display())),
    };
    files.sort();
    if files.is_empty() {
        unrunnable(format!("no files in {}", path.display()));
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
        print_report(&label, &report);
        tally.passed += report.passed;
        tally.failed += report.failures.len();
    }
}

/// One file's line, its first failures and its notes.
fn print_report(label: &str, report: &FileReport) {
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
}
