//! From a finished run's outcome and what the collector kept, to the summary, the plots and
//! `summary.json`: the same for `tokensim run`, for `tokensim merge` (on the merged shards)
//! and for [`ModelSpec::summarize`](crate::ModelSpec::summarize) (in memory).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use sim_core::Outcome;

use crate::collect::Collected;
use crate::experiment::ExperimentFile;
use crate::model::Job;
use crate::plots;
use crate::spec::{Finished, ModelSpec};
use crate::summary::{
    FailureSummary, InvariantSummary, ShardInfo, Summary, failure_summary, subset_summaries,
};

/// What the summary says of the experiment, besides its outcome.
pub(crate) struct Context<'a> {
    /// The experiment's name.
    pub(crate) name: &'a str,
    /// The model.
    pub(crate) spec: &'a ModelSpec,
    /// The experiment as run.
    pub(crate) file: &'a ExperimentFile,
    /// The job it made.
    pub(crate) job: &'a Job,
    /// Every subset's parameters.
    pub(crate) subsets: &'a [Vec<(&'static str, sim_core::Value)>],
}

/// How the runs went: records written, runs executed, and the failed ones in record order.
pub(crate) struct Ran {
    pub(crate) rows: u64,
    pub(crate) runs: usize,
    pub(crate) failures: Vec<FailureSummary>,
}

impl From<&Outcome> for Ran {
    fn from(outcome: &Outcome) -> Self {
        Self {
            rows: outcome.rows,
            runs: outcome.runs,
            failures: outcome.failures.iter().map(failure_summary).collect(),
        }
    }
}

/// The summary of finished runs (no plots drawn yet: `plots_skipped` is empty).
pub(crate) fn summary(
    cx: &Context<'_>,
    ran: Ran,
    collected: &Collected,
    elapsed_seconds: f64,
) -> Summary {
    let job = cx.job;
    let pairs = sim_core::shard_pairs(cx.subsets.len(), job.runs, job.shard.0, job.shard.1);
    let per_subset = subset_summaries(
        &pairs,
        cx.subsets,
        &ran.failures,
        &collected.state_names,
        &collected.finals,
    );
    let results = cx.spec.analyse(&Finished {
        subsets: &per_subset,
        state_names: &collected.state_names,
        finals: &collected.finals,
        failures: &ran.failures,
    });
    Summary {
        experiment: cx.name.to_owned(),
        model: cx.spec.name().to_owned(),
        fidelity: cx.file.fidelity.name().to_owned(),
        tokensim_version: env!("CARGO_PKG_VERSION").to_owned(),
        seed: job.seed,
        runs: job.runs,
        timesteps: job.timesteps,
        shard: ShardInfo {
            index: job.shard.0,
            count: job.shard.1,
        },
        check_finite: job.check_finite,
        invariants: invariant_summary(cx, &ran.failures),
        experiment_file: cx.file.clone(),
        rows: ran.rows,
        runs_completed: ran.runs - ran.failures.len(),
        runs_failed: ran.failures.len(),
        failures: ran.failures,
        subsets: per_subset,
        results,
        plots_skipped: Vec::new(),
        elapsed_seconds,
    }
}

/// The invariants checked and each one's violations (zero included, so that a clean run says
/// which invariants held).
fn invariant_summary(cx: &Context<'_>, failures: &[FailureSummary]) -> InvariantSummary {
    let job = cx.job;
    let checked: Vec<String> = match job.invariants {
        sim_core::InvariantCheck::Off => Vec::new(),
        _ if job.only_invariants.is_empty() => cx
            .spec
            .entry()
            .invariant_names()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        _ => job.only_invariants.clone(),
    };
    let mut violations: BTreeMap<String, usize> = checked.into_iter().map(|n| (n, 0)).collect();
    for name in failures.iter().filter_map(|f| f.invariant.as_ref()) {
        *violations.entry(name.clone()).or_default() += 1;
    }
    InvariantSummary {
        check: job.invariants.name().to_owned(),
        only: job.only_invariants.clone(),
        violations,
    }
}

/// Draws the plots (when `draw`) into `dir/plots`, then writes `dir/summary.json`, saying
/// which plots were skipped; prints the closing lines unless `quiet`.
pub(crate) fn write(
    cx: &Context<'_>,
    mut summary: Summary,
    collected: &Collected,
    (plotted, heatmapped): (&[String], &[String]),
    (draw, quiet): (bool, bool),
    dir: &Path,
) -> Result<Summary> {
    if draw {
        summary.plots_skipped = plots::draw_all(
            &dir.join("plots"),
            &plots::Figures {
                title: cx.name,
                subsets: cx.subsets,
                plotted,
                heatmapped,
                series: &collected.series,
                per_subset: &summary.subsets,
            },
        )?;
    }
    std::fs::write(dir.join("summary.json"), summary.to_json()?)?;
    if !quiet {
        eprintln!(
            "{} rows, {} runs ({} failed) in {:.2} s",
            summary.rows,
            summary.runs_completed + summary.runs_failed,
            summary.runs_failed,
            summary.elapsed_seconds
        );
        let broken: Vec<String> = summary
            .invariants
            .violations
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(name, n)| format!("{name} ({n} run{})", if *n == 1 { "" } else { "s" }))
            .collect();
        if !broken.is_empty() {
            eprintln!("invariants violated: {}", broken.join(", "));
        }
        if let Some(r) = &summary.results {
            eprintln!("results: {r}");
        }
    }
    // Skipped plots are said even when quiet.
    for note in &summary.plots_skipped {
        eprintln!("note: {note}");
    }
    Ok(summary)
}
