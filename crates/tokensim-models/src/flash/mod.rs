//! The Flash V3 model (seed `000_41906b304b51aa06`, a cadCAD notebook), on sim-core and
//! [`cp_amm`], in Python's decimal arithmetic.
//!
//! Two constant-product pools trade FLASH against ALT: the *external* pool (the market) and the
//! protocol's *internal* pool. Prices are ALT per FLASH, `alt / flash`.
//!
//! ## The model, as the seed writes it (one block, six policies, three updates)
//!
//! One timestep is one day. The policies read the state at the start of the step:
//!
//! - **`p_market_apy`**: the market's rate of return, `randrange(low, high) / 100` (the seed's
//!   `market_apy_rand_range = (10, 25)`: a fresh draw each day, 0.10 to 0.24).
//! - **`p_ext_swap_amount`**, **`p_ext_swap_input_token`**: a speculative swap on the external
//!   pool, `rand() · ext_swap_rand_factor` of FLASH or ALT with even odds.
//! - **`p_int_swap_amount`**, **`p_int_swap_input_token`**: the internal pool's arbitrage to
//!   the external price, [`amm_arb_calc`]: `y_end = √(k_int · px_ext)`.
//! - **`p_flash_to_stake`**: when the mint rate FPY beats the market rate mAPY, the FLASH that,
//!   minted and sold on the external pool, removes the premium: the target price
//!   `p2 = px1 − (FPY − mAPY)`, `fl2 = al1 / √p2`, `flash_needed = fl2 − fl1`,
//!   `flash_to_stake = flash_needed / FPY` ([`p_flash_to_stake`]).
//!
//! The updates:
//!
//! - **`ext_liquidity`** (`s_ext_swap`): the speculative swap, then the sale of the FLASH the
//!   new stake mints, `flash_to_stake · FPY`, on the external pool.
//! - **`int_liquidity`** (`s_int_swap`): the arbitrage swap, then the stakers' purchase of the
//!   FLASH they stake, with ALT, on the internal pool.
//! - **`staked`** (`s_new_stakes`): `staked + flash_to_stake`.
//!
//! The swaps are the seed's `swap`, `out = y − k / (x + in)`, `k = x·y` ([`swap`]).
//!
//! ## Our layout, and where names differ
//!
//! - The seed's dict-valued state variables are flattened into columns:
//!   `ext_liquidity.{flash, alt}` are [`FlashState::ext_flash`] and [`FlashState::ext_alt`],
//!   `int_liquidity.{flash, alt}` are [`FlashState::int_flash`] and [`FlashState::int_alt`].
//!   Each of the four has its own update, all computed by one pure function per pool
//!   ([`ext_step`], [`int_step`]).
//! - The seed keeps `policies.{fee_rate, burn_rate, mint_rate}` in the state, where they never
//!   change. Here they are parameters ([`FlashParams`]), so a sweep can vary them.
//! - Added columns, derived each step: `ext_price`, `int_price`, and the cumulative `minted`
//!   and `burned` FLASH.
//! - The seed's `market_apy_rand_range` tuple is two parameters, `market_apy_low` and
//!   `market_apy_high` (percent, `high` excluded, as `randrange`).
//!
//! ## Known defects, and the two variants
//!
//! [`Fidelity::Faithful`] (the built-in experiment `flash-seed`) reproduces the notebook with
//! its defects; [`Fidelity::Corrected`] (`flash`, the default) fixes each one:
//!
//! | # | the seed's defect (`flash-seed`) | the fix (`flash`) |
//! | --- | --- | --- |
//! | 1 | `s_ext_rr` is written but never wired into the block, so `market_apy` stays at its genesis 0.01 | `market_apy` takes the day's draw |
//! | 2 | the mint rate (FLASH per stake *per day*, says the seed) is compared with an *annual* APY | both per timestep: the premium is `mint_rate − market_apy / steps_per_year` |
//! | 3 | `fl2 = al1 / √p2` is the constant-product answer only at `px1 = 1`, and `p2 = px1 − premium` subtracts a rate from a price | the target is `p2 = px1·(1 − premium)` (the same at the seed's `px1 = 1`), and the FLASH to sell is found on the curve, with the fee, by [`cp_amm::math::arb_trade`], so the external price lands on `p2` |
//! | 4 | `fee_rate` is never used | every swap pays `fee_rate` on its input, which stays in the pool (Uniswap v2) |
//! | 5 | `burn_rate` is never used | `burn_rate` of each mint is burned at once: `minted = sold / (1 − burn_rate)` |
//! | 6 | the internal swap puts `flash_to_stake`, a FLASH amount, into the pool as ALT | stakers buy exactly `flash_to_stake` FLASH with ALT (an exact-output swap), so "needed", "minted" and "to stake" are all FLASH: `staked += minted / mint_rate` |
//! | 7 | with no premium (`FPY ≤ mAPY`) `p_flash_to_stake` returns an unassigned variable and the run crashes (`UnboundLocalError`) | no opportunity stakes 0 |
//!
//! Where the seed crashes, a `flash-seed` run ends with a named [`ModelError`](crate::ModelError), reported in the
//! experiment's failures: `NoStakeOpportunity` (`UnboundLocalError`) when a sweep sets the mint
//! rate at or below the market APY, `Amm(DivisionByZero)` when `p2 = 0` and `Amm(NegativeSqrt)`
//! when `p2 < 0` (`InvalidOperation`).
//!
//! **What the two variants do with the seed's numbers.** The seed's `fl2 = al1/√(px1 − premium)`
//! equals `fl1` where `px1² − px1 + premium = 0`: with a premium of 0.09 at `px1 = 0.9`. Below
//! that its stake is *negative* (its `swap` then trades backwards, which `flash-seed` does too),
//! so the seed's external price hovers at 0.9 whatever the premium is worth: an accident of the
//! formula, not the premium being sold away. In the corrected model the premium is a rate that
//! does not depend on the price, so each day with a premium stakes again and the external price
//! falls by the premium: with the seed's mint rate of 0.1 a day (3,650 % a year) against a
//! market of 10–24 % a year, about 10 % a day. Sweep `mint_rate` to see gentler schedules.
//!
//! The faithful variant swaps whatever amount the seed computes, zero and negative included.
//! The corrected one skips a swap of amount zero or less (the arbitrage at equal prices asks for
//! one) and one whose output rounds to nothing.
//!
//! The random draws follow the seed's policy order: `randrange` for the market rate, `rand()`
//! for the swap amount, then the token (`random.sample`, even odds). The streams are the
//! engine's ([`sim_core::SimRng`]); the seed sets no seed, so no stream of its can be matched.
//!
//! ```
//! use tokensim_models::{Fidelity, flash};
//! use sim_core::{Experiment, InvariantCheck, MemorySink};
//!
//! let model = flash::model();
//! let subsets = vec![
//!     flash::FlashParams::with_fidelity(Fidelity::Corrected),
//!     flash::FlashParams::with_fidelity(Fidelity::Faithful),
//! ];
//! let mut sink = MemorySink::new();
//! // The seed's records as it writes them: its defects break `product_never_falls` on day 1
//! // (the `invariants` module), so the check is off here.
//! let out = Experiment::new(&model, subsets).runs(2).timesteps(10).seed(7)
//!     .invariants(InvariantCheck::Off)
//!     .run(&mut sink)?;
//! assert!(out.is_success());
//! // Genesis plus 10 timesteps, for 2 runs of 2 subsets.
//! assert_eq!(sink.len(), 44);
//! // The seed's market APY never moves; the corrected one is drawn in [0.10, 0.25).
//! let apy = sink.f64_column("market_apy").unwrap();
//! assert!(apy[1..11].iter().all(|a| (0.10..0.25).contains(a)));
//! assert!(apy[23..33].iter().all(|a| *a == 0.01));
//! # Ok::<(), sim_core::EngineError>(())
//! ```

