//! Invariants: what must hold of a model's state after every substep, stated once with the
//! model and checked by the engine in every run ([`Model::invariant`], [`Model::invariants`]).
//!
//! cadCAD and radCAD have no such API: a notebook checks its records after the fact, if at
//! all. Here a violation ends its run as [`RunError::Invariant`](crate::RunError::Invariant),
//! naming the invariant, its message and the violating state; the violating state is kept as
//! the run's last record, and the other runs go on. [`InvariantCheck`] says how often to
//! check; the search for a counterexample (`search`, feature `proptest`) uses the same checks.
//!
//! An invariant sees the parameters and a [`Check`]: the state before the substep (or, with
//! [`InvariantCheck::Timestep`], before the timestep) and after it. It returns `Ok(())` when it
//! holds, or `Err(message)` naming the values involved; [`holds`] writes that in one line.
//!
//! Invariants added together by [`Model::invariants`] keep their own types, as a block's
//! functions do, so they inline into one dynamic call per substep.
//!
//! ```
//! use sim_core::{Block, BoxError, Ctx, Experiment, InvariantCheck, MemorySink, Model, NoSignals, RunError, holds};
//!
//! #[derive(Clone)]
//! struct State { balance: f64 }
//! sim_core::vars!(State { balance });
//! #[derive(Clone)]
//! struct Params { spend: f64 }
//! sim_core::vars!(Params { spend });
//!
//! fn spend(p: &Params, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
//!     n.balance = c.state.balance - p.spend;
//!     Ok(())
//! }
//! let model = Model::new(State { balance: 10.0 })
//!     .block(Block::new().update("balance", spend))
//!     .invariants(|i| {
//!         i.check("balance_non_negative", |_, c| {
//!             holds(c.state.balance >= 0.0, || format!("balance {}", c.state.balance))
//!         })
//!         .check("spends_at_most_spend", |p: &Params, c| {
//!             let spent = c.before.balance - c.state.balance;
//!             holds(spent <= p.spend, || format!("spent {spent} > {}", p.spend))
//!         })
//!     });
//! assert_eq!(model.invariant_names(), ["balance_non_negative", "spends_at_most_spend"]);
//!
//! // Spending 4 a step, the balance goes below zero at timestep 3: that run ends there.
//! let mut records = MemorySink::new();
//! let outcome = Experiment::new(&model, vec![Params { spend: 4.0 }]).timesteps(5).run(&mut records)?;
//! let failure = &outcome.failures[0];
//! assert_eq!((failure.timestep, failure.substep), (3, 1));
//! assert_eq!(failure.invariant(), Some("balance_non_negative"));
//! assert_eq!(failure.error.to_string(), "invariant `balance_non_negative` violated: balance -2 (balance = -2.0)");
//! // The violating state is the run's last record.
//! assert_eq!(records.f64_column("balance").unwrap(), [10.0, 6.0, 2.0, -2.0]);
//!
//! // Off, nothing is checked.
//! let outcome = Experiment::new(&model, vec![Params { spend: 4.0 }]).timesteps(5)
//!     .invariants(InvariantCheck::Off)
//!     .run(&mut MemorySink::new())?;
//! assert!(outcome.is_success());
//! # Ok::<(), sim_core::EngineError>(())
//! ```

use crate::block::Model;

/// What an invariant sees besides the parameters: where the run is, and the state before and
/// after the step checked.
#[derive(Debug)]
pub struct Check<'a, S> {
    /// The state before the step: before the substep ([`InvariantCheck::Substep`]) or before
    /// the timestep ([`InvariantCheck::Timestep`]).
    pub before: &'a S,
    /// The state after it, to check.
    pub state: &'a S,
    /// The timestep just computed, from 1.
    pub timestep: usize,
    /// The substep just computed, from 1 (the timestep's last one with
    /// [`InvariantCheck::Timestep`]).
    pub substep: usize,
}

/// An invariant's answer: `Ok(())` when it holds, or the message that says why not, with the
/// values involved.
pub type Verdict = Result<(), String>;

