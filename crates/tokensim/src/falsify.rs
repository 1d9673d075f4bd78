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
    // Refuse an output we may not write before spending the budget.
    check_writable(&req.out)?;
    if !req.quiet {
        let plan = search::plan(&req.file, model)?;
        eprintln!(
            "searching {} for a counterexample to {}: {} cases of up to {} timesteps over {}",
            req.spec.name(),
            checked(&req.file, model.invariant_names()),
            req.cases.unwrap_or(plan.cases),
            plan.job.timesteps,
            plan.space
        );
    }
    let found = req
        .spec
        .falsify(&req.file, req.cases, req.seed, req.time_limit)?;
    crate::run::interrupted()?;
    say(&found.report.to_string());
    let (Some(c), Some(file)) = (&found.report.counterexample, &found.replay) else {
        return Ok(false);
    };
    write(&req.out, &header(&found.report, c), file)?;
    say(&format!(
        "wrote {0}: `tokensim run {0}` replays it",
        req.out.display()
    ));
    Ok(true)
}

/// What a search for a counterexample found ([`ModelSpec::falsify`]).
#[derive(Debug)]
pub struct Falsified {
    /// The search's report: its cases, and the shrunk counterexample if one was found.
    pub report: Report,
    /// The experiment file that replays the counterexample (checked to replay it), if one was
    /// found: `runs = 1` of its point, seed and horizon.
    pub replay: Option<ExperimentFile>,
}

impl ModelSpec {
    /// `tokensim falsify` without its files: searches `file`'s `[search]` space (and its lists
    /// of several values) for a counterexample to the model's invariants, shrinks it, and
    /// checks that its experiment file replays it. `cases` and `seed` override the file's.
    ///
    /// # Errors
    /// The experiment does not fit the model, the search refuses it, or the counterexample
    /// does not replay (a defect to report).
    pub fn falsify(
        &self,
        file: &ExperimentFile,
        cases: Option<u32>,
        seed: Option<u64>,
        time_limit: Option<Duration>,
    ) -> Result<Falsified, crate::Error> {
        let model = self.entry();
        let plan = search::plan(file, model)?;
        let options = SearchOptions {
            cases: cases.unwrap_or(plan.cases),
            seed: seed.unwrap_or(file.sim.seed),
            time_limit,
        };
        let report = model.falsify(&plan.job, &plan.space, &options)?;
        let replay = match &report.counterexample {
            Some(c) => {
                let replay = search::counterexample_file(file, c);
                verify(self, &replay, c)?;
                Some(replay)
            }
            None => None,
        };
        Ok(Falsified { report, replay })
    }
}

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
