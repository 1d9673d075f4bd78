//! What must hold of every Flash V3 state, and why; [`model`](super::model) declares them.
//!
//! | invariant | why it holds in the corrected model |
//! | --- | --- |
//! | `pools_positive` | every swap pays out less than the reserve it draws on ([`cp_amm`]'s swaps refuse otherwise), so no pool's FLASH or ALT reaches zero |
//! | `product_never_falls` | with a fee (`fee_rate > 0`), each swap's fee stays in its pool and the output is rounded in the pool's favour, so each pool's `flash · alt` does not decrease over a step of swaps; compared exactly ([`cp_amm::Num::cmp_products`]). The seed charges no fee (its defect 4) and rounds its outputs either way, so its products can fall |
//! | `staked_non_negative` | a stake is `minted / mint_rate ≥ 0`, and 0 without a premium; the seed's stake goes negative below `px1 = 0.9` (its defect 3) |
//!
//! ```
//! use sim_core::{Experiment, InvariantCheck, NullSink};
//! use tokensim_models::flash::{self, FlashParams};
//! use tokensim_models::Fidelity;
//!
//! let model = flash::model();
//! let run = |p: FlashParams| Experiment::new(&model, vec![p]).runs(5).timesteps(10).seed(1).run(&mut NullSink::default());
//! assert!(run(FlashParams::default())?.is_success());
//! // The seed's internal swap (defect 6) shrinks the internal pool's product on day 1.
//! let seed = run(FlashParams::with_fidelity(Fidelity::Faithful))?;
//! assert_eq!(seed.failures[0].invariant(), Some("product_never_falls"));
//! assert_eq!(seed.failures[0].timestep, 1);
//! # Ok::<(), sim_core::EngineError>(())
//! ```

use cp_amm::{Decimal, Num};
use sim_core::{Check, InvariantSet, Invariants, holds};

use super::{FlashParams, FlashState};

fn product_never_falls(p: &FlashParams, c: &Check<'_, FlashState>) -> Result<(), String> {
    if p.fee_rate <= Decimal::ZERO {
        return Ok(());
    }
    let (b, s) = (c.before, c.state);
    for (pool, (x0, y0), (x1, y1)) in [
        (
            "external",
            (b.ext_flash, b.ext_alt),
            (s.ext_flash, s.ext_alt),
        ),
        (
            "internal",
            (b.int_flash, b.int_alt),
            (s.int_flash, s.int_alt),
        ),
    ] {
        let kept = Decimal::cmp_products(x1, y1, x0, y0).is_some_and(|o| o.is_ge());
        if !kept {
            return Err(format!(
                "the {pool} pool's product fell: {x1} × {y1} after, {x0} × {y0} before"
            ));
        }
    }
    Ok(())
}

/// The Flash model's invariants, in the order of the module's table.
#[must_use]
pub fn invariants(
    i: Invariants<FlashState, FlashParams>,
) -> Invariants<FlashState, FlashParams, impl InvariantSet<FlashState, FlashParams>> {
    i.check("pools_positive", |_, c| {
        let s = c.state;
        let reserves = [
            ("ext_flash", s.ext_flash),
            ("ext_alt", s.ext_alt),
            ("int_flash", s.int_flash),
            ("int_alt", s.int_alt),
        ];
        match reserves.iter().find(|(_, v)| *v <= Decimal::ZERO) {
            None => Ok(()),
            Some((name, v)) => Err(format!("{name} = {v}")),
        }
    })
    .check("product_never_falls", product_never_falls)
    .check("staked_non_negative", |_, c| {
        holds(c.state.staked >= Decimal::ZERO, || {
            format!("staked = {}", c.state.staked)
        })
    })
}
