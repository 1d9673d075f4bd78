//! The records file of a run, CSV or Parquet, behind the [`Collector`] that keeps what the
//! summary and the plots need.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use anyhow::{Context, Result};
use sim_core::{Hooks, Layout, Outcome, Sink};

use crate::collect::{Collected, Collector};
use crate::model::{Job, ModelEntry};

/// Runs `job` into `sink` through a collector that keeps the `plotted` series.
pub(crate) fn collect_run(
    model: &dyn ModelEntry,
    job: &Job,
    sink: &mut dyn Sink,
    hooks: &dyn Hooks,
    plotted: Vec<String>,
) -> Result<(Outcome, Collected)> {
    let mut c = Collector::new(sink, plotted);
    let outcome = model.run(job, &mut c, hooks)?;
    Ok((outcome, c.into_parts()))
}

/// The records file `name`, new, in the output's temporary directory.
pub(crate) fn records_file(dir: &Path, name: &str) -> Result<BufWriter<File>> {
    let path = dir.join(name);
    let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(BufWriter::new(file))
}

/// Runs into `records.csv`.
pub(crate) fn csv_run(
    model: &dyn ModelEntry,
    (job, layout): (&Job, Layout),
    dir: &Path,
    hooks: &dyn Hooks,
    plotted: Vec<String>,
) -> Result<(Outcome, Collected)> {
    let mut sink = sim_core::CsvSink::new(records_file(dir, "records.csv")?).with_layout(layout);
    let r = collect_run(model, job, &mut sink, hooks, plotted)?;
    sink.into_inner()?;
    Ok(r)
}

/// Runs into `records.parquet`.
#[cfg(feature = "parquet")]
pub(crate) fn parquet_run(
    model: &dyn ModelEntry,
    (job, layout): (&Job, Layout),
    dir: &Path,
    hooks: &dyn Hooks,
    plotted: Vec<String>,
) -> Result<(Outcome, Collected)> {
    let mut sink =
        sim_core::sink::ParquetSink::new(records_file(dir, "records.parquet")?).with_layout(layout);
    let r = collect_run(model, job, &mut sink, hooks, plotted)?;
    sink.into_inner()?;
    Ok(r)
}

/// Without the `parquet` feature: refused (checked before the output is prepared).
#[cfg(not(feature = "parquet"))]
pub(crate) fn parquet_run(
    _: &dyn ModelEntry,
    _: (&Job, Layout),
    _: &Path,
    _: &dyn Hooks,
    _: Vec<String>,
) -> Result<(Outcome, Collected)> {
    Err(super::no_parquet())
}
