//! `tokensim run`: checks everything it can first, runs an experiment into a temporary
//! directory beside the output directory (records, `summary.json`, plots), and swaps it into
//! place only when everything worked ([`crate::output`]).

use std::fs::File;
use std::io::{BufWriter, IsTerminal};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Map, Value as Json, json};
use sim_core::{Hooks, Outcome, Sink};
use tokensim_models::catalog::{self, Job, ModelEntry};

use crate::builtin::Analysis;
use crate::collect::{self, Collector, Finals, stats};
use crate::config::{ExperimentFile, Format};
use crate::output::Output;
use crate::{plots, signals};

/// Everything `run` needs, resolved from the command line.
pub(crate) struct RunRequest {
    pub(crate) name: String,
    pub(crate) file: ExperimentFile,
    pub(crate) analysis: Analysis,
    pub(crate) threads: usize,
    pub(crate) shard: (usize, usize),
    pub(crate) out: PathBuf,
    pub(crate) plots: bool,
    pub(crate) quiet: bool,
    /// End a run whose state becomes NaN or infinite (`--allow-non-finite` turns it off).
    pub(crate) check_finite: bool,
}

struct Progress(ProgressBar);

impl Hooks for Progress {
    fn progress(&self, done: usize, total: usize) {
        self.0.set_length(total as u64);
        self.0.set_position(done as u64);
    }
    fn cancelled(&self) -> bool {
        signals::received().is_some()
    }
}

