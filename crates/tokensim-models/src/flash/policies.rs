//! The Flash V3 model's step functions: pure functions of (parameters, state, draws or
//! signals) first, then the policies and updates the block calls, which are thin wrappers.

use cp_amm::{CpAmmError, Decimal, Fee, Num, Token, math};
use rust_decimal::prelude::ToPrimitive;
use sim_core::{BoxError, Ctx, SimRng, need};

use super::math::{Asset, Liquidity, amm_arb_calc, p_flash_to_stake};
use super::{FlashParams, FlashSignals, FlashState};
use crate::{Fidelity, ModelError};

/// The swap fee: `fee_rate` in the corrected variant, none in the seed's.
fn fee(p: &FlashParams) -> Result<Fee, ModelError> {
    if p.fidelity == Fidelity::Faithful {
        return Ok(Fee::ZERO);
    }
    let bad = |reason| ModelError::InvalidParameter {
        name: "fee_rate",
        value: p.fee_rate.to_string(),
        reason,
    };
    let ppm = p
        .fee_rate
        .checked_mul(Decimal::from(1_000_000))
        .ok_or_else(|| bad("it overflows"))?;
    if ppm.fract() != Decimal::ZERO {
        return Err(bad("it must be a whole number of parts per million"));
    }
    let ppm = ppm.to_u32().ok_or_else(|| bad("it must be in [0, 1)"))?;
    Fee::ppm(ppm).map_err(|_| bad("it must be in [0, 1)"))
}

/// `market_apy_high − market_apy_low`, the number of values the draw can take.
///
/// # Errors
/// [`ModelError::InvalidParameter`] when the difference overflows an `i64` or the range is
/// empty (`high ≤ low`, Python's `ValueError: empty range for randrange`).
pub(crate) fn market_apy_width(p: &FlashParams) -> Result<i64, ModelError> {
    let (lo, hi) = (p.market_apy_low, p.market_apy_high);
    let bad = |reason| ModelError::InvalidParameter {
        name: "market_apy_high",
        value: format!("{hi} (market_apy_low {lo})"),
        reason,
    };
    let width = hi
        .checked_sub(lo)
        .ok_or_else(|| bad("market_apy_high − market_apy_low overflows a 64-bit integer"))?;
    if width <= 0 {
        return Err(bad("the range [market_apy_low, market_apy_high) is empty"));
    }
    Ok(width)
}

/// The seed's `randrange(low, high) / 100`, given the uniform draw `u` in `[0, 1)`:
/// `low + ⌊u·(high − low)⌋`, in percent.
///
/// # Errors
/// [`ModelError::InvalidParameter`] when `high ≤ low` (Python's `ValueError: empty range for
/// randrange`).
pub fn market_apy_draw(p: &FlashParams, u: f64) -> Result<Decimal, ModelError> {
    let lo = p.market_apy_low;
    let width = market_apy_width(p)?;
    let k = ((u.clamp(0.0, 1.0) * width as f64).floor() as i64).clamp(0, width - 1);
    // lo + k < hi, so no overflow.
    Ok(Decimal::from(lo + k) / Decimal::ONE_HUNDRED)
}

/// The speculative swap's amount, `u · ext_swap_rand_factor` (the seed's
/// `np.random.rand() * factor`, made a `Decimal` from the float's exact value as far as 28
/// places go).
///
/// # Errors
/// [`ModelError::InvalidParameter`] for a negative or non-finite factor.
pub fn ext_swap_amount(p: &FlashParams, u: f64) -> Result<Decimal, ModelError> {
    let f = p.ext_swap_rand_factor;
    let bad = || ModelError::InvalidParameter {
        name: "ext_swap_rand_factor",
        value: f.to_string(),
        reason: "it must be finite and not negative",
    };
    if !(f.is_finite() && f >= 0.0) {
        return Err(bad());
    }
    Decimal::from_f64_retain(u * f).ok_or_else(bad)
}

