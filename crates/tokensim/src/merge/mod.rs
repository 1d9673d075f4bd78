//! `tokensim merge OUT SHARD_DIR...`: the shards of one experiment (`run --shard I/N`) into one
//! output, as the unsharded run would have written it. The records are merged in record order
//! by a streaming k-way merge (one record per shard in memory), and the summary and plots are
//! computed from them by the same code as a run's, so `summary.json` equals the unsharded
//! run's in everything but `elapsed_seconds` (the shards' sum).

mod rows;
mod shards;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use sim_core::{Header, Sink};

use crate::collect::{Collected, Collector};
use crate::experiment::Format;
use crate::output::Output;
use crate::registry::Registry;
use crate::run::finish::{self, Ran};
use crate::run::{interrupted, records};
use crate::summary::Summary;
use crate::{plots, run};

use self::rows::{Columns, CsvRows, Row, Rows};
use self::shards::Shard;

/// What `merge` needs, from the command line.
pub(crate) struct MergeRequest {
    pub(crate) out: PathBuf,
    pub(crate) shards: Vec<PathBuf>,
    pub(crate) plots: bool,
    pub(crate) quiet: bool,
}

/// Merges the shards into `req.out`, written whole or not at all. Returns the output directory
/// and the merged summary.
pub(crate) fn merge(registry: &Registry, req: &MergeRequest) -> Result<(PathBuf, Summary)> {
    let shards = shards::read(&req.shards)?;
    let first = &shards[0].summary;
    let spec = registry.model_named(&first.model)?;
    let model = spec.entry();
    let file = first.experiment_file.clone();
    let mut job = file.job(model)?;
    job.check_finite = first.check_finite;
    let subsets = model.subsets(&job)?;
    let (plotted, heatmapped) = run::figures(spec, &file)?;
    let kept = if req.plots && subsets.len() <= plots::MAX_SERIES {
        plotted.clone()
    } else {
        Vec::new()
    };
    run::checks::memory(model, &job, subsets.len(), kept.len())?;
    // The parameter columns: the model's, then any swept genesis variable's.
    let param_names: Vec<&'static str> = subsets
        .first()
        .map(|p| p.iter().map(|(k, _)| *k).collect())
        .unwrap_or_default();
    let index_first = file.output.layout.index_first();
    let index = sim_core::sink::INDEX_COLUMNS.iter();
    let columns = Columns {
        names: if index_first {
            index
                .chain(model.state_names())
                .chain(&param_names)
                .copied()
                .collect()
        } else {
            model.state_names().iter().chain(index).copied().collect()
        },
        index_first,
        state: model.genesis().into_iter().map(|(_, v)| v).collect(),
        params: match subsets.first() {
            Some(p) if index_first => p.iter().map(|(_, v)| *v).collect(),
            _ => Vec::new(),
        },
    };
    let header = Header {
        state: model.state_names(),
        params: param_names.clone(),
        example: columns
            .state
            .iter()
            .chain(&columns.params)
            .copied()
            .collect(),
    };
    let cx = finish::Context {
        name: &first.experiment,
        spec,
        file: &file,
        job: &job,
        subsets: &subsets,
    };
    let out = Output::prepare(&req.out)?;
    let merged = merge_records(
        &shards,
        (file.output.format, file.output.layout),
        &columns,
        &header,
        kept,
        out.dir(),
    );
    interrupted()?;
    let (rows, collected) = merged?;
    let summary = finish::summary(&cx, ran(&shards, rows), &collected, elapsed(&shards));
    let summary = finish::write(
        &cx,
        summary,
        &collected,
        (&plotted, &heatmapped),
        (req.plots, req.quiet),
        out.dir(),
    )?;
    let dir = out.commit()?;
    Ok((dir, summary))
}

/// The shards' runs and failures together, the failures in record order.
fn ran(shards: &[Shard], rows: u64) -> Ran {
    let mut failures: Vec<_> = shards
        .iter()
        .flat_map(|s| s.summary.failures.iter().cloned())
        .collect();
    failures.sort_by_key(|f| (f.subset, f.run));
    Ran {
        rows,
        runs: shards
            .iter()
            .map(|s| s.summary.runs_completed + s.summary.runs_failed)
            .sum(),
        failures,
    }
}