/// The model's variables to plot over time.
pub(crate) fn key_variables(model: &str) -> Vec<String> {
    let v: &[&str] = match model {
        "honey" => &["saturation", "price", "reserve", "circulation"],
        "flash" => &["ext_price", "int_price", "staked", "market_apy"],
        "fei" => &[
            "liquidity_pool",
            "money_market",
            "savings",
            "idle",
            "mm_rate",
            "lp_rate",
            "eth_price",
        ],
        _ => &[],
    };
    v.iter().map(|s| (*s).to_owned()).collect()
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

/// Runs the request: everything is checked before the output directory is touched, the
/// results are written into a temporary directory, and swapped into place whole
/// ([`Output`]).
pub(crate) fn run(req: &RunRequest) -> Result<Report> {
    let model = catalog::model(&req.file.model).with_context(|| {
        let known: Vec<&str> = catalog::models().iter().map(|m| m.name()).collect();
        format!(
            "unknown model `{}` (models: {})",
            req.file.model,
            known.join(", ")
        )
    })?;
    let mut job = req.file.job(model)?;
    job.threads = req.threads;
    job.shard = req.shard;
    job.check_finite = req.check_finite;
    // Parameter errors, plot names and sizes before any directory is made. `subsets` makes
    // every check the run will make; `run` builds the sweep again (microseconds), because the
    // object-safe `ModelEntry` cannot hand its typed subsets from one call to the next.
    let subsets = model.subsets(&job)?;
    let plotted = plotted_variables(req, model)?;
    // Series are kept only for the subsets a time-series plot draws.
    let kept = if req.plots && subsets.len() <= plots::MAX_SERIES {
        plotted.clone()
    } else {
        Vec::new()
    };
    check_memory(model, &job, subsets.len(), kept.len())?;
    if matches!(req.file.output.format, Format::Parquet) && !cfg!(feature = "parquet") {
        bail!(
            "this tokensim was built without Parquet; rebuild with its default features (`cargo install tokensim`)"
        );
    }

    let out = Output::prepare(&req.out)?;
    let result = run_into(req, model, &job, &subsets, &plotted, kept, out.dir());
    // A signal's cancellation says so, whatever the engine reported.
    interrupted()?;
    let (runs, failed) = result?;
    let dir = out.commit()?;
    Ok(Report { dir, runs, failed })
}

/// Fails with the signal's name when a signal asked the run to stop.
fn interrupted() -> Result<()> {
    match signals::received() {
        Some(sig) => bail!("interrupted by {}: nothing was written", signals::name(sig)),
        None => Ok(()),
    }
}

/// The variables to plot: the file's, or the model's key variables; each must exist.
fn plotted_variables(req: &RunRequest, model: &dyn ModelEntry) -> Result<Vec<String>> {
    let mut plotted = req.file.output.plots.clone();
    if plotted.is_empty() {
        plotted = key_variables(model.name());
    }
    for p in &plotted {
        if !model.state_names().contains(&p.as_str()) {
            bail!(
                "cannot plot `{p}`: model `{}` has no such state variable (variables: {})",
                model.name(),
                model.state_names().join(", ")
            );
        }
    }
    Ok(plotted)
}

/// Refuses a run whose summary data would not fit in memory: every run's final state (the
/// summary's medians and percentiles need them all), and the plotted series.
fn check_memory(model: &dyn ModelEntry, job: &Job, subsets: usize, kept: usize) -> Result<()> {
    let limit = sim_core::default_memory_limit();
    // The engine's check (in `subsets`) has refused pair counts that overflow.
    let pairs = sim_core::shard_pairs(subsets, job.runs, job.shard.0, job.shard.1);
    let vars = model.state_names().len() as u128;
    let finals = (pairs.len() as u128) * (16 + 8 * vars);
    let series_subsets = subsets.min(plots::MAX_SERIES) as u128;
    let series = series_subsets
        * kept as u128
        * (job.runs.min(collect::MAX_PLOTTED_RUNS) as u128)
        * (job.timesteps as u128 + 1)
        * 8;
    let need = finals + series;
    if need > u128::from(limit) {
        #[expect(clippy::cast_precision_loss, reason = "sizes shown in a message")]
        let gib = |b: u128| b as f64 / f64::from(1u32 << 30);
        let series = if gib(series) >= 0.05 {
            format!(" and {:.1} GiB for the plotted series", gib(series))
        } else {
            String::new()
        };
        bail!(
            "the experiment is too large: {subsets} subsets × {} runs ({} runs to run here) need {:.1} GiB for the summary's final states{series}, more than this machine's {:.1} GiB of memory",
            job.runs,
            pairs.len(),
            gib(finals),
            gib(u128::from(limit)),
        );
    }
    Ok(())
}

fn run_into(
    req: &RunRequest,
    model: &dyn ModelEntry,
    job: &Job,
    subsets: &[Vec<(&'static str, sim_core::Value)>],
    plotted: &[String],
    kept: Vec<String>,
    dir: &Path,
) -> Result<(usize, usize)> {
    let bar = progress_bar(req.quiet);
    let hooks = Progress(bar.clone());
    let started = Instant::now();
    let (outcome, (state_names, finals, series)) = match req.file.output.format {
        Format::Csv => csv_run(model, job, dir, &hooks, kept)?,
        Format::Parquet => parquet_run(model, job, dir, &hooks, kept)?,
    };
    let elapsed = started.elapsed();
    bar.finish_and_clear();
    interrupted()?;

    let per_subset = subset_summaries(job, subsets, &outcome, &state_names, &finals);
    // The plots first, so that the summary can say which were skipped.
    let skipped = if req.plots {
        plots::draw_all(
            &dir.join("plots"),
            req,
            subsets,
            plotted,
            &series,
            &per_subset,
        )?
    } else {
        Vec::new()
    };
    let results = analysis(req.analysis, subsets, &per_subset);
    let summary = json!({
        "experiment": req.name,
        "model": model.name(),
        "fidelity": req.file.fidelity.name(),
        "tokensim_version": env!("CARGO_PKG_VERSION"),
        "seed": job.seed,
        "runs": job.runs,
        "timesteps": job.timesteps,
        "shard": {"index": job.shard.0, "count": job.shard.1},
        "check_finite": job.check_finite,
        "experiment_file": req.file,
        "rows": outcome.rows,
        "runs_completed": outcome.runs - outcome.failures.len(),
        "runs_failed": outcome.failures.len(),
        "failures": outcome.failures.iter().map(|f| json!({
            "subset": f.subset, "run": f.run, "timestep": f.timestep, "substep": f.substep,
            "error": f.error.to_string(),
        })).collect::<Vec<_>>(),
        "subsets": per_subset,
        "results": results,
        "plots_skipped": skipped,
        "elapsed_seconds": elapsed.as_secs_f64(),
    });
    let text = serde_json::to_string_pretty(&summary)?;
    std::fs::write(dir.join("summary.json"), text + "\n")?;
    if !req.quiet {
        report(&outcome, elapsed.as_secs_f64(), &summary);
    }
    // Skipped plots are said even when quiet.
    for note in &skipped {
        eprintln!("note: {note}");
    }
    Ok((outcome.runs, outcome.failures.len()))
}

/// The progress bar on stderr, hidden when quiet or not on a terminal.
fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    b.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    b
}

/// The summary's entry for each subset that ran here: its parameters, runs completed and
/// failed, and the statistics of each state variable's final value over its completed runs.
fn subset_summaries(
    job: &Job,
    subsets: &[Vec<(&'static str, sim_core::Value)>],
    outcome: &Outcome,
    state_names: &[&'static str],
    finals: &Finals,
) -> Vec<Json> {
    let mut finals_by_subset: Vec<Vec<&[f64]>> = vec![Vec::new(); subsets.len()];
    for (s, v) in finals.completed(&outcome.failures) {
        finals_by_subset[s].push(v);
    }
    let pairs = sim_core::shard_pairs(subsets.len(), job.runs, job.shard.0, job.shard.1);
    let mut per_subset = Vec::new();
    for (i, params) in subsets.iter().enumerate() {
        let ran = pairs.in_subset(i);
        if ran == 0 {
            continue;
        }
        let mut fin = Map::new();
        for (k, name) in state_names.iter().enumerate() {
            let values: Vec<f64> = finals_by_subset[i].iter().map(|v| v[k]).collect();
            if let Some([mean, median, p5, p95]) = stats(&values) {
                fin.insert(
                    (*name).to_owned(),
                    json!({"mean": mean, "median": median, "p5": p5, "p95": p95}),
                );
            }
        }
        let failed = outcome.failures.iter().filter(|f| f.subset == i).count();
        per_subset.push(json!({
            "subset": i,
            "params": params.iter().map(|(k, v)| ((*k).to_owned(), json_value(*v))).collect::<Map<_, _>>(),
            "runs_completed": ran - failed,
            "runs_failed": failed,
            "final": fin,
        }));
    }
    per_subset
}

/// The closing lines on stderr: rows, runs and time, and the results.
fn report(outcome: &Outcome, seconds: f64, summary: &Json) {
    eprintln!(
        "{} rows, {} runs ({} failed) in {:.2} s",
        outcome.rows,
        outcome.runs,
        outcome.failures.len(),
        seconds
    );
    if let Some(r) = summary.get("results").filter(|r| !r.is_null()) {
        eprintln!("results: {r}");
    }
}

/// What the collector kept: the state names, every run's final state, and the plotted series.
type Parts = (Vec<&'static str>, Finals, Vec<Vec<Vec<Vec<f64>>>>);

fn collect_run(
    model: &dyn ModelEntry,
    job: &Job,
    sink: &mut dyn Sink,
    hooks: &dyn Hooks,
    plotted: Vec<String>,
) -> Result<(Outcome, Parts)> {
    let mut c = Collector::new(sink, plotted);
    let outcome = model.run(job, &mut c, hooks)?;
    Ok((outcome, (c.state_names, c.finals, c.series)))
}

/// The records file `name`, new, in the output's temporary directory.
fn records_file(dir: &Path, name: &str) -> Result<BufWriter<File>> {
    let path = dir.join(name);
    let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(BufWriter::new(file))
}

fn csv_run(
    model: &dyn ModelEntry,
    job: &Job,
    dir: &Path,
    hooks: &dyn Hooks,
    plotted: Vec<String>,
) -> Result<(Outcome, Parts)> {
    let mut sink = sim_core::CsvSink::new(records_file(dir, "records.csv")?);
    let r = collect_run(model, job, &mut sink, hooks, plotted)?;
    sink.into_inner()?;
    Ok(r)
}

#[cfg(feature = "parquet")]
fn parquet_run(
    model: &dyn ModelEntry,
    job: &Job,
    dir: &Path,
    hooks: &dyn Hooks,
    plotted: Vec<String>,
) -> Result<(Outcome, Parts)> {
    let mut sink = sim_core::sink::ParquetSink::new(records_file(dir, "records.parquet")?);
    let r = collect_run(model, job, &mut sink, hooks, plotted)?;
    sink.into_inner()?;
    Ok(r)
}

#[cfg(not(feature = "parquet"))]
fn parquet_run(
    _: &dyn ModelEntry,
    _: &Job,
    _: &Path,
    _: &dyn Hooks,
    _: Vec<String>,
) -> Result<(Outcome, Parts)> {
    bail!(
        "this tokensim was built without Parquet; rebuild with its default features (`cargo install tokensim`)"
    )
}

/// Runs `file` in memory and returns the productivities where the mean final saturation
/// crosses `low` and `high` ([`Analysis::SaturationRange`]'s range), when both are found.
pub(crate) fn productivity_crossings(
    file: &ExperimentFile,
    low: f64,
    high: f64,
) -> Option<(f64, f64)> {
    let model = catalog::model(&file.model)?;
    let job = file.job(model).ok()?;
    let subsets = model.subsets(&job).ok()?;
    let mut null = sim_core::NullSink::default();
    let (outcome, (names, finals, _)) =
        collect_run(model, &job, &mut null, &sim_core::NoHooks, Vec::new()).ok()?;
    let k = names.iter().position(|n| *n == "saturation")?;
    let mut sums = vec![(0.0, 0usize); subsets.len()];
    for (s, v) in finals.completed(&outcome.failures) {
        sums[s].0 += v[k];
        sums[s].1 += 1;
    }
    let points = sums
        .iter()
        .zip(&subsets)
        .filter(|((_, n), _)| *n > 0)
        .filter_map(|((sum, n), p)| {
            let mean = sum / *n as f64;
            Some((param_of(p, "productivity")?, mean))
        })
        .collect();
    match crossings(points, low, high) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => None,
    }
}

/// Of `(productivity, mean final saturation)` points, the largest productivity whose
/// saturation is below `low`, and the smallest whose saturation is above `high`.
fn crossings(mut points: Vec<(f64, f64)>, low: f64, high: f64) -> (Option<f64>, Option<f64>) {
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let below = points.iter().rev().find(|(_, s)| *s < low).map(|p| p.0);
    let above = points.iter().find(|(_, s)| *s > high).map(|p| p.0);
    (below, above)
}

fn json_value(v: sim_core::Value) -> Json {
    match v {
        sim_core::Value::F64(x) => json!(x),
        sim_core::Value::I64(x) => json!(x),
        sim_core::Value::Bool(b) => json!(b),
        sim_core::Value::Decimal(d) => json!(d.to_string()),
    }
}

fn final_mean(subset: &Json, var: &str) -> Option<f64> {
    subset.get("final")?.get(var)?.get("mean")?.as_f64()
}

fn param_of(params: &[(&'static str, sim_core::Value)], name: &str) -> Option<f64> {
    params
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.as_f64())
}

/// Experiment-specific results.
fn analysis(
    analysis: Analysis,
    subsets: &[Vec<(&'static str, sim_core::Value)>],
    per_subset: &[Json],
) -> Json {
    match analysis {
        Analysis::None => Json::Null,
        Analysis::SaturationRange { low, high } => {
            let points: Vec<(f64, f64)> = per_subset
                .iter()
                .filter_map(|s| {
                    let i = usize::try_from(s.get("subset")?.as_u64()?).ok()?;
                    Some((
                        param_of(&subsets[i], "productivity")?,
                        final_mean(s, "saturation")?,
                    ))
                })
                .collect();
            let (below, above) = crossings(points, low, high);
            json!({
                "productivity_range": {
                    "low": below,
                    "high": above,
                    "median": below.zip(above).map(|(a, b)| (a + b) / 2.0),
                    "definition": format!(
                        "low: the largest productivity whose mean final saturation is below {low}; high: the smallest whose mean final saturation is above {high}"
                    ),
                },
            })
        }
    }
}