/// The internal pool's arbitrage toward the external price: the input token and amount.
///
/// The seed's [`amm_arb_calc`] (no fee); in the corrected variant the amount is sized for the
/// fee, so the internal price lands on the external one ([`cp_amm::math::arb_trade`]).
///
/// # Errors
/// Bad reserves and arithmetic errors ([`ModelError::Amm`]), a bad `fee_rate`.
pub fn arbitrage(p: &FlashParams, s: &FlashState) -> Result<(Asset, Decimal), ModelError> {
    match p.fidelity {
        Fidelity::Faithful => amm_arb_calc(s.ext(), s.int()),
        Fidelity::Corrected => {
            let target = math::spot_price(s.ext_flash, s.ext_alt)?;
            let t = math::arb_trade(s.int_flash, s.int_alt, target, fee(p)?)?;
            Ok((t.input.into(), t.amount))
        }
    }
}

/// This step's new stake: what `p_flash_to_stake` emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stake {
    /// FLASH to sell on the external pool.
    pub flash_needed: Decimal,
    /// FLASH to stake.
    pub flash_to_stake: Decimal,
}

/// The new stake, by variant (see the module docs, defects 2, 3, 5 and 7).
///
/// * Faithful: [`p_flash_to_stake`] with the state's `market_apy` and `mint_rate` as they are.
/// * Corrected: the premium per timestep is `mint_rate − market_apy / steps_per_year`; none
///   stakes nothing. Otherwise the target is `p2 = px1·(1 − premium)`, `flash_needed` is the
///   FLASH that, sold with the fee, brings the external pool there, the mint that yields it
///   after the burn is `flash_needed / (1 − burn_rate)`, and `flash_to_stake = minted / mint_rate`.
///
/// # Errors
/// Faithful: the seed's crashes as named errors (see [`p_flash_to_stake`]). Corrected:
/// [`ModelError::TargetPriceNotPositive`] when the premium is 100 % or more, a bad parameter,
/// and arithmetic errors.
pub fn stake(p: &FlashParams, s: &FlashState) -> Result<Stake, ModelError> {
    if p.fidelity == Fidelity::Faithful {
        let o = p_flash_to_stake(Fidelity::Faithful, s.market_apy, p.mint_rate, s.ext())?;
        return Ok(Stake {
            flash_needed: o.flash_needed,
            flash_to_stake: o.flash_to_stake,
        });
    }
    if p.steps_per_year <= 0 {
        return Err(ModelError::InvalidParameter {
            name: "steps_per_year",
            value: p.steps_per_year.to_string(),
            reason: "it must be positive",
        });
    }
    if !(Decimal::ZERO..Decimal::ONE).contains(&p.burn_rate) {
        return Err(ModelError::InvalidParameter {
            name: "burn_rate",
            value: p.burn_rate.to_string(),
            reason: "it must be in [0, 1)",
        });
    }
    let per_step_market = s.market_apy.try_div(Decimal::from(p.steps_per_year))?;
    let premium = p.mint_rate.try_sub(per_step_market)?;
    if premium <= Decimal::ZERO {
        return Ok(Stake {
            flash_needed: Decimal::ZERO,
            flash_to_stake: Decimal::ZERO,
        });
    }
    let px_1 = math::spot_price(s.ext_flash, s.ext_alt)?;
    let p_2 = px_1.try_mul(Decimal::ONE.try_sub(premium)?)?;
    if p_2 <= Decimal::ZERO {
        return Err(ModelError::TargetPriceNotPositive {
            target: p_2.to_string(),
        });
    }
    let sale = math::arb_trade(s.ext_flash, s.ext_alt, p_2, fee(p)?)?;
    // p2 < px1, so the trade sells FLASH; a non-positive amount is a rounding unit at most.
    if sale.input != Token::X || sale.amount <= Decimal::ZERO {
        return Ok(Stake {
            flash_needed: Decimal::ZERO,
            flash_to_stake: Decimal::ZERO,
        });
    }
    let minted = sale.amount.try_div(Decimal::ONE.try_sub(p.burn_rate)?)?;
    Ok(Stake {
        flash_needed: sale.amount,
        flash_to_stake: minted.try_div(p.mint_rate)?,
    })
}

