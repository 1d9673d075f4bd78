//! What a [`Search`](super::Search) found: the [`Report`], and the shrunk [`Counterexample`]
//! that replays exactly.

use std::time::Duration;

use super::space::{Space, Target};
use crate::block::Model;
use crate::error::EngineError;
use crate::invariant::InvariantCheck;
use crate::outcome::{RunError, RunFailure};
use crate::signals::Signals;
use crate::value::Value;
use crate::vars::Vars;

/// What a search did.
#[derive(Debug)]
pub struct Report {
    /// Cases run before a counterexample was found (or all of them).
    pub cases: u32,
    /// Points the model's validators refused (not counted in `cases`).
    pub rejected: u32,
    /// Runs made while shrinking the counterexample (proptest's, the seeds tried, the last
    /// bisection).
    pub shrinks: u32,
    /// The space searched, described.
    pub space: String,
    /// The longest horizon tried.
    pub timesteps: usize,
    /// Whether the time limit stopped the search (or its shrinking).
    pub timed_out: bool,
    /// How long it took.
    pub elapsed: Duration,
    /// The shrunk counterexample, when one was found.
    pub counterexample: Option<Counterexample>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.counterexample {
            None => write!(
                f,
                "no counterexample in {} cases of up to {} timesteps over {}{} ({:.2} s{})",
                self.cases,
                self.timesteps,
                self.space,
                if self.rejected > 0 {
                    format!(
                        "; {} points refused by the model's validators",
                        self.rejected
                    )
                } else {
                    String::new()
                },
                self.elapsed.as_secs_f64(),
                if self.timed_out {
                    ", stopped by the time limit"
                } else {
                    ""
                },
            ),
            Some(c) => write!(
                f,
                "counterexample after {} cases, shrunk in {} runs ({:.2} s){}:\n{c}",
                self.cases,
                self.shrinks,
                self.elapsed.as_secs_f64(),
                if self.timed_out {
                    " (shrinking stopped by the time limit)"
                } else {
                    ""
                },
            ),
        }
    }
}