pub mod invariants;
mod math;
mod policies;
mod validate;

use cp_amm::Decimal;
use sim_core::{Block, Model, PolicyOp, Signals, Sweep};

use crate::Fidelity;

pub use math::{Asset, Liquidity, StakeOpportunity, amm_arb_calc, p_flash_to_stake, swap};
pub use policies::{
    ExtStep, Stake, arbitrage, ext_step, ext_swap_amount, int_step, market_apy_draw,
    p_ext_swap_amount, p_ext_swap_input_token, p_flash_to_stake_policy, p_int_swap_amount,
    p_int_swap_input_token, p_market_apy, stake,
};
pub use validate::validate;

/// The Flash V3 model's state (the seed's `initial_conditions`, flattened; see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlashState {
    /// The market's annual rate of return (the seed's `market_apy`).
    pub market_apy: Decimal,
    /// FLASH in the external pool (`ext_liquidity['flash']`).
    pub ext_flash: Decimal,
    /// ALT in the external pool (`ext_liquidity['alt']`).
    pub ext_alt: Decimal,
    /// FLASH in the internal pool (`int_liquidity['flash']`).
    pub int_flash: Decimal,
    /// ALT in the internal pool (`int_liquidity['alt']`).
    pub int_alt: Decimal,
    /// FLASH staked so far (`staked`).
    pub staked: Decimal,
    /// FLASH minted so far (not in the seed).
    pub minted: Decimal,
    /// FLASH burned so far (not in the seed; always 0 in the faithful variant).
    pub burned: Decimal,
    /// The external price, ALT per FLASH (not in the seed).
    pub ext_price: Decimal,
    /// The internal price, ALT per FLASH (not in the seed).
    pub int_price: Decimal,
}

