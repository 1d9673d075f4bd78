//! A model's registration: its [`ModelEntry`] and what the command line does with it beyond
//! the records, with defaults that suit any model. The built-in models register this way too.
//!
//! ```
//! use sim_core::{Block, BoxError, Ctx, Model, NoSignals};
//! use tokensim::{Fidelity, ModelSpec};
//!
//! #[derive(Clone)]
//! struct State { x: f64, y: f64 }
//! sim_core::vars!(State { x, y });
//! #[derive(Clone)]
//! struct Params { rate: f64 }
//! sim_core::vars!(Params { rate });
//! fn grow(p: &Params, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
//!     n.x = c.state.x * (1.0 + p.rate);
//!     Ok(())
//! }
//! fn model() -> Model<State, Params, NoSignals> {
//!     Model::new(State { x: 1.0, y: 0.0 }).block(Block::new().update("x", grow))
//! }
//! let spec = ModelSpec::new("growth", "compound growth", model, |_: Fidelity| Params { rate: 0.1 });
//! // By default every state variable is plotted, and a two-parameter grid gets a heatmap of
//! // each plotted variable's final mean.
//! assert_eq!(spec.plotted(), ["x", "y"]);
//! let spec = spec.plots(&["x"]);
//! assert_eq!(spec.plotted(), ["x"]);
//! assert_eq!(spec.heatmapped(&["x".to_owned()]), ["x"]);
//! ```

use serde_json::Value as Json;
use sim_core::{Fidelity, Model, Signals, Vars};

use crate::collect::Finals;
use crate::model::{Entry, ModelEntry};
use crate::summary::{FailureSummary, SubsetSummary};

/// An analysis hook: reads an experiment's finished runs and returns what to add to the
/// summary's `results`, or `None` when it has nothing to say about this experiment.
pub type AnalysisFn = dyn Fn(&Finished<'_>) -> Option<Json> + Send + Sync;

/// A registered model: how to run it, and what to draw and compute from its runs.
pub struct ModelSpec {
    entry: Box<dyn ModelEntry + Send>,
    plots: Option<Vec<&'static str>>,
    heatmaps: Option<Vec<&'static str>>,
    analysis: Option<Box<AnalysisFn>>,
}

impl std::fmt::Debug for ModelSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelSpec")
            .field("name", &self.entry.name())
            .field("plots", &self.plots)
            .field("heatmaps", &self.heatmaps)
            .field("analysis", &self.analysis.is_some())
            .finish_non_exhaustive()
    }
}

