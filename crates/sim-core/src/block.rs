//! A model: its genesis state and its partial state update blocks (cadCAD's PSUBs).
//!
//! A block holds named policies and named state update functions (SUFs), as a cadCAD
//! `{'policies': {...}, 'variables': {...}}` dict does. Policies and SUFs are plain functions
//! (or closures), so a model definition reads like the notebook it came from.
//!
//! The builder keeps each function's own type (a chain of nested pairs), not a function
//! pointer, so a block's policies and updates are called directly and inline into one
//! [`Psub::step`]; the engine makes one dynamic call per substep, not one per function.

use std::marker::PhantomData;

use crate::error::BoxError;
use crate::history::History;
use crate::outcome::RunError;
use crate::rng::SimRng;
use crate::signals::{PolicyOp, SignalValue, Signals};

/// What a policy and a state update function see besides the parameters: cadCAD's
/// `(substep, sH, s)`, plus where the run is.
#[derive(Debug)]
pub struct Ctx<'a, S> {
    /// The substep, numbered from 1 (the block's position).
    pub substep: usize,
    /// The timestep being computed, numbered from 1.
    pub timestep: usize,
    /// The Monte Carlo run, numbered from 1.
    pub run: usize,
    /// The subset (parameter set), numbered from 0.
    pub subset: usize,
    /// The completed timesteps (cadCAD's `sH`).
    pub history: History<'a, S>,
    /// The state before this block (cadCAD's `s`): the same for every SUF of the block.
    pub state: &'a S,
}