sim_core::vars!(FlashState {
    market_apy,
    ext_flash,
    ext_alt,
    int_flash,
    int_alt,
    staked,
    minted,
    burned,
    ext_price,
    int_price,
});

impl FlashState {
    /// The seed's genesis: both pools at 100,000 FLASH and 100,000 ALT, market APY 0.01, nothing
    /// staked.
    ///
    /// The seed builds `Decimal(0.01)` from a float (0.01000000000000000020816…); this is the
    /// exact 0.01, which rust_decimal's 28 places can hold.
    pub const GENESIS: Self = Self {
        market_apy: Decimal::from_parts(1, 0, 0, false, 2),
        ext_flash: Decimal::from_parts(100_000, 0, 0, false, 0),
        ext_alt: Decimal::from_parts(100_000, 0, 0, false, 0),
        int_flash: Decimal::from_parts(100_000, 0, 0, false, 0),
        int_alt: Decimal::from_parts(100_000, 0, 0, false, 0),
        staked: Decimal::ZERO,
        minted: Decimal::ZERO,
        burned: Decimal::ZERO,
        ext_price: Decimal::ONE,
        int_price: Decimal::ONE,
    };

    /// The external pool.
    #[must_use]
    pub fn ext(&self) -> Liquidity {
        Liquidity {
            flash: self.ext_flash,
            alt: self.ext_alt,
        }
    }

    /// The internal pool.
    #[must_use]
    pub fn int(&self) -> Liquidity {
        Liquidity {
            flash: self.int_flash,
            alt: self.int_alt,
        }
    }
}

impl Default for FlashState {
    fn default() -> Self {
        Self::GENESIS
    }
}

/// The Flash V3 model's parameters (the seed's `params` and its `policies` state), and the
/// fidelity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlashParams {
    /// The swap fee on every swap's input (the seed's `policies.fee_rate`, unused there).
    /// A whole number of parts per million below 1.
    pub fee_rate: Decimal,
    /// The share of each mint burned (the seed's `policies.burn_rate`, unused there); below 1.
    pub burn_rate: Decimal,
    /// FLASH minted per FLASH staked per day (the seed's `policies.mint_rate`, its FPY).
    pub mint_rate: Decimal,
    /// The largest speculative swap (the seed's `ext_swap_rand_factor`).
    pub ext_swap_rand_factor: f64,
    /// The market APY's lowest draw, in percent (the seed's `market_apy_rand_range[0]`).
    pub market_apy_low: i64,
    /// One above the market APY's highest draw, in percent (`market_apy_rand_range[1]`).
    pub market_apy_high: i64,
    /// Timesteps per year, to put the annual market APY on the mint rate's daily basis
    /// (corrected variant only; not in the seed).
    pub steps_per_year: i64,
    /// The seed's behaviour or the corrected one (not a record column).
    pub fidelity: Fidelity,
}

sim_core::vars!(FlashParams {
    fee_rate,
    burn_rate,
    mint_rate,
    ext_swap_rand_factor,
    market_apy_low,
    market_apy_high,
    steps_per_year,
});

impl Default for FlashParams {
    /// The seed's values, corrected variant.
    fn default() -> Self {
        Self {
            fee_rate: Decimal::new(3, 3),
            burn_rate: Decimal::new(1, 2),
            mint_rate: Decimal::new(1, 1),
            ext_swap_rand_factor: 100.0,
            market_apy_low: 10,
            market_apy_high: 25,
            steps_per_year: 365,
            fidelity: Fidelity::Corrected,
        }
    }
}

impl FlashParams {
    /// The seed's values under `fidelity`.
    #[must_use]
    pub fn with_fidelity(fidelity: Fidelity) -> Self {
        Self {
            fidelity,
            ..Self::default()
        }
    }
}