fn elapsed(shards: &[Shard]) -> f64 {
    shards.iter().map(|s| s.summary.elapsed_seconds).sum()
}

/// Merges the shards' records into `dir`'s records file, through a collector; returns the
/// records written and what the collector kept.
fn merge_records(
    shards: &[Shard],
    (format, layout): (Format, sim_core::Layout),
    columns: &Columns,
    header: &Header,
    kept: Vec<String>,
    dir: &Path,
) -> Result<(u64, Collected)> {
    match format {
        Format::Csv => {
            let mut sources = Vec::new();
            let mut head = Vec::new();
            for s in shards {
                let (rows, h) = CsvRows::open(&shards::records(&s.dir, "records.csv")?, columns)?;
                sources.push(Rows::Csv(rows));
                head = h;
            }
            let mut out = records::records_file(dir, "records.csv")?;
            out.write_all(&head)?;
            let mut null = sim_core::NullSink::default();
            let mut collector = Collector::new(&mut null, kept);
            let rows = k_way(shards, sources, columns, header, &mut collector, |row| {
                out.write_all(&row.line)
            })?;
            out.flush()?;
            Ok((rows, collector.into_parts()))
        }
        #[cfg(feature = "parquet")]
        Format::Parquet => {
            let mut sources = Vec::new();
            for s in shards {
                let path = shards::records(&s.dir, "records.parquet")?;
                sources.push(Rows::Parquet(rows::ParquetRows::open(&path, columns)?));
            }
            let mut sink =
                sim_core::sink::ParquetSink::new(records::records_file(dir, "records.parquet")?)
                    .with_layout(layout);
            let mut collector = Collector::new(&mut sink, kept);
            let rows = k_way(shards, sources, columns, header, &mut collector, |_| Ok(()))?;
            let collected = collector.into_parts();
            sink.into_inner()?;
            Ok((rows, collected))
        }
        #[cfg(not(feature = "parquet"))]
        Format::Parquet => {
            // The layout matters only to the Parquet sink this build does not have.
            let _ = layout;
            Err(run::no_parquet())
        }
    }
}

/// The k-way merge: repeatedly the record of the smallest `(subset, run)` among the shards'
/// next records (a run's records are all in one shard, in order). Each record goes to the
/// collector (and its sink) and to `write`. Checks that every record belongs to its shard.
fn k_way(
    shards: &[Shard],
    mut sources: Vec<Rows>,
    columns: &Columns,
    header: &Header,
    collector: &mut Collector<'_>,
    mut write: impl FnMut(&Row) -> std::io::Result<()>,
) -> Result<u64> {
    collector.begin(header)?;
    let count = shards.len();
    let runs = shards[0].summary.runs;
    let mut rows: Vec<Row> = (0..count).map(|_| Row::default()).collect();
    let mut heap = BinaryHeap::new();
    for (i, source) in sources.iter_mut().enumerate() {
        if source.next(&mut rows[i], columns)? {
            heap.push(Reverse((rows[i].meta.subset, rows[i].meta.run, i)));
        }
    }
    let mut written = 0u64;
    while let Some(Reverse((subset, run, i))) = heap.pop() {
        let position = subset
            .checked_mul(runs)
            .and_then(|p| p.checked_add(run - 1));
        if run == 0 || position.is_none_or(|p| p % count != i) {
            bail!(
                "{} holds run {run} of subset {subset}, which is not shard {i}/{count}'s",
                shards[i].dir.display()
            );
        }
        let row = &rows[i];
        collector.row(&row.meta, &row.state, &row.params)?;
        write(row)?;
        written += 1;
        if written.is_multiple_of(4096) {
            interrupted()?;
        }
        if sources[i].next(&mut rows[i], columns)? {
            heap.push(Reverse((rows[i].meta.subset, rows[i].meta.run, i)));
        }
    }
    collector.finish()?;
    Ok(written)
}
