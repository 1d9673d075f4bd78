//! `tokensim run`: checks everything it can first, runs an experiment into a temporary
//! directory beside the output directory (records, `summary.json`, plots), and swaps it into
//! place only when everything worked ([`crate::output`]).

pub(crate) mod checks;
pub(crate) mod finish;
pub(crate) mod memory;
pub(crate) mod progress;
pub(crate) mod records;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, bail};

use crate::experiment::{ExperimentFile, Format};
use crate::output::Output;
use crate::plots;
use crate::signals;
use crate::spec::ModelSpec;
use crate::summary::Summary;

/// Everything `run` needs, resolved from the command line.
pub(crate) struct RunRequest<'a> {
    pub(crate) name: String,
    pub(crate) spec: &'a ModelSpec,
    pub(crate) file: ExperimentFile,
    pub(crate) threads: usize,
    pub(crate) shard: (usize, usize),
    pub(crate) out: PathBuf,
    pub(crate) plots: bool,
    pub(crate) quiet: bool,
    /// End a run whose state becomes NaN or infinite (`--allow-non-finite` turns it off).
    pub(crate) check_finite: bool,
}

/// What a finished run reports to the command line.
pub(crate) struct Report {
    /// The output directory.
    pub(crate) dir: PathBuf,
    /// Runs executed.
    pub(crate) runs: usize,
    /// Runs that failed.
    pub(crate) failed: usize,
}

/// The refusal of Parquet by a tokensim built without it.
pub(crate) fn no_parquet() -> anyhow::Error {
    anyhow::anyhow!(
        "this tokensim was built without Parquet; rebuild it with tokensim's `parquet` feature (on by default)"
    )
}

/// The plotted and heatmapped variables: the file's, or the model's; each must exist.
pub(crate) fn figures(
    spec: &ModelSpec,
    file: &ExperimentFile,
) -> Result<(Vec<String>, Vec<String>)> {
    let plotted = if file.output.plots.is_empty() {
        spec.plotted()
    } else {
        file.output.plots.clone()
    };
    let heatmapped = if file.output.heatmaps.is_empty() {
        spec.heatmapped(&plotted)
    } else {
        file.output.heatmaps.clone()
    };
    checks::state_variables(spec.entry(), &plotted, "plot")?;
    checks::state_variables(spec.entry(), &heatmapped, "draw a heatmap of")?;
    Ok((plotted, heatmapped))
}

/// Runs the request: everything is checked before the output directory is touched, the
/// results are written into a temporary directory, and swapped into place whole
/// ([`Output`]).
pub(crate) fn run(req: &RunRequest<'_>) -> Result<Report> {
    let model = req.spec.entry();
    let mut job = req.file.job(model)?;
    job.threads = req.threads;
    job.shard = req.shard;
    job.check_finite = req.check_finite;
    // Parameter errors, plot names and sizes before any directory is made. `subsets` makes
    // every check the run will make; `run` builds the sweep again (microseconds), because the
    // object-safe `ModelEntry` cannot hand its typed subsets from one call to the next.
    let subsets = model.subsets(&job)?;
    let (plotted, heatmapped) = figures(req.spec, &req.file)?;
    // Series are kept only for the subsets a time-series plot draws.
    let kept = if req.plots && subsets.len() <= plots::MAX_SERIES {
        plotted.clone()
    } else {
        Vec::new()
    };
    checks::memory(model, &job, subsets.len(), kept.len())?;
    if matches!(req.file.output.format, Format::Parquet) && !cfg!(feature = "parquet") {
        return Err(no_parquet());
    }

    let cx = finish::Context {
        name: &req.name,
        spec: req.spec,
        file: &req.file,
        job: &job,
        subsets: &subsets,
    };
    let out = Output::prepare(&req.out)?;
    let result = run_into(req, &cx, (&plotted, &heatmapped), kept, out.dir());
    // A signal's cancellation says so, whatever the engine reported.
    interrupted()?;
    let summary = result?;
    let dir = out.commit()?;
    Ok(Report {
        dir,
        runs: summary.runs_completed + summary.runs_failed,
        failed: summary.runs_failed,
    })
}

/// Fails with the signal's name when a signal asked the run to stop.
pub(crate) fn interrupted() -> Result<()> {
    match signals::received() {
        Some(sig) => bail!("interrupted by {}: nothing was written", signals::name(sig)),
        None => Ok(()),
    }
}

fn run_into(
    req: &RunRequest<'_>,
    cx: &finish::Context<'_>,
    figures: (&[String], &[String]),
    kept: Vec<String>,
    dir: &Path,
) -> Result<Summary> {
    let bar = progress::progress_bar(req.quiet);
    let hooks = progress::Progress(bar.clone());
    let started = Instant::now();
    let model = req.spec.entry();
    let to = (cx.job, req.file.output.layout);
    let (outcome, collected) = match req.file.output.format {
        Format::Csv => records::csv_run(model, to, dir, &hooks, kept)?,
        Format::Parquet => records::parquet_run(model, to, dir, &hooks, kept)?,
    };
    let elapsed = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    interrupted()?;
    let summary = finish::summary(cx, (&outcome).into(), &collected, elapsed);
    finish::write(
        cx,
        summary,
        &collected,
        figures,
        (req.plots, req.quiet),
        dir,
    )
}

impl ModelSpec {
    /// Runs `file` in memory, without records or plots, and returns its summary (with the
    /// analysis hook's results): what `tokensim run` would write as `summary.json`.
    ///
    /// # Errors
    /// The experiment does not fit the model, or the engine refuses it.
    pub fn summarize(&self, file: &ExperimentFile) -> Result<Summary, crate::Error> {
        let model = self.entry();
        let job = file.job(model)?;
        let subsets = model.subsets(&job)?;
        let mut null = sim_core::NullSink::default();
        let started = Instant::now();
        let (outcome, collected) =
            records::collect_run(model, &job, &mut null, &sim_core::NoHooks, Vec::new())?;
        let cx = finish::Context {
            name: &file.model,
            spec: self,
            file,
            job: &job,
            subsets: &subsets,
        };
        Ok(finish::summary(
            &cx,
            (&outcome).into(),
            &collected,
            started.elapsed().as_secs_f64(),
        ))
    }
}