/// The seed's `swap` exactly as written, `out = y − k / (x + in)`, for any amount: a negative
/// one (the seed's formula stakes a negative amount below its fixed point) trades backwards, and
/// an amount of zero leaves the reserves as the arithmetic leaves them.
fn seed_swap(pool: Liquidity, input: Asset, amount_in: Decimal) -> Result<Liquidity, ModelError> {
    let (x, y) = match input {
        Asset::Flash => (pool.flash, pool.alt),
        Asset::Alt => (pool.alt, pool.flash),
    };
    let k = x.try_mul(y)?;
    let out = y.try_sub(k.try_div(x.try_add(amount_in)?)?)?;
    let (new_in, new_out) = (x.try_add(amount_in)?, y.try_sub(out)?);
    Ok(match input {
        Asset::Flash => Liquidity {
            flash: new_in,
            alt: new_out,
        },
        Asset::Alt => Liquidity {
            flash: new_out,
            alt: new_in,
        },
    })
}

/// A swap of `amount_in` on `pool`: the seed's [`seed_swap`] in the faithful variant; in the
/// corrected one a swap with the fee, or the pool unchanged when the amount is not positive or
/// the output rounds to nothing.
fn swap_in(
    p: &FlashParams,
    pool: Liquidity,
    input: Asset,
    amount_in: Decimal,
) -> Result<Liquidity, ModelError> {
    if p.fidelity == Fidelity::Faithful {
        return seed_swap(pool, input, amount_in);
    }
    if amount_in <= Decimal::ZERO {
        return Ok(pool);
    }
    let (r_in, r_out) = match input {
        Asset::Flash => (pool.flash, pool.alt),
        Asset::Alt => (pool.alt, pool.flash),
    };
    let s = match math::swap_exact_in(amount_in, r_in, r_out, fee(p)?) {
        Ok(s) => s,
        Err(CpAmmError::RoundsToZero { .. }) => return Ok(pool),
        Err(e) => return Err(e.into()),
    };
    Ok(match input {
        Asset::Flash => Liquidity {
            flash: s.reserve_in,
            alt: s.reserve_out,
        },
        Asset::Alt => Liquidity {
            flash: s.reserve_out,
            alt: s.reserve_in,
        },
    })
}

/// The external pool after a step, and the FLASH the step minted and burned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtStep {
    /// The external pool's reserves.
    pub ext: Liquidity,
    /// FLASH minted this step.
    pub minted: Decimal,
    /// FLASH burned this step.
    pub burned: Decimal,
}

/// The seed's `s_ext_swap`: the speculative swap, then the sale of the minted FLASH.
///
/// Faithful: no fee, and the sale is `flash_to_stake · mint_rate` (the seed's `flash_staked *
/// fpy`), all of it minted. Corrected: the fee on both swaps, the sale is `flash_needed`, and
/// the mint is `flash_needed / (1 − burn_rate)`, the difference burned.
///
/// # Errors
/// A missing signal, a bad `fee_rate`, and the pool's errors (insufficient liquidity,
/// arithmetic).
pub fn ext_step(p: &FlashParams, s: &FlashState, i: &FlashSignals) -> Result<ExtStep, BoxError> {
    let token = need(i.ext_swap_input_token, "ext_swap_input_token")?;
    let amount = need(i.ext_swap_amount, "ext_swap_amount")?;
    let after_spec = swap_in(p, s.ext(), token, amount)?;
    let (sale, minted, burned) = match p.fidelity {
        Fidelity::Faithful => {
            let minted = need(i.flash_to_stake, "flash_to_stake")?.try_mul(p.mint_rate)?;
            (minted, minted, Decimal::ZERO)
        }
        Fidelity::Corrected => {
            let sale = need(i.flash_needed, "flash_needed")?;
            if sale <= Decimal::ZERO {
                (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO)
            } else {
                let minted = sale.try_div(Decimal::ONE.try_sub(p.burn_rate)?)?;
                (sale, minted, minted.try_sub(sale)?)
            }
        }
    };
    let ext = swap_in(p, after_spec, Asset::Flash, sale)?;
    Ok(ExtStep {
        ext,
        minted,
        burned,
    })
}