/// A policy as a function pointer: `(params, ctx, rng) → signals` (cadCAD's
/// `p(params, substep, sH, s)`). [`Block::policy`] takes any function or closure of this shape.
pub type Policy<S, P, G> = fn(&P, &Ctx<'_, S>, &mut SimRng) -> Result<G, BoxError>;

/// A state update function as a function pointer: `(params, ctx, input, next)`; it sets its
/// variable in `next` (cadCAD's `s(params, substep, sH, s, _input) → (key, value)`).
/// [`Block::update`] takes any function or closure of this shape.
///
/// `next` starts as a copy of `ctx.state`, so a variable no SUF sets is carried over. Read the
/// pre-block state from `ctx.state`, never from `next`: every SUF of a block must see the same
/// state (a parallel update).
pub type Update<S, P, G> = fn(&P, &Ctx<'_, S>, &G, &mut S) -> Result<(), BoxError>;

/// One partial state update block, as the engine runs it: cadCAD's `{'policies', 'variables'}`
/// dict with its `policy_ops`. The name is cadCAD's abbreviation, PSUB: a **p**artial **s**tate
/// **u**pdate **b**lock, run as one substep.
///
/// [`Block`] implements it. Implement it yourself to write a whole block as one function (a
/// fused update); the engine calls [`step`](Self::step) once per substep.
///
/// ```
/// use sim_core::{Ctx, Experiment, MemorySink, Model, NoParams, NoSignals, Psub, RunError, SimRng};
///
/// #[derive(Clone)]
/// struct State { x: f64 }
/// sim_core::vars!(State { x });
///
/// // A whole block as one function: x doubles every substep.
/// struct Double;
/// impl Psub<State, NoParams, NoSignals> for Double {
///     fn policy_names(&self) -> Vec<&'static str> { Vec::new() }
///     fn update_names(&self) -> Vec<&'static str> { vec!["x"] }
///     fn step(&self, _: &NoParams, ctx: &Ctx<'_, State>, _: &mut SimRng, next: &mut State) -> Result<(), RunError> {
///         next.x = ctx.state.x * 2.0;
///         Ok(())
///     }
/// }
/// let model = Model::new(State { x: 1.0 }).block(Double);
/// let mut records = MemorySink::new();
/// Experiment::new(&model, vec![NoParams]).timesteps(3).run(&mut records)?;
/// assert_eq!(records.f64_column("x").unwrap(), [1.0, 2.0, 4.0, 8.0]);
/// # Ok::<(), sim_core::EngineError>(())
/// ```
pub trait Psub<S, P, G>: Send + Sync {
    /// The names of the block's policies, in order.
    fn policy_names(&self) -> Vec<&'static str>;

    /// The names of the block's state update functions, in order.
    fn update_names(&self) -> Vec<&'static str>;

    /// Runs the block: its policies, their combined signals, then its updates into `next`, which
    /// starts as a copy of `ctx.state`.
    ///
    /// # Errors
    ///
    /// The [`RunError`] that ends the run: a policy's or an update's error (with its name), or
    /// a failed reduction. `next` may then be partly updated; the engine discards it.
    fn step(
        &self,
        params: &P,
        ctx: &Ctx<'_, S>,
        rng: &mut SimRng,
        next: &mut S,
    ) -> Result<(), RunError>;
}

/// A function with its name in the block (cadCAD's dict key).
#[derive(Debug, Clone, Copy)]
pub struct Named<F> {
    name: &'static str,
    f: F,
}

/// A block's policies: `()` or `(earlier policies, Named<F>)`, built by [`Block::policy`].
pub trait Policies<S, P, G: Signals>: Send + Sync {
    /// The combined signals of every policy so far, `None` when there is none.
    ///
    /// # Errors
    ///
    /// [`RunError::Policy`] or [`RunError::Reduction`].
    fn signals(
        &self,
        params: &P,
        ctx: &Ctx<'_, S>,
        rng: &mut SimRng,
        op: PolicyOp<G::Value>,
    ) -> Result<Option<G>, RunError>;

    /// Appends the policies' names, in order.
    fn names(&self, out: &mut Vec<&'static str>);
}

impl<S, P, G: Signals> Policies<S, P, G> for () {
    #[inline]
    fn signals(
        &self,
        _: &P,
        _: &Ctx<'_, S>,
        _: &mut SimRng,
        _: PolicyOp<G::Value>,
    ) -> Result<Option<G>, RunError> {
        Ok(None)
    }

    fn names(&self, _: &mut Vec<&'static str>) {}
}

impl<S, P, G, Prev, F> Policies<S, P, G> for (Prev, Named<F>)
where
    G: Signals,
    Prev: Policies<S, P, G>,
    F: Fn(&P, &Ctx<'_, S>, &mut SimRng) -> Result<G, BoxError> + Send + Sync,
{
    #[inline]
    fn signals(
        &self,
        params: &P,
        ctx: &Ctx<'_, S>,
        rng: &mut SimRng,
        op: PolicyOp<G::Value>,
    ) -> Result<Option<G>, RunError> {
        let earlier = self.0.signals(params, ctx, rng, op)?;
        let Named { name, f } = &self.1;
        let signal = f(params, ctx, rng).map_err(|source| RunError::Policy { name, source })?;
        match earlier {
            // The first policy's signals are the input so far: nothing to reduce.
            None => Ok(Some(signal)),
            Some(mut input) => {
                input
                    .combine(signal, op)
                    .map_err(|key| RunError::Reduction { key })?;
                Ok(Some(input))
            }
        }
    }

    fn names(&self, out: &mut Vec<&'static str>) {
        self.0.names(out);
        out.push(self.1.name);
    }
}

/// A block's state update functions: `()` or `(earlier updates, Named<F>)`, built by
/// [`Block::update`].
pub trait Updates<S, P, G>: Send + Sync {
    /// Runs every update, in order, into `next`.
    ///
    /// # Errors
    ///
    /// [`RunError::Update`] from the first update that fails.
    fn apply(&self, params: &P, ctx: &Ctx<'_, S>, input: &G, next: &mut S) -> Result<(), RunError>;

    /// Appends the updates' names, in order.
    fn names(&self, out: &mut Vec<&'static str>);
}

impl<S, P, G> Updates<S, P, G> for () {
    #[inline]
    fn apply(&self, _: &P, _: &Ctx<'_, S>, _: &G, _: &mut S) -> Result<(), RunError> {
        Ok(())
    }

    fn names(&self, _: &mut Vec<&'static str>) {}
}

impl<S, P, G, Prev, F> Updates<S, P, G> for (Prev, Named<F>)
where
    Prev: Updates<S, P, G>,
    F: Fn(&P, &Ctx<'_, S>, &G, &mut S) -> Result<(), BoxError> + Send + Sync,
{
    #[inline]
    fn apply(&self, params: &P, ctx: &Ctx<'_, S>, input: &G, next: &mut S) -> Result<(), RunError> {
        self.0.apply(params, ctx, input, next)?;
        let Named { name, f } = &self.1;
        f(params, ctx, input, next).map_err(|source| RunError::Update { name, source })
    }

    fn names(&self, out: &mut Vec<&'static str>) {
        self.0.names(out);
        out.push(self.1.name);
    }
}

/// One partial state update block, built from named policies and updates.
///
/// `Ps` and `Us` are the chains of functions that [`policy`](Self::policy) and
/// [`update`](Self::update) build; they are not written by hand.
pub struct Block<S, P, G: Signals, Ps = (), Us = ()> {
    policies: Ps,
    updates: Us,
    op: PolicyOp<G::Value>,
    types: PhantomData<fn(&S, &P) -> G>,
}

impl<S, P, G: Signals> Default for Block<S, P, G> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S, P, G: Signals> Block<S, P, G> {
    /// An empty block whose signals are summed per key (cadCAD's default `policy_ops`).
    #[must_use]
    pub fn new() -> Self {
        Self {
            policies: (),
            updates: (),
            op: G::Value::try_sum,
            types: PhantomData,
        }
    }
}

impl<S, P, G: Signals, Ps, Us> Block<S, P, G, Ps, Us> {
    /// Adds a policy (`'policies': {name: f}`); policies run in the order added.
    #[must_use]
    pub fn policy<F>(self, name: &'static str, f: F) -> Block<S, P, G, (Ps, Named<F>), Us>
    where
        F: Fn(&P, &Ctx<'_, S>, &mut SimRng) -> Result<G, BoxError> + Send + Sync,
    {
        Block {
            policies: (self.policies, Named { name, f }),
            updates: self.updates,
            op: self.op,
            types: PhantomData,
        }
    }

    /// Adds a state update function (`'variables': {name: f}`); `name` is for error messages.
    #[must_use]
    pub fn update<F>(self, name: &'static str, f: F) -> Block<S, P, G, Ps, (Us, Named<F>)>
    where
        F: Fn(&P, &Ctx<'_, S>, &G, &mut S) -> Result<(), BoxError> + Send + Sync,
    {
        Block {
            policies: self.policies,
            updates: (self.updates, Named { name, f }),
            op: self.op,
            types: PhantomData,
        }
    }

    /// Replaces the per-key reduction of signals that several policies emit (cadCAD's
    /// `policy_ops`, for example `|a, b| Some(a.max(b))`). A `None` from `op` ends the run.
    #[must_use]
    pub fn policy_ops(mut self, op: PolicyOp<G::Value>) -> Self {
        self.op = op;
        self
    }
}

impl<S, P, G, Ps, Us> Psub<S, P, G> for Block<S, P, G, Ps, Us>
where
    G: Signals,
    Ps: Policies<S, P, G>,
    Us: Updates<S, P, G>,
{
    fn policy_names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        self.policies.names(&mut names);
        names
    }

    fn update_names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        self.updates.names(&mut names);
        names
    }

    fn step(
        &self,
        params: &P,
        ctx: &Ctx<'_, S>,
        rng: &mut SimRng,
        next: &mut S,
    ) -> Result<(), RunError> {
        // A block without policies passes "nothing emitted" to its updates.
        let input = self
            .policies
            .signals(params, ctx, rng, self.op)?
            .unwrap_or_default();
        self.updates.apply(params, ctx, &input, next)
    }
}

/// A model: a genesis state and an ordered list of blocks (cadCAD's `initial_state` and
/// `partial_state_update_blocks`). Parameters come per subset from the experiment.
///
/// The type parameters: `S` is the state (a struct with [`vars!`](crate::vars)), `P` the
/// parameters of one subset (also `vars!`), and `G` the si**g**nals its policies return, merged
/// key by key across a block's policies ([`signals!`](crate::signals), or [`NoSignals`](crate::NoSignals)
/// for a model without policies).
///
/// ```
/// use sim_core::{Block, BoxError, Ctx, Experiment, Model, NullSink};
///
/// #[derive(Clone)]
/// struct State { x: f64 }
/// sim_core::vars!(State { x });
/// #[derive(Clone)]
/// struct Params { rate: f64 }
/// sim_core::vars!(Params { rate });
///
/// fn grow(p: &Params, c: &Ctx<'_, State>, _: &sim_core::NoSignals, n: &mut State) -> Result<(), BoxError> {
///     n.x = c.state.x * (1.0 + p.rate);
///     Ok(())
/// }
/// // The genesis state, a validator run on every subset before anything runs, and one block.
/// let model = Model::new(State { x: 1.0 })
///     .validate(|_, p: &Params| if p.rate > -1.0 { Ok(()) } else { Err("rate must be above −1".into()) })
///     .block(Block::new().update("x", grow));
/// assert_eq!(model.blocks().len(), 1);
/// let bad = Experiment::new(&model, vec![Params { rate: -2.0 }]).run(&mut NullSink::default());
/// assert!(bad.unwrap_err().to_string().contains("rate must be above −1"));
/// ```
pub struct Model<S, P, G> {
    /// The state at timestep 0.
    pub genesis: S,
    pub(crate) blocks: Vec<Box<dyn Psub<S, P, G>>>,
    validators: Vec<Box<Validator<S, P>>>,
    pub(crate) invariants: crate::invariant::ModelInvariants<S, P>,
}

/// A model's check of its genesis state and one subset's parameters ([`Model::validate`]).
pub type Validator<S, P> = dyn Fn(&S, &P) -> Result<(), BoxError> + Send + Sync;

impl<S, P, G> Model<S, P, G> {
    /// A model with this genesis state and no blocks yet.
    #[must_use]
    pub fn new(genesis: S) -> Self {
        Self {
            genesis,
            blocks: Vec::new(),
            validators: Vec::new(),
            invariants: crate::invariant::ModelInvariants::default(),
        }
    }

    /// Adds a check of the genesis state and each subset's parameters, run for every subset
    /// before the first run: an experiment with a subset it refuses does not start
    /// ([`EngineError::Invalid`](crate::EngineError::Invalid)), and nothing is written. The
    /// error should name the parameter or variable, its value and its valid range.
    #[must_use]
    pub fn validate(
        mut self,
        check: impl Fn(&S, &P) -> Result<(), BoxError> + Send + Sync + 'static,
    ) -> Self {
        self.validators.push(Box::new(check));
        self
    }

    /// Runs the model's checks ([`validate`](Self::validate)) on its genesis state and `params`.
    ///
    /// # Errors
    /// The first check's error.
    pub fn check(&self, params: &P) -> Result<(), BoxError> {
        self.check_with(&self.genesis, params)
    }

    /// Runs the model's checks on `genesis` (a swept genesis state) and `params`.
    ///
    /// # Errors
    /// The first check's error.
    pub fn check_with(&self, genesis: &S, params: &P) -> Result<(), BoxError> {
        self.validators
            .iter()
            .try_for_each(|check| check(genesis, params))
    }

    /// Appends a block; each block is one substep of every timestep.
    #[must_use]
    pub fn block(mut self, block: impl Psub<S, P, G> + 'static) -> Self {
        self.blocks.push(Box::new(block));
        self
    }

    /// The blocks, in order.
    #[must_use]
    pub fn blocks(&self) -> &[Box<dyn Psub<S, P, G>>] {
        &self.blocks
    }
}
