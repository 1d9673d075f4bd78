//! The Flash V3 notebook's pure functions (seed `000_41906b304b51aa06`), in Python's default
//! decimal context (28 significant digits, `ROUND_HALF_EVEN`), on [`cp_amm`]. The `flash`
//! conformance suite checks them against the notebook's own code.
//!
//! The model's policies and updates ([`super::policies`]) build on these.

use cp_amm::{Decimal, Fee, Num, Token, math};

use crate::{Fidelity, ModelError};

/// The reserves of one Flash V3 pool, named as in the seed's `ext_liquidity` / `int_liquidity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Liquidity {
    /// FLASH in the pool (token `X` of [`cp_amm`]).
    pub flash: Decimal,
    /// ALT in the pool (token `Y` of [`cp_amm`]); prices are ALT per FLASH.
    pub alt: Decimal,
}

/// The token a swap puts in, the seed's strings `"flash"` and `"alt"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Asset {
    /// FLASH.
    Flash,
    /// ALT.
    Alt,
}

impl Asset {
    /// The seed's name for the token.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Asset::Flash => "flash",
            Asset::Alt => "alt",
        }
    }
}

impl From<Token> for Asset {
    fn from(t: Token) -> Self {
        match t {
            Token::X => Asset::Flash,
            Token::Y => Asset::Alt,
        }
    }
}

/// The seed's `swap`: `oA = y − k / (x + iA)`, `k = x·y`.
///
/// Returns `(output_amount, updated_input_token_liquidity, updated_output_token_liquidity)`, as
/// the seed does. It is [`cp_amm::math::swap_exact_in`] with no fee. Unlike the seed, which
/// computes anything it is given, it refuses a non-positive input amount or reserve.
///
/// ```
/// use rust_decimal::Decimal;
/// use tokensim_models::flash::swap;
///
/// let (out, x, y) = swap(Decimal::from(1_000), Decimal::from(100_000), Decimal::from(100_000))?;
/// assert_eq!(out.to_string(), "990.09900990099009900990099");
/// assert_eq!(x, Decimal::from(101_000));
/// assert_eq!(y, Decimal::from(100_000) - out);
/// # Ok::<(), tokensim_models::ModelError>(())
/// ```
///
/// # Errors
/// [`ModelError::Amm`] for non-positive input, insufficient liquidity or overflow.
pub fn swap(
    input_amount: Decimal,
    input_token_liquidity: Decimal,
    output_token_liquidity: Decimal,
) -> Result<(Decimal, Decimal, Decimal), ModelError> {
    let s = math::swap_exact_in(
        input_amount,
        input_token_liquidity,
        output_token_liquidity,
        Fee::ZERO,
    )?;
    Ok((s.amount_out, s.reserve_in, s.reserve_out))
}

/// The seed's `amm_arb_calc`: the swap on the internal pool that brings its price to the
/// external pool's, `y_end = √(k_int · px_ext)`.
///
/// Returns the input token and amount ([`cp_amm::math::arb_trade`] with no fee). When the two
/// prices are equal the seed (and this) answers `"alt"` with an amount of zero or a rounding unit.
///
/// ```
/// use rust_decimal::Decimal;
/// use tokensim_models::flash::{Asset, Liquidity, amm_arb_calc};
///
/// // The external pool prices FLASH at 1.5 ALT, the internal at 1: buy FLASH with ALT until
/// // y_end = √(10¹⁰ · 1.5), that is 22 474.487… ALT in.
/// let ext = Liquidity { flash: Decimal::from(100_000), alt: Decimal::from(150_000) };
/// let int = Liquidity { flash: Decimal::from(100_000), alt: Decimal::from(100_000) };
/// let (asset, amount) = amm_arb_calc(ext, int)?;
/// assert_eq!(asset, Asset::Alt);
/// assert_eq!(amount.round_dp(6).to_string(), "22474.487139");
/// # Ok::<(), tokensim_models::ModelError>(())
/// ```
///
/// # Errors
/// [`ModelError::Amm`] for a non-positive reserve or overflow.
pub fn amm_arb_calc(ext: Liquidity, int: Liquidity) -> Result<(Asset, Decimal), ModelError> {
    let external_px = math::spot_price(ext.flash, ext.alt)?;
    let t = math::arb_trade(int.flash, int.alt, external_px, Fee::ZERO)?;
    Ok((t.input.into(), t.amount))
}