/// The signals of the Flash block (the seed's policy dict keys), each emitted by one policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlashSignals {
    /// From `p_market_apy`.
    pub market_apy: Option<Decimal>,
    /// From `p_ext_swap_amount`.
    pub ext_swap_amount: Option<Decimal>,
    /// From `p_ext_swap_input_token`.
    pub ext_swap_input_token: Option<Asset>,
    /// From `p_int_swap_amount`.
    pub int_swap_amount: Option<Decimal>,
    /// From `p_int_swap_input_token`.
    pub int_swap_input_token: Option<Asset>,
    /// From `p_flash_to_stake`: the FLASH to sell on the external pool (not a seed key; the
    /// seed recomputes it as `flash_to_stake · FPY`).
    pub flash_needed: Option<Decimal>,
    /// From `p_flash_to_stake`.
    pub flash_to_stake: Option<Decimal>,
}

impl Signals for FlashSignals {
    type Value = Decimal;

    fn combine(&mut self, other: Self, op: PolicyOp<Decimal>) -> Result<(), &'static str> {
        fn num(
            a: &mut Option<Decimal>,
            b: Option<Decimal>,
            op: PolicyOp<Decimal>,
            name: &'static str,
        ) -> Result<(), &'static str> {
            if let Some(b) = b {
                *a = Some(match *a {
                    Some(a) => op(a, b).ok_or(name)?,
                    None => b,
                });
            }
            Ok(())
        }
        // A token is not a number: two policies naming one cannot be reduced.
        fn token(
            a: &mut Option<Asset>,
            b: Option<Asset>,
            name: &'static str,
        ) -> Result<(), &'static str> {
            match (*a, b) {
                (Some(_), Some(_)) => Err(name),
                (None, Some(b)) => {
                    *a = Some(b);
                    Ok(())
                }
                _ => Ok(()),
            }
        }
        num(&mut self.market_apy, other.market_apy, op, "market_apy")?;
        num(
            &mut self.ext_swap_amount,
            other.ext_swap_amount,
            op,
            "ext_swap_amount",
        )?;
        token(
            &mut self.ext_swap_input_token,
            other.ext_swap_input_token,
            "ext_swap_input_token",
        )?;
        num(
            &mut self.int_swap_amount,
            other.int_swap_amount,
            op,
            "int_swap_amount",
        )?;
        token(
            &mut self.int_swap_input_token,
            other.int_swap_input_token,
            "int_swap_input_token",
        )?;
        num(
            &mut self.flash_needed,
            other.flash_needed,
            op,
            "flash_needed",
        )?;
        num(
            &mut self.flash_to_stake,
            other.flash_to_stake,
            op,
            "flash_to_stake",
        )?;
        Ok(())
    }
}

/// The Flash V3 model: the seed's genesis and its one block (its six policies, and one update
/// per column).
#[must_use]
pub fn model() -> Model<FlashState, FlashParams, FlashSignals> {
    use policies as p;
    use policies::updates as u;
    Model::new(FlashState::GENESIS)
        .validate(|s, p| validate(s, p).map_err(Into::into))
        .block(
            Block::new()
                .policy("p_market_apy", p::p_market_apy)
                .policy("p_ext_swap_amount", p::p_ext_swap_amount)
                .policy("p_ext_swap_input_token", p::p_ext_swap_input_token)
                .policy("p_int_swap_amount", p::p_int_swap_amount)
                .policy("p_int_swap_input_token", p::p_int_swap_input_token)
                .policy("p_flash_to_stake", p::p_flash_to_stake_policy)
                .update("market_apy", u::s_ext_rr)
                .update("ext_flash", u::ext_flash)
                .update("ext_alt", u::ext_alt)
                .update("int_flash", u::int_flash)
                .update("int_alt", u::int_alt)
                .update("staked", u::s_new_stakes)
                .update("minted", u::minted)
                .update("burned", u::burned)
                .update("ext_price", u::ext_price)
                .update("int_price", u::int_price),
        )
        .invariants(invariants::invariants)
}

/// The seed's Monte Carlo runs (`MONTE_CARLO_RUNS`).
pub const SEED_RUNS: usize = 2;
/// The seed's timesteps (`range(10)`).
pub const SEED_TIMESTEPS: usize = 10;

/// The seed's sweep (its `params`, one subset): `ext_swap_rand_factor` 100 and the market APY
/// range (10, 25).
#[must_use]
pub fn seed_sweep() -> Sweep {
    Sweep::new()
        .param("ext_swap_rand_factor", [100.0])
        .param("market_apy_low", [10_i64])
        .param("market_apy_high", [25_i64])
}