/// The seed's `s_int_swap`: the arbitrage swap, then the stakers' purchase of FLASH with ALT.
///
/// Faithful: no fee, and `flash_to_stake` goes in as ALT (the seed's defect 6). Corrected: the
/// fee on both, and the stakers buy exactly `flash_to_stake` FLASH.
///
/// # Errors
/// A missing signal, a bad `fee_rate`, and the pool's errors (a purchase of the whole FLASH
/// reserve or more is insufficient liquidity).
pub fn int_step(p: &FlashParams, s: &FlashState, i: &FlashSignals) -> Result<Liquidity, BoxError> {
    let token = need(i.int_swap_input_token, "int_swap_input_token")?;
    let amount = need(i.int_swap_amount, "int_swap_amount")?;
    let pool = swap_in(p, s.int(), token, amount)?;
    let to_stake = need(i.flash_to_stake, "flash_to_stake")?;
    match p.fidelity {
        Fidelity::Faithful => Ok(seed_swap(pool, Asset::Alt, to_stake)?),
        Fidelity::Corrected => {
            if to_stake <= Decimal::ZERO {
                return Ok(pool);
            }
            let b = math::swap_exact_out(to_stake, pool.alt, pool.flash, fee(p)?)
                .map_err(ModelError::from)?;
            Ok(Liquidity {
                flash: b.reserve_out,
                alt: b.reserve_in,
            })
        }
    }
}

fn price(pool: Liquidity) -> Result<Decimal, ModelError> {
    Ok(math::spot_price(pool.flash, pool.alt)?)
}

/// `p_market_apy`: draws `randrange(low, high)`.
///
/// # Errors
/// As [`market_apy_draw`].
pub fn p_market_apy(
    p: &FlashParams,
    _: &Ctx<'_, FlashState>,
    rng: &mut SimRng,
) -> Result<FlashSignals, BoxError> {
    Ok(FlashSignals {
        market_apy: Some(market_apy_draw(p, rng.uniform())?),
        ..FlashSignals::default()
    })
}

/// `p_ext_swap_amount`: draws `rand()`.
///
/// # Errors
/// As [`ext_swap_amount`].
pub fn p_ext_swap_amount(
    p: &FlashParams,
    _: &Ctx<'_, FlashState>,
    rng: &mut SimRng,
) -> Result<FlashSignals, BoxError> {
    Ok(FlashSignals {
        ext_swap_amount: Some(ext_swap_amount(p, rng.uniform())?),
        ..FlashSignals::default()
    })
}

/// `p_ext_swap_input_token`: FLASH or ALT with even odds (one uniform draw).
///
/// # Errors
/// None; the signature is the engine's.
pub fn p_ext_swap_input_token(
    _: &FlashParams,
    _: &Ctx<'_, FlashState>,
    rng: &mut SimRng,
) -> Result<FlashSignals, BoxError> {
    let token = if rng.uniform() < 0.5 {
        Asset::Flash
    } else {
        Asset::Alt
    };
    Ok(FlashSignals {
        ext_swap_input_token: Some(token),
        ..FlashSignals::default()
    })
}

/// `p_int_swap_amount`.
///
/// # Errors
/// As [`arbitrage`].
pub fn p_int_swap_amount(
    p: &FlashParams,
    c: &Ctx<'_, FlashState>,
    _: &mut SimRng,
) -> Result<FlashSignals, BoxError> {
    Ok(FlashSignals {
        int_swap_amount: Some(arbitrage(p, c.state)?.1),
        ..FlashSignals::default()
    })
}

/// `p_int_swap_input_token`.
///
/// # Errors
/// As [`arbitrage`].
pub fn p_int_swap_input_token(
    p: &FlashParams,
    c: &Ctx<'_, FlashState>,
    _: &mut SimRng,
) -> Result<FlashSignals, BoxError> {
    Ok(FlashSignals {
        int_swap_input_token: Some(arbitrage(p, c.state)?.0),
        ..FlashSignals::default()
    })
}

