//! What must hold of every Fei capital-allocation state, and why; [`model`](super::model)
//! declares them.
//!
//! | invariant | why it holds in the corrected model |
//! | --- | --- |
//! | `conserves_total` | a rebalance moves FEI between deposits and creates none: [`fei_cam`]'s corrected rebalance keeps the total of the four balances to the bit ([`fei_cam::invariants::conserves_total`]), and the other blocks do not touch them. The seed's pseudo-inverse flows lose or create FEI in the last bits, and more |
//! | `balances_non_negative` | the corrected rebalance never overdraws a deposit; the seed's transfer loop can |
//!
//! ```
//! use sim_core::{Experiment, NullSink};
//! use tokensim_models::fei::{self, FeiParams};
//! use tokensim_models::Fidelity;
//!
//! let model = fei::model();
//! let run = |p: FeiParams| Experiment::new(&model, vec![p]).runs(2).timesteps(30).seed(1).run(&mut NullSink::default());
//! assert!(run(FeiParams::default())?.is_success());
//! // The seed's pseudo-inverse flows lose FEI in the last bits of the first rebalance.
//! let seed = run(FeiParams::with_fidelity(Fidelity::Faithful))?;
//! assert_eq!(seed.failures[0].invariant(), Some("conserves_total"));
//! # Ok::<(), sim_core::EngineError>(())
//! ```

use fei_cam::total;
use sim_core::{Check, InvariantSet, Invariants, holds};

use super::{FeiParams, FeiState};

fn conserves_total(_: &FeiParams, c: &Check<'_, FeiState>) -> Result<(), String> {
    let (was, is) = (total(&c.before.balances()), total(&c.state.balances()));
    holds(was.to_bits() == is.to_bits(), || {
        format!("the user FEI was {was}, is {is} ({:e} apart)", is - was)
    })
}

/// The Fei model's invariants, in the order of the module's table.
#[must_use]
pub fn invariants(
    i: Invariants<FeiState, FeiParams>,
) -> Invariants<FeiState, FeiParams, impl InvariantSet<FeiState, FeiParams>> {
    i.check("conserves_total", conserves_total)
        .check("balances_non_negative", |_, c| {
            let names = ["liquidity_pool", "money_market", "savings", "idle"];
            match names
                .iter()
                .zip(c.state.balances())
                .find(|(_, b)| b.is_nan() || *b < 0.0)
            {
                None => Ok(()),
                Some((name, b)) => Err(format!("{name} = {b}")),
            }
        })
}
