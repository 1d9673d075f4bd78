//! The history a policy sees: cadCAD's `sH`, every completed timestep's substep states.

/// Every completed timestep's substep states, read-only.
///
/// Index `0` is timestep 0, whose only state is the genesis state; timestep `t ≥ 1` has one
/// state per block. cadCAD's `sH[-1][-1]`, the last state of the previous timestep, is
/// [`last_state`](Self::last_state); `sH[-k]` is [`back(k)`](Self::back).
#[derive(Debug)]
pub struct History<'a, S> {
    /// All states of the completed timesteps, flat: genesis, then `blocks` per timestep.
    states: &'a [S],
    blocks: usize,
}

impl<S> Clone for History<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S> Copy for History<'_, S> {}

impl<'a, S> History<'a, S> {
    /// A view of `states` (genesis then `blocks` states per timestep).
    ///
    /// # Panics
    ///
    /// Never for a well-formed engine call: `states` is non-empty and its tail a whole number of
    /// timesteps (debug-asserted).
    pub(crate) fn new(states: &'a [S], blocks: usize) -> Self {
        debug_assert!(!states.is_empty() && (states.len() - 1).is_multiple_of(blocks));
        Self { states, blocks }
    }

    /// The number of completed timesteps, counting timestep 0 (cadCAD's `len(sH)`).
    #[must_use]
    pub fn len(&self) -> usize {
        1 + (self.states.len() - 1) / self.blocks
    }

    /// Always false: timestep 0 is always complete.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The substep states of timestep `t` (`sH[t]`), or `None` past the last completed one.
    #[must_use]
    pub fn timestep(&self, t: usize) -> Option<&'a [S]> {
        if t == 0 {
            Some(&self.states[..1])
        } else if t < self.len() {
            let start = 1 + (t - 1) * self.blocks;
            Some(&self.states[start..start + self.blocks])
        } else {
            None
        }
    }

    /// `sH[-k]` for `k ≥ 1`: the `k`-th last completed timestep; `None` when `k` is 0 or
    /// reaches before timestep 0.
    #[must_use]
    pub fn back(&self, k: usize) -> Option<&'a [S]> {
        if k == 0 || k > self.len() {
            None
        } else {
            self.timestep(self.len() - k)
        }
    }

    /// `sH[-1][-1]`: the last state of the previous timestep (the genesis state at timestep 1).
    #[must_use]
    pub fn last_state(&self) -> &'a S {
        // Non-empty by construction.
        &self.states[self.states.len() - 1]
    }

    /// Every completed state, flat, in record order (genesis first).
    #[must_use]
    pub fn states(&self) -> &'a [S] {
        self.states
    }
}
