//! A model: its genesis state and its partial state update blocks (cadCAD's PSUBs).
//!
//! A block holds named policies and named state update functions (SUFs), as a cadCAD
//! `{'policies': {...}, 'variables': {...}}` dict does. Policies and SUFs are plain functions,
//! so a model definition reads like the notebook it came from.

use crate::error::BoxError;
use crate::history::History;
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

/// A policy: `(params, ctx, rng) → signals` (cadCAD's `p(params, substep, sH, s)`).
pub type Policy<S, P, G> = fn(&P, &Ctx<'_, S>, &mut SimRng) -> Result<G, BoxError>;

/// A state update function: `(params, ctx, input, next)`; it sets its variable in `next`
/// (cadCAD's `s(params, substep, sH, s, _input) → (key, value)`).
///
/// `next` starts as a copy of `ctx.state`, so a variable no SUF sets is carried over. Read the
/// pre-block state from `ctx.state`, never from `next`: every SUF of a block must see the same
/// state (a parallel update).
pub type Update<S, P, G> = fn(&P, &Ctx<'_, S>, &G, &mut S) -> Result<(), BoxError>;

/// One partial state update block.
pub struct Block<S, P, G: Signals> {
    pub(crate) policies: Vec<(&'static str, Policy<S, P, G>)>,
    pub(crate) updates: Vec<(&'static str, Update<S, P, G>)>,
    pub(crate) op: PolicyOp<G::Value>,
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
            policies: Vec::new(),
            updates: Vec::new(),
            op: G::Value::try_sum,
        }
    }

    /// Adds a policy (`'policies': {name: f}`); policies run in the order added.
    #[must_use]
    pub fn policy(mut self, name: &'static str, f: Policy<S, P, G>) -> Self {
        self.policies.push((name, f));
        self
    }

    /// Adds a state update function (`'variables': {name: f}`); `name` is for error messages.
    #[must_use]
    pub fn update(mut self, name: &'static str, f: Update<S, P, G>) -> Self {
        self.updates.push((name, f));
        self
    }

    /// Replaces the per-key reduction of signals that several policies emit (cadCAD's
    /// `policy_ops`, for example `|a, b| Some(a.max(b))`). A `None` from `op` ends the run.
    #[must_use]
    pub fn policy_ops(mut self, op: PolicyOp<G::Value>) -> Self {
        self.op = op;
        self
    }

    /// The names of the block's policies, in order.
    pub fn policy_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.policies.iter().map(|(n, _)| *n)
    }

    /// The names of the block's state update functions, in order.
    pub fn update_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.updates.iter().map(|(n, _)| *n)
    }
}

/// A model: a genesis state and an ordered list of blocks (cadCAD's `initial_state` and
/// `partial_state_update_blocks`). Parameters come per subset from the experiment.
pub struct Model<S, P, G: Signals> {
    /// The state at timestep 0.
    pub genesis: S,
    pub(crate) blocks: Vec<Block<S, P, G>>,
}

impl<S, P, G: Signals> Model<S, P, G> {
    /// A model with this genesis state and no blocks yet.
    #[must_use]
    pub fn new(genesis: S) -> Self {
        Self {
            genesis,
            blocks: Vec::new(),
        }
    }

    /// Appends a block; each block is one substep of every timestep.
    #[must_use]
    pub fn block(mut self, block: Block<S, P, G>) -> Self {
        self.blocks.push(block);
        self
    }

    /// The blocks, in order.
    #[must_use]
    pub fn blocks(&self) -> &[Block<S, P, G>] {
        &self.blocks
    }
}
