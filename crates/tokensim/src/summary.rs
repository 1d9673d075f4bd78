//! `summary.json`, typed: what a run (or a merge of shards) writes beside its records, and
//! what `tokensim merge` reads back. The keys are written sorted, as before the types existed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use sim_core::RunFailure;

use crate::collect::{Finals, stats};
use crate::experiment::ExperimentFile;

/// The summary of an experiment's run, as `summary.json` holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The experiment's name (a registered experiment's, or the file's stem).
    pub experiment: String,
    /// The model's name.
    pub model: String,
    /// `corrected` or `faithful`.
    pub fidelity: String,
    /// The tokensim that wrote it.
    pub tokensim_version: String,
    /// The experiment's seed.
    pub seed: u64,
    /// Monte Carlo runs per subset.
    pub runs: usize,
    /// Timesteps per run.
    pub timesteps: usize,
    /// Which shard of how many this is (`0` of `1` for a whole experiment).
    pub shard: ShardInfo,
    /// Whether a non-finite state ended its run.
    pub check_finite: bool,
    /// How the model's invariants were checked, and how many runs each ended.
    #[serde(default)]
    pub invariants: InvariantSummary,
    /// The experiment as run, overrides applied: `tokensim run` on it reproduces the records.
    pub experiment_file: ExperimentFile,
    /// Records written.
    pub rows: u64,
    /// Runs that completed.
    pub runs_completed: usize,
    /// Runs that failed.
    pub runs_failed: usize,
    /// Each failed run, in record order, and why.
    pub failures: Vec<FailureSummary>,
    /// Each subset that ran, in order.
    pub subsets: Vec<SubsetSummary>,
    /// What the model's analysis hook returned, or `null`.
    pub results: Option<Json>,
    /// The plots that were not drawn, and why.
    pub plots_skipped: Vec<String>,
    /// Wall-clock seconds of the run (for a merge, the shards' sum).
    pub elapsed_seconds: f64,
}

/// A shard's place: `index` of `count`, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// The shard, from 0.
    pub index: usize,
    /// The number of shards.
    pub count: usize,
}

/// A failed run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureSummary {
    /// Its subset, from 0.
    pub subset: usize,
    /// The run, from 1.
    pub run: usize,
    /// The timestep it failed in.
    pub timestep: usize,
    /// The substep it failed in.
    pub substep: usize,
    /// What went wrong.
    pub error: String,
    /// The invariant it violated, when that is why it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invariant: Option<String>,
}

/// The invariants of a summary: how they were checked, and the runs each ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvariantSummary {
    /// `substep`, `timestep` or `off`.
    pub check: String,
    /// The invariants checked, when not all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only: Vec<String>,
    /// Every invariant checked, with the number of runs whose violation of it ended them.
    pub violations: BTreeMap<String, usize>,
}

/// One subset's parameters and the statistics of its runs' final states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubsetSummary {
    /// The subset, from 0.
    pub subset: usize,
    /// Its parameters by name (numbers, booleans, decimals as strings).
    pub params: BTreeMap<String, Json>,
    /// Its runs that completed here.
    pub runs_completed: usize,
    /// Its runs that failed here.
    pub runs_failed: usize,
    /// Each state variable's final value over the completed runs (variables with no non-NaN
    /// final are left out).
    #[serde(rename = "final")]
    pub finals: BTreeMap<String, Stats>,
}

impl SubsetSummary {
    /// The parameter `name` as a number, when it is one.
    #[must_use]
    pub fn param(&self, name: &str) -> Option<f64> {
        self.params.get(name)?.as_f64()
    }

    /// The mean final value of state variable `name` over the completed runs.
    #[must_use]
    pub fn final_mean(&self, name: &str) -> Option<f64> {
        self.finals.get(name).map(|s| s.mean)
    }
}

/// Mean, median, and 5th and 95th percentiles (numpy's linear interpolation), NaN left out.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// The mean.
    #[serde(deserialize_with = "nullable")]
    pub mean: f64,
    /// The median.
    #[serde(deserialize_with = "nullable")]
    pub median: f64,
    /// The 5th percentile.
    #[serde(deserialize_with = "nullable")]
    pub p5: f64,
    /// The 95th percentile.
    #[serde(deserialize_with = "nullable")]
    pub p95: f64,
}

/// JSON has no infinities: serde_json writes them as `null`, read back here as NaN.
fn nullable<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

impl Summary {
    /// The summary as `summary.json`'s text: pretty, keys sorted, a final newline.
    ///
    /// # Errors
    /// A value serde cannot write (none that tokensim makes).
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        // Through a `Value`, whose maps are sorted: the key order of every summary so far.
        let value = serde_json::to_value(self)?;
        Ok(serde_json::to_string_pretty(&value)? + "\n")
    }

    /// Reads `summary.json`'s text.
    ///
    /// # Errors
    /// Text that is not a tokensim summary.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// The summary's entry for each subset that ran here: its parameters, runs completed and
/// failed, and the statistics of each state variable's final value over its completed runs.
pub(crate) fn subset_summaries(
    pairs: &sim_core::ShardPairs,
    subsets: &[Vec<(&'static str, sim_core::Value)>],
    failures: &[FailureSummary],
    state_names: &[&'static str],
    finals: &Finals,
) -> Vec<SubsetSummary> {
    let mut finals_by_subset: Vec<Vec<&[f64]>> = vec![Vec::new(); subsets.len()];
    for (s, v) in finals.completed(failures.iter().map(|f| (f.subset, f.run))) {
        if let Some(list) = finals_by_subset.get_mut(s) {
            list.push(v);
        }
    }
    let mut per_subset = Vec::new();
    for (i, params) in subsets.iter().enumerate() {
        let ran = pairs.in_subset(i);
        if ran == 0 {
            continue;
        }
        let mut fin = BTreeMap::new();
        for (k, name) in state_names.iter().enumerate() {
            let values: Vec<f64> = finals_by_subset[i].iter().map(|v| v[k]).collect();
            if let Some([mean, median, p5, p95]) = stats(&values) {
                fin.insert(
                    (*name).to_owned(),
                    Stats {
                        mean,
                        median,
                        p5,
                        p95,
                    },
                );
            }
        }
        let failed = failures.iter().filter(|f| f.subset == i).count();
        per_subset.push(SubsetSummary {
            subset: i,
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), json_value(*v)))
                .collect(),
            runs_completed: ran - failed,
            runs_failed: failed,
            finals: fin,
        });
    }
    per_subset
}

/// A failure as the summary lists it.
pub(crate) fn failure_summary(f: &RunFailure) -> FailureSummary {
    FailureSummary {
        subset: f.subset,
        run: f.run,
        timestep: f.timestep,
        substep: f.substep,
        error: f.error.to_string(),
        invariant: f.invariant().map(str::to_owned),
    }
}

/// A record value as JSON: numbers, booleans, decimals as their exact text.
pub(crate) fn json_value(v: sim_core::Value) -> Json {
    match v {
        sim_core::Value::F64(x) => Json::from(x),
        sim_core::Value::I64(x) => Json::from(x),
        sim_core::Value::Bool(b) => Json::from(b),
        sim_core::Value::Decimal(d) => Json::from(d.to_string()),
    }
}
