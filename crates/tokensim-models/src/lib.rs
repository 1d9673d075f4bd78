//! # tokensim-models: the seed models of tokensim
//!
//! Each module re-creates one seed document on the workspace's math crates:
//!
//! * [`flash`]: the Flash V3 cadCAD notebook (seed `000_41906b304b51aa06`) on `sim-core` and
//!   `cp-amm`, in Python's decimal context: an external and an internal constant-product pool,
//!   speculative swaps, the internal pool's arbitrage `amm_arb_calc`, a market APY, and staking
//!   by `p_flash_to_stake`, `fl2 = al1 / √(px1 − (FPY − mAPY))`, whose mint is sold on the
//!   external pool.
//! * [`fei`]: Fei's capital-allocation module (seed `002_fbe476ddedeb2d25`) on `sim-core` and
//!   `fei-cam`, in the environment Fei's model gives it: an ETH price, a jump-rate money market,
//!   a fee-earning liquidity pool and the savings rate; user FEI moves between four deposits
//!   toward yield- and risk-weighted targets.
//! * [`honey`]: the 1Hive Honey supply model (seed `001_a19297b187876f33`) on `sim-core`:
//!   proportional mint/burn toward a target pool ratio, logistic market saturation, and a price
//!   random walk pulled toward a fundamental target.
//! * [`toy`]: the small three-block model of the `engine-records` conformance suite, which pins
//!   sim-core's semantics against cadCAD 0.5.3.
//!
//! Where a seed has a defect, a [`Fidelity`] argument chooses between the corrected behaviour
//! (the default) and the seed's own, kept so that its published results can be reproduced.
//!
//! ```
//! use tokensim_models::{Fidelity, flash};
//! use rust_decimal::Decimal;
//!
//! let ext = flash::Liquidity { flash: Decimal::from(100_000), alt: Decimal::from(150_000) };
//! let (fpy, m_apy) = (Decimal::new(1, 1), Decimal::new(1, 2));
//! let seed = flash::p_flash_to_stake(Fidelity::Faithful, m_apy, fpy, ext)?;
//! let fixed = flash::p_flash_to_stake(Fidelity::Corrected, m_apy, fpy, ext)?;
//! // The seed's formula is right only at a price of 1; at 1.5 it overshoots.
//! assert_eq!(seed.fl_2.to_string(), "126322.7881599778429220523149");
//! assert_eq!(fixed.fl_2.to_string(), "103142.1246258793407249880974");
//! # Ok::<(), tokensim_models::ModelError>(())
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's example, run as a doctest so that the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod check;
mod error;
pub mod fei;
pub mod flash;
pub mod honey;
pub mod toy;

pub use error::ModelError;

/// Which behaviour to give where a seed has a known defect: sim-core's [`sim_core::Fidelity`],
/// the one switch every model (a user's too) and the command line share.
///
/// ```
/// use tokensim_models::Fidelity;
///
/// assert_eq!(Fidelity::default(), Fidelity::Corrected);
/// // Fei's model hands its fidelity to fei-cam unchanged.
/// assert_eq!(tokensim_models::fei::cam_fidelity(Fidelity::Faithful), fei_cam::Fidelity::Faithful);
/// ```
pub use sim_core::Fidelity;