/// A minimal failing case: one run of one point, from one seed, for a few timesteps.
#[derive(Debug, Clone)]
pub struct Counterexample {
    /// The searched dimensions' values, by name, in the space's order.
    pub values: Vec<(String, Value)>,
    /// Which of `values` are genesis variables (the others are parameters).
    pub targets: Vec<Target>,
    /// Every parameter of the run, by name (the base parameters with `values` set).
    pub params: Vec<(&'static str, Value)>,
    /// The run's seed (the experiment's seed, of its one run).
    pub seed: u64,
    /// The run's timesteps: the violation's own.
    pub timesteps: usize,
    /// The invariant violated; `None` for a panic (or an error, with
    /// [`Search::errors_count`](super::Search::errors_count)).
    pub invariant: Option<String>,
    /// What went wrong, as the run's failure says it.
    pub error: String,
    /// What the invariant said (the values involved), or the error again for a panic.
    pub message: String,
    /// The timestep of the violation.
    pub timestep: usize,
    /// Its substep.
    pub substep: usize,
    /// The violating state, by name (empty for a panic or an error).
    pub state: Vec<(&'static str, Value)>,
    /// How the run checked invariants (for the replay).
    pub check: InvariantCheck,
    /// The invariants it checked (for the replay; empty for all).
    pub only: Vec<String>,
    /// Whether a non-finite state ended it (for the replay).
    pub check_finite: bool,
}

impl Counterexample {
    /// The counterexample of `values` (of `space`'s dimensions), whose run with `params` (every
    /// parameter, `values` set) failed as `failure`.
    pub(super) fn new<P: Vars>(
        space: &Space,
        params: &P,
        values: Vec<Value>,
        seed: u64,
        timesteps: usize,
        failure: RunFailure,
        settings: (InvariantCheck, &[String], bool),
    ) -> Self {
        let (invariant, message, state) = match &failure.error {
            RunError::Invariant {
                name,
                message,
                state,
            } => (Some((*name).to_owned()), message.clone(), state.clone()),
            other => (None, other.to_string(), Vec::new()),
        };
        Self {
            values: space
                .dims()
                .iter()
                .map(|d| d.name.clone())
                .zip(values)
                .collect(),
            targets: space.dims().iter().map(|d| d.target).collect(),
            params: P::NAMES.iter().copied().zip(params.values()).collect(),
            seed,
            timesteps,
            invariant,
            error: failure.error.to_string(),
            message,
            timestep: failure.timestep,
            substep: failure.substep,
            state,
            check: settings.0,
            only: settings.1.to_vec(),
            check_finite: settings.2,
        }
    }

    /// The searched genesis variables' values.
    pub fn genesis(&self) -> impl Iterator<Item = &(String, Value)> {
        self.values
            .iter()
            .zip(&self.targets)
            .filter(|(_, t)| **t == Target::Genesis)
            .map(|(v, _)| v)
    }

    /// Runs the counterexample again on `model`, with `base` parameters (the search's), and
    /// returns its run's failure: the same violation at the same substep.
    ///
    /// # Errors
    ///
    /// A value the model's parameters or state cannot take, or the engine's refusal.
    pub fn replay<S: Vars, P: Vars, G: Signals>(
        &self,
        model: &Model<S, P, G>,
        base: &P,
    ) -> Result<Option<RunFailure>, EngineError> {
        let mut params = base.clone();
        for (name, v) in &self.params {
            params.set(name, *v)?;
        }
        let mut genesis = model.genesis.clone();
        for (name, v) in self.genesis() {
            genesis.set(name, *v)?;
        }
        let checks = (self.check, self.only.as_slice(), self.check_finite);
        super::one_run(model, params, genesis, (self.seed, self.timesteps), checks)
    }

    /// The counterexample as a tokensim experiment file for the model named `model`, and the
    /// command that replays it. Decimal parameters are left out (an experiment file's numbers
    /// are floats and integers): they keep their defaults.
    #[must_use]
    pub fn replay_hint(&self, model: &str) -> String {
        let mut t = format!(
            "To replay it, save this as counterexample.toml and run `cargo run --release -- run counterexample.toml`:\n\nmodel = \"{model}\"\n\n[sim]\nruns = 1\ntimesteps = {}\nseed = {}\n",
            self.timesteps, self.seed
        );
        let scalar = |v: &Value| !matches!(v, Value::Decimal(_));
        if !self.params.is_empty() {
            t.push_str("\n[params]\n");
            for (n, v) in self.params.iter().filter(|(_, v)| scalar(v)) {
                t.push_str(&format!("{n} = [{v}]\n"));
            }
        }
        let genesis: Vec<_> = self.genesis().filter(|(_, v)| scalar(v)).collect();
        if !genesis.is_empty() {
            t.push_str("\n[genesis]\n");
            for (n, v) in genesis {
                t.push_str(&format!("{n} = {v}\n"));
            }
        }
        if self.check != InvariantCheck::Substep || !self.only.is_empty() {
            t.push_str(&format!("\n[invariants]\ncheck = \"{}\"\n", self.check));
            if !self.only.is_empty() {
                let only: Vec<String> = self.only.iter().map(|o| format!("\"{o}\"")).collect();
                t.push_str(&format!("only = [{}]\n", only.join(", ")));
            }
        }
        t
    }
}

impl std::fmt::Display for Counterexample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.invariant {
            Some(name) => writeln!(
                f,
                "  invariant `{name}` broke at timestep {}, substep {}",
                self.timestep, self.substep
            )?,
            None => writeln!(
                f,
                "  the run failed at timestep {}, substep {}",
                self.timestep, self.substep
            )?,
        }
        writeln!(f, "  {}", self.message)?;
        let values: Vec<String> = self
            .values
            .iter()
            .zip(&self.targets)
            .map(|((n, v), t)| match t {
                Target::Param => format!("{n} = {v}"),
                Target::Genesis => format!("genesis {n} = {v}"),
            })
            .collect();
        if !values.is_empty() {
            writeln!(f, "  values: {}", values.join(", "))?;
        }
        writeln!(
            f,
            "  one run of {} timestep{} from seed {}",
            self.timesteps,
            if self.timesteps == 1 { "" } else { "s" },
            self.seed
        )?;
        if !self.state.is_empty() {
            let state: Vec<String> = self
                .state
                .iter()
                .map(|(n, v)| format!("{n} = {v}"))
                .collect();
            write!(f, "  state there: {}", state.join(", "))?;
        }
        Ok(())
    }
}