impl ModelSpec {
    /// A model named `name` (an experiment file's `model = "…"`), described in one line, from
    /// its constructor and its default parameters under a [`Fidelity`] (a model without
    /// defects to keep ignores it).
    #[must_use]
    pub fn new<S: Vars, P: Vars, G: Signals + 'static>(
        name: &'static str,
        description: &'static str,
        model: fn() -> Model<S, P, G>,
        params: fn(Fidelity) -> P,
    ) -> Self {
        Self::from_entry(Entry::new(name, description, model, params))
    }

    /// A model behind a [`ModelEntry`] of its own.
    #[must_use]
    pub fn from_entry(entry: impl ModelEntry + Send + 'static) -> Self {
        Self {
            entry: Box::new(entry),
            plots: None,
            heatmaps: None,
            analysis: None,
        }
    }

    /// The state variables to plot over time, unless an experiment file names its own
    /// (default: every state variable). Names are checked when an experiment runs.
    #[must_use]
    pub fn plots(mut self, variables: &[&'static str]) -> Self {
        self.plots = Some(variables.to_vec());
        self
    }

    /// The state variables whose final mean gets a heatmap when exactly two parameters vary,
    /// unless an experiment file names its own (default: every plotted variable).
    #[must_use]
    pub fn heatmaps(mut self, variables: &[&'static str]) -> Self {
        self.heatmaps = Some(variables.to_vec());
        self
    }

    /// An analysis run after every experiment of this model, whose answer goes into the
    /// summary's `results` (default: none, `results` is `null`).
    #[must_use]
    pub fn analysis(
        mut self,
        hook: impl Fn(&Finished<'_>) -> Option<Json> + Send + Sync + 'static,
    ) -> Self {
        self.analysis = Some(Box::new(hook));
        self
    }

    /// The model.
    #[must_use]
    pub fn entry(&self) -> &dyn ModelEntry {
        &*self.entry
    }

    /// Its name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.entry.name()
    }

    /// The variables plotted when an experiment does not say.
    #[must_use]
    pub fn plotted(&self) -> Vec<String> {
        let names: &[&str] = self.plots.as_deref().unwrap_or(self.entry.state_names());
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    /// The variables given heatmaps when an experiment does not say, of those `plotted`.
    #[must_use]
    pub fn heatmapped(&self, plotted: &[String]) -> Vec<String> {
        match &self.heatmaps {
            Some(h) => h.iter().map(|s| (*s).to_owned()).collect(),
            None => plotted.to_vec(),
        }
    }

    /// The analysis hook's answer for finished runs (`None` without a hook). A hook that
    /// panics costs only its answer: `{"analysis_failed": message}`, so the run's records and
    /// statistics are still written.
    #[must_use]
    pub fn analyse(&self, finished: &Finished<'_>) -> Option<Json> {
        let hook = self.analysis.as_ref()?;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hook(finished))) {
            Ok(answer) => answer,
            Err(panic) => Some(serde_json::json!({ "analysis_failed": panic_message(&*panic) })),
        }
    }
}

/// A panic's message, when it has one.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// What an analysis hook reads: each subset's statistics and every completed run's final
/// state.
#[derive(Debug)]
pub struct Finished<'a> {
    pub(crate) subsets: &'a [SubsetSummary],
    pub(crate) state_names: &'a [&'static str],
    pub(crate) finals: &'a Finals,
    pub(crate) failures: &'a [FailureSummary],
}

impl Finished<'_> {
    /// Each subset that ran: its parameters and the statistics of its final states.
    #[must_use]
    pub fn subsets(&self) -> &[SubsetSummary] {
        self.subsets
    }

    /// The state variables, in the order of a final state's values.
    #[must_use]
    pub fn state_names(&self) -> &[&'static str] {
        self.state_names
    }

    /// `(subset, final state)` of every completed run, in record order.
    pub fn finals(&self) -> impl Iterator<Item = (usize, &[f64])> {
        self.finals
            .completed(self.failures.iter().map(|f| (f.subset, f.run)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ExperimentFile, NamedExperiment};
    use sim_core::{Block, BoxError, Ctx, NoSignals};

    #[derive(Clone)]
    struct State {
        x: f64,
    }
    sim_core::vars!(State { x });
    #[derive(Clone)]
    struct Params {
        k: f64,
    }
    sim_core::vars!(Params { k });

    fn step(p: &Params, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
        n.x = c.state.x + p.k;
        Ok(())
    }

    fn model() -> Model<State, Params, NoSignals> {
        Model::new(State { x: 0.0 }).block(Block::new().update("x", step))
    }

    #[test]
    fn a_panicking_hook_costs_only_its_answer() {
        let spec = ModelSpec::new("m", "m", model, |_| Params { k: 1.0 })
            .analysis(|_| panic!("no answer today"));
        let mut file = ExperimentFile::for_model(spec.entry());
        file.sim.runs = 1;
        file.sim.timesteps = 2;
        let summary = spec.summarize(&file).unwrap();
        assert_eq!(summary.subsets[0].final_mean("x"), Some(2.0));
        assert_eq!(
            summary.results,
            Some(serde_json::json!({ "analysis_failed": "no answer today" }))
        );
        let broken = NamedExperiment::new("broken", "", || panic!("cannot build"));
        let err = broken.file().unwrap_err().to_string();
        assert!(
            err.contains("`broken` could not be built: cannot build"),
            "{err}"
        );
    }
}