/// The seed's policy `p_flash_to_stake` (renamed here, since [`p_flash_to_stake`] is its pure
/// function).
///
/// # Errors
/// As [`stake`].
pub fn p_flash_to_stake_policy(
    p: &FlashParams,
    c: &Ctx<'_, FlashState>,
    _: &mut SimRng,
) -> Result<FlashSignals, BoxError> {
    let st = stake(p, c.state)?;
    Ok(FlashSignals {
        flash_needed: Some(st.flash_needed),
        flash_to_stake: Some(st.flash_to_stake),
        ..FlashSignals::default()
    })
}

/// The state updates, one per column.
pub(super) mod updates {
    use super::{
        BoxError, Decimal, Fidelity, FlashParams, FlashSignals, FlashState, Num, ext_step,
        int_step, need, price,
    };
    use sim_core::Ctx;

    type Result = std::result::Result<(), BoxError>;

    /// `s_ext_rr`, which the seed never wires in (defect 1).
    pub(crate) fn s_ext_rr(
        p: &FlashParams,
        c: &Ctx<'_, FlashState>,
        i: &FlashSignals,
        n: &mut FlashState,
    ) -> Result {
        n.market_apy = match p.fidelity {
            Fidelity::Faithful => c.state.market_apy,
            Fidelity::Corrected => need(i.market_apy, "market_apy")?,
        };
        Ok(())
    }

    pub(crate) fn ext_flash(
        p: &FlashParams,
        c: &Ctx<'_, FlashState>,
        i: &FlashSignals,
        n: &mut FlashState,
    ) -> Result {
        n.ext_flash = ext_step(p, c.state, i)?.ext.flash;
        Ok(())
    }

    pub(crate) fn ext_alt(
        p: &FlashParams,
        c: &Ctx<'_, FlashState>,
        i: &FlashSignals,
        n: &mut FlashState,
    ) -> Result {
        n.ext_alt = ext_step(p, c.state, i)?.ext.alt;
        Ok(())
    }

    pub(crate) fn ext_price(
        p: &FlashParams,
        c: &Ctx<'_, FlashState>,
        i: &FlashSignals,
        n: &mut FlashState,
    ) -> Result {
        n.ext_price = price(ext_step(p, c.state, i)?.ext)?;
        Ok(())
    }

    pub(crate) fn minted(
        p: &FlashParams,
        c: &Ctx<'_, FlashState>,
        i: &FlashSignals,
        n: &mut FlashState,
    ) -> Result {
        n.minted = c.state.minted.try_add(ext_step(p, c.state, i)?.minted)?;
        Ok(())
    }

    pub(crate) fn burned(
        p: &FlashParams,
        c: &Ctx<'_, FlashState>,
        i: &FlashSignals,
        n: &mut FlashState,
    ) -> Result {
        n.burned = c.state.burned.try_add(ext_step(p, c.state, i)?.burned)?;
        Ok(())
    }

    pub(crate) fn int_flash(
        p: &FlashParams,
        c: &Ctx<'_, FlashState>,
        i: &FlashSignals,
        n: &mut FlashState,
    ) -> Result {
        n.int_flash = int_step(p, c.state, i)?.flash;
        Ok(())
    }

    pub(crate) fn int_alt(
        p: &FlashParams,
        c: &Ctx<'_, FlashState>,
        i: &FlashSignals,
        n: &mut FlashState,
    ) -> Result {
        n.int_alt = int_step(p, c.state, i)?.alt;
        Ok(())
    }

    pub(crate) fn int_price(
        p: &FlashParams,
        c: &Ctx<'_, FlashState>,
        i: &FlashSignals,
        n: &mut FlashState,
    ) -> Result {
        n.int_price = price(int_step(p, c.state, i)?)?;
        Ok(())
    }

    /// `s_new_stakes`.
    pub(crate) fn s_new_stakes(
        _: &FlashParams,
        c: &Ctx<'_, FlashState>,
        i: &FlashSignals,
        n: &mut FlashState,
    ) -> Result {
        let add: Decimal = need(i.flash_to_stake, "flash_to_stake")?;
        n.staked = c.state.staked.try_add(add)?;
        Ok(())
    }
}