/// `Ok(())` when `condition` holds, else `Err(message())`: an invariant in one line. The
/// message is built only on a violation.
///
/// # Errors
///
/// `message()` when `condition` is false.
#[inline]
pub fn holds(condition: bool, message: impl FnOnce() -> String) -> Verdict {
    if condition { Ok(()) } else { Err(message()) }
}

/// How often the engine checks a model's invariants ([`Experiment::invariants`](crate::Experiment::invariants)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InvariantCheck {
    /// After every substep (the default): a violation is caught in the block that made it.
    #[default]
    Substep,
    /// After the last substep of each timestep only, comparing with the state before the
    /// timestep: cheaper for models of many blocks, blind to a state that is wrong only
    /// between blocks.
    Timestep,
    /// Not at all.
    Off,
}

impl InvariantCheck {
    /// Every setting, in the order of [`name`](Self::name)'s words.
    pub const ALL: [Self; 3] = [Self::Substep, Self::Timestep, Self::Off];

    /// The setting's word: `substep`, `timestep` or `off`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Substep => "substep",
            Self::Timestep => "timestep",
            Self::Off => "off",
        }
    }
}

impl std::fmt::Display for InvariantCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for InvariantCheck {
    type Err = crate::EngineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| crate::EngineError::UnknownInvariantCheck {
                given: s.to_owned(),
            })
    }
}

/// A violated invariant: its name and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The invariant's name.
    pub name: &'static str,
    /// What it said.
    pub message: String,
}

/// A model's invariants: `()` or `(earlier invariants, Named<F>)`, built by
/// [`Invariants::check`]. Not written by hand.
pub trait InvariantSet<S, P>: Send + Sync {
    /// Checks every enabled invariant, in order; `enabled[offset + i]` says whether this
    /// set's `i`-th is (an index past the end means enabled).
    ///
    /// # Errors
    ///
    /// The first violation.
    fn check(
        &self,
        params: &P,
        check: &Check<'_, S>,
        enabled: &[bool],
        offset: usize,
    ) -> Result<(), Violation>;

    /// Appends the invariants' names, in order.
    fn names(&self, out: &mut Vec<&'static str>);
}

/// One invariant with its name and its position in its chain.
#[derive(Debug, Clone, Copy)]
pub struct NamedCheck<F> {
    name: &'static str,
    index: usize,
    f: F,
}

impl<S, P> InvariantSet<S, P> for () {
    #[inline]
    fn check(&self, _: &P, _: &Check<'_, S>, _: &[bool], _: usize) -> Result<(), Violation> {
        Ok(())
    }

