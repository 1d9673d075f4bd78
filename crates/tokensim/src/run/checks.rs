//! What `tokensim run` checks before it touches the output directory: the plotted variables
//! exist, and the summary's data fits in memory.

use anyhow::{Result, bail};

use crate::collect;
use crate::model::{Job, ModelEntry};
use crate::plots;

/// Each of `names` (the plots or heatmaps, `what`) is a state variable of `model`.
pub(crate) fn state_variables(model: &dyn ModelEntry, names: &[String], what: &str) -> Result<()> {
    for p in names {
        if !model.state_names().contains(&p.as_str()) {
            bail!(
                "cannot {what} `{p}`: model `{}` has no such state variable (variables: {})",
                model.name(),
                model.state_names().join(", ")
            );
        }
    }
    Ok(())
}

/// Refuses a run whose summary data would not fit in memory: every run's final state (the
/// summary's medians and percentiles need them all), and the plotted series.
pub(crate) fn memory(model: &dyn ModelEntry, job: &Job, subsets: usize, kept: usize) -> Result<()> {
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
