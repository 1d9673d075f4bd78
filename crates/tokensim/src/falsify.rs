//! `tokensim falsify`: searches an experiment's space for a counterexample to its model's
//! invariants, prints the shrunk case, writes it as an experiment file that `tokensim run`
//! replays, and checks that it does.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use sim_core::NullSink;
use sim_core::search::{Counterexample, Report};

use crate::experiment::ExperimentFile;
use crate::model::SearchOptions;
use crate::search;
use crate::spec::ModelSpec;

/// The first line of every counterexample file tokensim writes: a file that does not start
/// with it is never overwritten.
pub(crate) const MARK: &str = "# tokensim falsify: a counterexample";

/// Everything `falsify` needs, resolved from the command line.
pub(crate) struct FalsifyRequest<'a> {
    pub(crate) spec: &'a ModelSpec,
    pub(crate) file: ExperimentFile,
    pub(crate) cases: Option<u32>,
    pub(crate) seed: Option<u64>,
    pub(crate) time_limit: Option<Duration>,
    pub(crate) out: PathBuf,
    pub(crate) quiet: bool,
}

/// Runs the search; `Ok(true)` when it found (and wrote) a counterexample.
pub(crate) fn falsify(req: &FalsifyRequest<'_>) -> Result<bool> {
    let model = req.spec.entry();
    let plan = search::plan(&req.file, model)?;
    // Refuse an output we may not write before spending the budget.
    check_writable(&req.out)?;
    let options = SearchOptions {
        cases: req.cases.unwrap_or(plan.cases),
        seed: req.seed.unwrap_or(req.file.sim.seed),
        time_limit: req.time_limit,
    };
    if !req.quiet {
        eprintln!(
            "searching {} for a counterexample to {}: {} cases of up to {} timesteps over {}",
            req.spec.name(),
            checked(&req.file, model.invariant_names()),
            options.cases,
            plan.job.timesteps,
            plan.space
        );
    }
    let report = model.falsify(&plan.job, &plan.space, &options)?;
    crate::run::interrupted()?;
    say(&report.to_string());
    let Some(c) = &report.counterexample else {
        return Ok(false);
    };
    let file = search::counterexample_file(&req.file, c);
    verify(req.spec, &file, c)?;
    write(&req.out, &header(&report, c), &file)?;
    say(&format!(
        "wrote {0}: `tokensim run {0}` replays it",
        req.out.display()
    ));
    Ok(true)
}

/// A line of the report on stdout. A closed pipe (`falsify … | head`) is not an error: no one
/// reads the rest, and the file is still written.
fn say(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// `every invariant (a, b)` or `a, b`.
fn checked(file: &ExperimentFile, all: Vec<&'static str>) -> String {
    if file.invariants.only.is_empty() {
        format!("every invariant ({})", all.join(", "))
    } else {
        file.invariants.only.join(", ")
    }
}

fn header(report: &Report, c: &Counterexample) -> String {
    let mut h = format!(
        "{MARK}, written by tokensim {}\n",
        env!("CARGO_PKG_VERSION")
    );
    for line in report.to_string().lines() {
        h.push_str(&format!("# {line}\n"));
    }
    h.push_str(&format!(
        "# `tokensim run` on this file replays it: the run fails at timestep {}, substep {}.\n\n",
        c.timestep, c.substep
    ));
    h
}

/// Runs the written experiment and checks that it fails where the search's case did, with the
/// same error: the file's numbers read back to the case's.
fn verify(spec: &ModelSpec, file: &ExperimentFile, c: &Counterexample) -> Result<()> {
    let text = file.to_toml()?;
    let back = ExperimentFile::parse(&text, "the counterexample")?;
    let job = back.job(spec.entry())?;
    let outcome = spec
        .entry()
        .run(&job, &mut NullSink::default(), &sim_core::NoHooks)?;
    match outcome.failures.first() {
        Some(f)
            if (f.timestep, f.substep) == (c.timestep, c.substep)
                && f.error.to_string() == c.error =>
        {
            Ok(())
        }
        other => bail!(
            "the counterexample's experiment file does not replay it (it gave {}); please report this",
            other.map_or_else(|| "no failure".to_owned(), ToString::to_string)
        ),
    }
}

/// `path` is new, or a counterexample tokensim wrote (its first line is [`MARK`]).
fn check_writable(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot look at {}", path.display())),
        Ok(m) if m.is_file() => {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            if text.starts_with(MARK) {
                Ok(())
            } else {
                bail!(
                    "{} exists and is not a counterexample tokensim wrote; it is left alone (choose another path with --out)",
                    path.display()
                )
            }
        }
        Ok(_) => bail!(
            "{} exists and is not a file; it is left alone (choose another path with --out)",
            path.display()
        ),
    }
}

/// Writes the file whole or not at all: into a temporary file beside it, then renamed.
fn write(path: &Path, header: &str, file: &ExperimentFile) -> Result<()> {
    check_writable(path)?;
    let text = format!("{header}{}", file.to_toml()?);
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} does not name a file", path.display()))?
        .to_string_lossy()
        .into_owned();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}