    fn names(&self, _: &mut Vec<&'static str>) {}
}

impl<S, P, Prev, F> InvariantSet<S, P> for (Prev, NamedCheck<F>)
where
    Prev: InvariantSet<S, P>,
    F: Fn(&P, &Check<'_, S>) -> Verdict + Send + Sync,
{
    #[inline]
    fn check(
        &self,
        params: &P,
        check: &Check<'_, S>,
        enabled: &[bool],
        offset: usize,
    ) -> Result<(), Violation> {
        self.0.check(params, check, enabled, offset)?;
        let NamedCheck { name, index, f } = &self.1;
        if enabled.get(offset + index).copied().unwrap_or(true) {
            f(params, check).map_err(|message| Violation { name, message })?;
        }
        Ok(())
    }

    fn names(&self, out: &mut Vec<&'static str>) {
        self.0.names(out);
        out.push(self.1.name);
    }
}

/// A chain of invariants that [`Model::invariants`] adds together, each keeping its own type.
pub struct Invariants<S, P, Is = ()> {
    set: Is,
    len: usize,
    types: std::marker::PhantomData<fn(&S, &P)>,
}

impl<S, P> Invariants<S, P> {
    /// No invariants yet.
    #[must_use]
    pub fn new() -> Self {
        Self {
            set: (),
            len: 0,
            types: std::marker::PhantomData,
        }
    }
}

impl<S, P> Default for Invariants<S, P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S, P, Is> Invariants<S, P, Is> {
    /// Adds the invariant `name`: `f(params, check)` returns `Ok(())` when it holds, or the
    /// message naming the values involved ([`holds`]).
    #[must_use]
    pub fn check<F>(self, name: &'static str, f: F) -> Invariants<S, P, (Is, NamedCheck<F>)>
    where
        F: Fn(&P, &Check<'_, S>) -> Verdict + Send + Sync,
    {
        Invariants {
            set: (
                self.set,
                NamedCheck {
                    name,
                    index: self.len,
                    f,
                },
            ),
            len: self.len + 1,
            types: std::marker::PhantomData,
        }
    }
}

/// The model's invariants, each set with its offset among all of them.
pub(crate) struct ModelInvariants<S, P> {
    pub(crate) sets: Vec<(usize, Box<dyn InvariantSet<S, P>>)>,
    pub(crate) names: Vec<&'static str>,
}

impl<S, P> Default for ModelInvariants<S, P> {
    fn default() -> Self {
        Self {
            sets: Vec::new(),
            names: Vec::new(),
        }
    }
}

impl<S, P> ModelInvariants<S, P> {
    /// Which invariants `only` names, by position; empty (all of them) when `only` is.
    pub(crate) fn enabled<T: AsRef<str>>(&self, only: &[T]) -> Vec<bool> {
        if only.is_empty() {
            return Vec::new();
        }
        self.names
            .iter()
            .map(|n| only.iter().any(|o| o.as_ref() == *n))
            .collect()
    }

    /// Checks every enabled invariant; `enabled` empty means all.
    #[inline]
    pub(crate) fn check(
        &self,
        params: &P,
        check: &Check<'_, S>,
        enabled: &[bool],
    ) -> Result<(), Violation> {
        for (offset, set) in &self.sets {
            set.check(params, check, enabled, *offset)?;
        }
        Ok(())
    }
}

impl<S: 'static, P: 'static, G> Model<S, P, G> {
    /// Adds one invariant, checked after every substep of every run unless the experiment says
    /// otherwise ([`Experiment::invariants`](crate::Experiment::invariants)). `f(params, check)`
    /// returns `Ok(())` when it holds, or a message naming the values involved. A model with
    /// several invariants is faster with [`invariants`](Self::invariants), which makes one
    /// dynamic call for all of them.
    #[must_use]
    pub fn invariant<F>(self, name: &'static str, f: F) -> Self
    where
        F: Fn(&P, &Check<'_, S>) -> Verdict + Send + Sync + 'static,
    {
        self.invariants(|i| i.check(name, f))
    }

    /// Adds invariants built on [`Invariants`] (the module's example): `chain(Invariants::new())`,
    /// with `.check(name, f)` for each. Names must be unique in the model
    /// ([`Experiment::check`](crate::Experiment::check) refuses a repeated one).
    #[must_use]
    pub fn invariants<Is>(
        mut self,
        chain: impl FnOnce(Invariants<S, P>) -> Invariants<S, P, Is>,
    ) -> Self
    where
        Is: InvariantSet<S, P> + 'static,
    {
        let built = chain(Invariants::new());
        let offset = self.invariants.names.len();
        built.set.names(&mut self.invariants.names);
        self.invariants.sets.push((offset, Box::new(built.set)));
        self
    }

    /// The invariants' names, in the order they were added.
    #[must_use]
    pub fn invariant_names(&self) -> &[&'static str] {
        &self.invariants.names
    }

    /// Checks the model's invariants on one step outside an experiment (a unit test of an
    /// invariant, say); `only` empty checks them all.
    ///
    /// # Errors
    ///
    /// The first violation.
    pub fn check_invariants(
        &self,
        params: &P,
        check: &Check<'_, S>,
        only: &[&str],
    ) -> Result<(), Violation> {
        self.invariants
            .check(params, check, &self.invariants.enabled(only))
    }
}