/// How much FLASH it is worth staking: the result of [`p_flash_to_stake`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StakeOpportunity {
    /// `fl2`: the external pool's FLASH reserve once the premium is sold away.
    pub fl_2: Decimal,
    /// `fl2 − fl1`: FLASH sold into the external pool to get there.
    pub flash_needed: Decimal,
    /// `flash_needed / FPY`: FLASH to stake to mint that much.
    pub flash_to_stake: Decimal,
}

/// The seed's `p_flash_to_stake`: the stake that removes the premium of the mint rate `fpy`
/// (FPY) over the market rate `m_apy` (mAPY) by the slippage of selling the minted FLASH into
/// the external pool `ext` (`al1` ALT, `fl1` FLASH, price `px1 = al1 / fl1`).
///
/// The target price is `p2 = px1 − (FPY − mAPY)`. Then `flash_needed = fl2 − fl1` and
/// `flash_to_stake = flash_needed / FPY`, with `fl2` by mode:
///
/// * [`Fidelity::Corrected`] (default): the constant-product answer `fl2 = √(al1·fl1 / p2)`,
///   since after selling FLASH `al2 = k / fl2` and `al2 / fl2 = p2`. When FPY ≤ mAPY there is no
///   premium and the opportunity is zero (`fl2 = fl1`). When `p2 ≤ 0` no sale reaches the target:
///   [`ModelError::TargetPriceNotPositive`].
/// * [`Fidelity::Faithful`]: the seed's `fl2 = al1 / √p2`, which equals the constant-product
///   answer only when `px1 = 1`. The seed's crashes are named errors: FPY ≤ mAPY is
///   [`ModelError::NoStakeOpportunity`] (Python's `UnboundLocalError`), `p2 = 0` is
///   [`cp_amm::CpAmmError::DivisionByZero`] and `p2 < 0` is
///   [`cp_amm::CpAmmError::NegativeSqrt`] (Python's `DivisionByZero` and `InvalidOperation`).
///
/// The seed's policy takes `(params, substep, history, state)`; this takes the four state values
/// it reads (`market_apy`, `policies.mint_rate`, `ext_liquidity`).
///
/// # Errors
/// As above, and [`ModelError::Amm`] for non-positive reserves or overflow.
pub fn p_flash_to_stake(
    fidelity: Fidelity,
    m_apy: Decimal,
    fpy: Decimal,
    ext: Liquidity,
) -> Result<StakeOpportunity, ModelError> {
    let (al_1, fl_1) = (ext.alt, ext.flash);
    if fpy <= m_apy {
        return match fidelity {
            Fidelity::Faithful => Err(ModelError::NoStakeOpportunity {
                fpy: fpy.to_string(),
                m_apy: m_apy.to_string(),
            }),
            Fidelity::Corrected => Ok(StakeOpportunity {
                fl_2: fl_1,
                flash_needed: Decimal::ZERO,
                flash_to_stake: Decimal::ZERO,
            }),
        };
    }
    let px_1 = math::spot_price(fl_1, al_1)?;
    let p_2 = px_1.try_sub(fpy.try_sub(m_apy)?)?;
    let fl_2 = match fidelity {
        Fidelity::Faithful => al_1.try_div(p_2.try_sqrt()?)?,
        Fidelity::Corrected => {
            if p_2 <= Decimal::ZERO {
                return Err(ModelError::TargetPriceNotPositive {
                    target: p_2.to_string(),
                });
            }
            al_1.try_mul(fl_1)?.try_div(p_2)?.try_sqrt()?
        }
    };
    let flash_needed = fl_2.try_sub(fl_1)?;
    let flash_to_stake = flash_needed.try_div(fpy)?;
    Ok(StakeOpportunity {
        fl_2,
        flash_needed,
        flash_to_stake,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cp_amm::CpAmmError;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn pool(flash: &str, alt: &str) -> Liquidity {
        Liquidity {
            flash: d(flash),
            alt: d(alt),
        }
    }

    // Values from the notebook's own printout (seed, cell 51): the first timestep stakes
    // 48284.83672191829616919975555 FLASH from the float-built initial state.
    #[test]
    fn seed_initial_state_at_price_one() {
        let s = p_flash_to_stake(
            Fidelity::Faithful,
            d("0.01"),
            d("0.1"),
            pool("100000", "100000"),
        )
        .unwrap();
        // With exact 0.1 and 0.01 (the notebook builds them from floats; see CONFORMANCE.md).
        assert_eq!(s.flash_to_stake, d("48284.836721918295772111633"));
        // At px1 = 1 both formulas agree.
        let c = p_flash_to_stake(
            Fidelity::Corrected,
            d("0.01"),
            d("0.1"),
            pool("100000", "100000"),
        )
        .unwrap();
        assert_eq!(c, s);
    }

    #[test]
    fn seed_crashes_are_named_errors_in_faithful_mode() {
        let f = Fidelity::Faithful;
        assert!(matches!(
            p_flash_to_stake(f, d("0.1"), d("0.1"), pool("100000", "100000")),
            Err(ModelError::NoStakeOpportunity { .. })
        ));
        assert!(matches!(
            p_flash_to_stake(f, d("0.01"), d("0.1"), pool("100000", "9000")),
            Err(ModelError::Amm(CpAmmError::DivisionByZero { .. }))
        ));
        assert!(matches!(
            p_flash_to_stake(f, d("0.01"), d("0.1"), pool("100000", "5000")),
            Err(ModelError::Amm(CpAmmError::NegativeSqrt { .. }))
        ));
    }

    #[test]
    fn corrected_mode_has_no_crash_where_there_is_no_premium() {
        let c = Fidelity::Corrected;
        let s = p_flash_to_stake(c, d("0.24"), d("0.1"), pool("100000", "100000")).unwrap();
        assert_eq!(s.flash_to_stake, Decimal::ZERO);
        assert_eq!(s.fl_2, d("100000"));
        assert!(matches!(
            p_flash_to_stake(c, d("0.01"), d("0.1"), pool("100000", "9000")),
            Err(ModelError::TargetPriceNotPositive { .. })
        ));
    }

    #[test]
    fn corrected_fl2_lands_the_external_price_on_target() {
        // px1 = 2, FPY − mAPY = 0.2: after selling up to fl2 the price is 1.8.
        let ext = pool("100000", "200000");
        let s = p_flash_to_stake(Fidelity::Corrected, d("0.1"), d("0.3"), ext).unwrap();
        assert_eq!(s.fl_2, d("105409.2553389459777332964515"));
        let k = d("20000000000");
        let al_2 = k / s.fl_2;
        assert!((al_2 / s.fl_2 - d("1.8")).abs() < d("1e-26"));
    }

    #[test]
    fn swap_and_arb_reproduce_seed_values() {
        // First entries of the conformance vectors.
        let (out, x, y) = swap(d("1619.163824"), d("72627.3761"), d("147640.171")).unwrap();
        assert_eq!(out, d("3219.7274660485618780308241"));
        assert_eq!(
            (x, y),
            (d("74246.539924"), d("144420.4435339514381219691759"))
        );
        let (tok, amt) = amm_arb_calc(
            pool("115335.3531", "101977.5964"),
            pool("114559.3788", "112771.1935"),
        )
        .unwrap();
        assert_eq!(tok.name(), "flash");
        assert_eq!(amt, d("6317.5041741991062632941434"));
    }
}
