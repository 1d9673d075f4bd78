//! The encoded order and its two trade functions, as `Strategies.sol` computes them.
//!
//! An order sells `y` (its liquidity) of one token for another along the curve fixed by its
//! capacity `z` and two rates, the compressed `A = e(H − L)` and `B = e(L)`, where `L`, `H` are
//! the square roots of the lowest and highest rate as 48-bit fixed point. With `a = d(A)`,
//! `b = d(B)` and `ONE = 2⁴⁸`, a trade of `x` by source returns
//!
//! ```text
//!        x · (a·y + b·z)²
//! ───────────────────────────────     (a = 0:  x · b² / ONE²)
//!  a·x·(a·y + b·z) + (z·ONE)²
//! ```
//!
//! and a trade by target of `x` costs `x·(z·ONE)² / ((a·y + b·z)·(a·y + b·z − a·x))`
//! (`a = 0`: `x · ONE² / b²`). The contract evaluates them in 256-bit integers, scaling by
//! `minFactor` so no intermediate overflows; rounding always favours the order's owner (the
//! target rounds down, the source up).

use ruint::aliases::U256;

use crate::error::CarbonError;
use crate::math_ex::{min_factor, mul_div_c, mul_div_f};
use crate::rate::{ONE, decode_float, encode_float, encode_rate, parse_decimal};

/// An order as the contract stores it (`Order` in `Strategies.sol`).
///
/// ```
/// use carbon_orders::EncodedOrder;
///
/// // 2 962 962 wei sold between rates 1 and 2 (target wei per source wei), starting at 2.
/// let order = EncodedOrder::from_rates("2962962", "1", "2", "2")?;
/// assert_eq!((order.y, order.z), (2_962_962, 2_962_962));
/// // 1000 in gives 1999 out (the rate starts at 2, and rounding favours the order's owner),
/// // and 1999 out costs at least 1000 in.
/// assert_eq!(order.target_amount(1000)?, 1999);
/// assert!(order.source_amount(1999)? >= 1000);
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EncodedOrder {
    /// Liquidity: what the order can still sell.
    pub y: u128,
    /// Capacity: the liquidity at which the marginal rate is the highest rate. `y ≤ z`.
    pub z: u128,
    /// Compressed `H − L` (the contract's `A`).
    pub a: u64,
    /// Compressed `L` (the contract's `B`).
    pub b: u64,
}

/// What a failed trade returns.
///
/// ```
/// use carbon_orders::{CarbonError, Convention, EncodedOrder};
///
/// // An order without capacity (z = 0) on a curve: the contract reverts either way; the
/// // SDK's convention quotes 0 out by source and u128::MAX in by target, so a router skips it.
/// let disabled = EncodedOrder { y: 0, z: 0, a: 1, b: 1 };
/// assert_eq!(disabled.target_amount(1000), Err(CarbonError::OrderDisabled));
/// assert_eq!(disabled.target_amount_with(1000, Convention::Sdk)?, 0);
/// assert_eq!(disabled.source_amount(1000), Err(CarbonError::OrderDisabled));
/// assert_eq!(disabled.source_amount_with(1000, Convention::Sdk)?, u128::MAX);
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum Convention {
    /// The contract's: every revert is a [`CarbonError`] (default).
    #[default]
    Contract,
    /// The SDK's off-chain convention: a trade by source that would revert returns 0, one by
    /// target returns `u128::MAX` (an amount no one can pay), so a router can skip the order.
    Sdk,
}

impl EncodedOrder {
    /// Builds the order the contracts' test utility and carbon-sdk's `encodeOrder` build from
    /// decimal strings: `y = liquidity`, `L, H, M` = [`encode_rate`] of the lowest, highest and
    /// marginal rates, `z = y` if `H == M` or `y = 0` (the SDK's rule; the test utility would
    /// divide by zero for an empty order with `M = L`), else `floor(y·(H − L)/(M − L))`,
    /// `A = e(H − L)`, `B = e(L)`.
    ///
    /// A `z` above `2¹²⁸ − 1` is an error here (carbon-sdk #334: the SDK computes it and the
    /// contract cannot store it).
    ///
    /// # Errors
    /// An invalid decimal; rates that make no curve ([`CarbonError::InvalidOrder`], see
    /// [`from_prices`](Self::from_prices)); a
    /// liquidity or capacity above `2¹²⁸ − 1`; a rate too large to compress.
    pub fn from_rates(
        liquidity: &str,
        lowest_rate: &str,
        highest_rate: &str,
        marginal_rate: &str,
    ) -> Result<Self, CarbonError> {
        let (y, scale) = parse_decimal(liquidity)?;
        if scale != 0 && !(y % ten_pow(scale)?).is_zero() {
            return Err(CarbonError::InvalidDecimal {
                text: liquidity.to_owned(),
            });
        }
        let y = y / ten_pow(scale)?;
        if y.bit_len() > 128 {
            return Err(CarbonError::Overflow { what: "liquidity" });
        }
        let y: u128 = y.to();
        Self::from_exact_rates(
            y,
            encode_rate(lowest_rate)?,
            encode_rate(highest_rate)?,
            encode_rate(marginal_rate)?,
        )
    }

    /// The order from its liquidity and three encoded rates (`encodeOrder` after
    /// `encodeRate`), with carbon-sdk's check that `H ≥ M > L`, or `H = M = L`, or
    /// `H > M = L` with `y = 0`.
    pub(crate) fn from_exact_rates(
        y: u128,
        l: U256,
        h: U256,
        m: U256,
    ) -> Result<Self, CarbonError> {
        let valid = (h >= m && m > l) || (h == m && m == l) || (h > m && m == l && y == 0);
        if !valid {
            return Err(CarbonError::InvalidOrder {
                reason: "the encoded rates must be H ≥ M > L, or H = M = L, or H > M = L with no liquidity",
            });
        }
        let width = h - l;
        // The SDK's encodeOrder takes z = y for an empty order, whatever its rates.
        let z = if h == m || y == 0 {
            U256::from(y)
        } else {
            mul_div_f(U256::from(y), width, m - l)?
        };
        if z.bit_len() > 128 {
            return Err(CarbonError::Overflow {
                what: "capacity z (carbon-sdk #334)",
            });
        }
        Ok(Self {
            y,
            z: z.to(),
            a: encode_float(width)?,
            b: encode_float(l)?,
        })
    }

    /// The target amount for `x` of source (`tradeBySourceAmount`), rounded down.
    ///
    /// # Errors
    /// An invalid rate, a disabled order, or an overflow (including the final `uint128` cast).
    /// Like the contract's trade function, this does not compare the result with `y`; the
    /// caller of a trade does (`InsufficientLiquidity`).
    pub fn target_amount(&self, x: u128) -> Result<u128, CarbonError> {
        let (y, z, a, b) = self.expanded()?;
        self.enabled()?;
        to_u128(calculate_trade_target_amount(U256::from(x), y, z, a, b)?)
    }

    /// `OrderDisabled` for an order without capacity (`z = 0`): the contract's trade would
    /// revert on it too (a division by zero, or `OrderDisabled` with both rates zero).
    fn enabled(&self) -> Result<(), CarbonError> {
        if self.z == 0 {
            return Err(CarbonError::OrderDisabled);
        }
        Ok(())
    }

    /// `y`, `z` and the expanded rates `a = d(A)`, `b = d(B)`.
    fn expanded(&self) -> Result<(U256, U256, U256, U256), CarbonError> {
        Ok((
            U256::from(self.y),
            U256::from(self.z),
            decode_float(self.a)?,
            decode_float(self.b)?,
        ))
    }

    /// The source amount needed for `x` of target (`tradeByTargetAmount`), rounded up.
    ///
    /// # Errors
    /// As [`target_amount`](Self::target_amount); `x` above the liquidity is
    /// `InsufficientLiquidity`.
    pub fn source_amount(&self, x: u128) -> Result<u128, CarbonError> {
        let (y, z, a, b) = self.expanded()?;
        self.enabled()?;
        let out = calculate_trade_source_amount(U256::from(x), y, z, a, b)?;
        to_u128(out)
    }

    /// [`target_amount`](Self::target_amount) under a [`Convention`].
    ///
    /// # Errors
    /// Only with [`Convention::Contract`].
    pub fn target_amount_with(&self, x: u128, convention: Convention) -> Result<u128, CarbonError> {
        match (self.target_amount(x), convention) {
            (Err(_), Convention::Sdk) => Ok(0),
            (r, _) => r,
        }
    }

    /// [`source_amount`](Self::source_amount) under a [`Convention`].
    ///
    /// # Errors
    /// Only with [`Convention::Contract`].
    pub fn source_amount_with(&self, x: u128, convention: Convention) -> Result<u128, CarbonError> {
        match (self.source_amount(x), convention) {
            (Err(_), Convention::Sdk) => Ok(u128::MAX),
            (r, _) => r,
        }
    }
}

fn ten_pow(scale: u32) -> Result<ruint::aliases::U512, CarbonError> {
    let mut p = ruint::aliases::U512::from(1u8);
    for _ in 0..scale {
        p = p
            .checked_mul(ruint::aliases::U512::from(10u8))
            .ok_or(CarbonError::Overflow { what: "decimal" })?;
    }
    Ok(p)
}

/// `v` as `uint128`, or the cast's `Overflow`.
pub(crate) fn to_u128(v: U256) -> Result<u128, CarbonError> {
    if v.bit_len() > 128 {
        return Err(CarbonError::Overflow {
            what: "uint128 cast",
        });
    }
    Ok(v.to())
}

fn mul(x: U256, y: U256, what: &'static str) -> Result<U256, CarbonError> {
    x.checked_mul(y).ok_or(CarbonError::Overflow { what })
}

fn add(x: U256, y: U256, what: &'static str) -> Result<U256, CarbonError> {
    x.checked_add(y).ok_or(CarbonError::Overflow { what })
}

fn one() -> U256 {
    U256::from(ONE)
}

/// The terms both trade functions start from: `t1 = z·ONE` and `t2 = y·a + z·b`, modulo 2²⁵⁶
/// as the contract computes them (`unchecked`). They cannot wrap in the domain the contract
/// documents (`y, z < 2¹²⁸`, `a, b < 2⁹⁶`); beyond it, they wrap as the contract's do.
fn curve_terms(y: U256, z: U256, a: U256, b: U256) -> (U256, U256) {
    let t1 = z.wrapping_mul(one());
    let t2 = y.wrapping_mul(a).wrapping_add(z.wrapping_mul(b));
    (t1, t2)
}

/// `_calculateTradeTargetAmount(x, y, z, a, b)` on expanded rates, exactly as the contract
/// (carbon-contracts `Strategies.sol`, bit for bit on the whole `uint256` domain, by the
/// differential tests against its bytecode).
///
/// # Errors
/// A checked-arithmetic overflow, a `mulDiv` revert (including a division by zero), or
/// `OrderDisabled` for `a = b = 0`.
pub fn calculate_trade_target_amount(
    x: U256,
    y: U256,
    z: U256,
    a: U256,
    b: U256,
) -> Result<U256, CarbonError> {
    if a.is_zero() {
        if b.is_zero() {
            return Err(CarbonError::OrderDisabled);
        }
        return mul_div_f(x, mul(b, b, "b²")?, one() * one());
    }
    let (t1, t2) = curve_terms(y, z, a, b);
    let t3 = mul(t2, x, "t3 = t2·x")?;
    let f = min_factor(t1, t1).max(min_factor(t3, a));
    let t4 = mul_div_c(t1, t1, f)?;
    let t5 = mul_div_c(t3, a, f)?;
    match t4.checked_add(t5) {
        Some(d) => mul_div_f(t2, t3 / f, d),
        // The contract's fallback when t4 + t5 overflows: t2 / (a + ceil(t1²/t3)).
        None => {
            let d = add(a, mul_div_c(t1, t1, t3)?, "a + t1²/t3")?;
            Ok(t2 / d)
        }
    }
}

/// `_calculateTradeSourceAmount(x, y, z, a, b)` on expanded rates, exactly as the contract.
///
/// # Errors
/// `t2 − x·a` below zero (`InsufficientLiquidity`: the contract's checked subtraction), a
/// checked-arithmetic overflow, a `mulDiv` revert, or `OrderDisabled` for `a = b = 0`.
pub fn calculate_trade_source_amount(
    x: U256,
    y: U256,
    z: U256,
    a: U256,
    b: U256,
) -> Result<U256, CarbonError> {
    if a.is_zero() {
        if b.is_zero() {
            return Err(CarbonError::OrderDisabled);
        }
        return mul_div_c(x, one() * one(), mul(b, b, "b²")?);
    }
    let (t1, t2) = curve_terms(y, z, a, b);
    // The contract reverts on this underflow: the trade asks for more than the curve holds.
    let t3 =
        t2.checked_sub(mul(x, a, "x·a")?)
            .ok_or_else(|| CarbonError::InsufficientLiquidity {
                available: y.saturating_to(),
                needed: x.to_string(),
            })?;
    let f = min_factor(t1, t1).max(min_factor(t2, t3));
    let t4 = mul_div_c(t1, t1, f)?;
    let t5 = mul_div_f(t2, t3, f)?;
    mul_div_c(x, t4, t5)
}

/// `_singleTradeActionSourceAndTargetAmounts(order, amount, byTargetAmount)` on the order's four
/// stored integers as they are, valid or not (what the contracts' `TestStrategies` exposes):
/// the rates expanded by [`expand_rate`](crate::rate::expand_rate), the result cast to
/// `uint128`. Returns the target amount for `amount` of source, or with `by_target` the source
/// amount for `amount` of target. [`EncodedOrder::target_amount`] and
/// [`EncodedOrder::source_amount`] are the same trade on a valid order.
///
/// ```
/// use carbon_orders::single_trade_action;
///
/// // 2 962 962 wei between rates 1 and 2, full: 1000 in gives 1999 out.
/// let (y, z, a, b) = (2_962_962, 2_962_962, 116_590_752_822_204, 422_212_465_065_984);
/// assert_eq!(single_trade_action(y, z, a, b, 1000, false)?, 1999);
/// // No curve at all (A = B = 0): the contract's `OrderDisabled`.
/// assert!(single_trade_action(y, z, 0, 0, 1000, false).is_err());
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
///
/// # Errors
/// As [`calculate_trade_target_amount`] and [`calculate_trade_source_amount`], and
/// `Overflow` for a result beyond `uint128` (the contract's `SafeCast`).
pub fn single_trade_action(
    y: u128,
    z: u128,
    a: u64,
    b: u64,
    amount: u128,
    by_target: bool,
) -> Result<u128, CarbonError> {
    let (y, z) = (U256::from(y), U256::from(z));
    let (a, b) = (
        crate::rate::expand_rate(U256::from(a)),
        crate::rate::expand_rate(U256::from(b)),
    );
    let amount = U256::from(amount);
    to_u128(if by_target {
        calculate_trade_source_amount(amount, y, z, a, b)?
    } else {
        calculate_trade_target_amount(amount, y, z, a, b)?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_arbitrary_trade_vector() {
        // carbon-trade ArbitraryTrade.json, first case: 1000 by source returns 1999.
        let o = EncodedOrder::from_rates("2962962", "1", "2", "2").unwrap();
        assert_eq!(o.y, o.z);
        assert_eq!(o.target_amount(1000).unwrap(), 1999);
    }

    #[test]
    fn flat_order_by_hand() {
        // L = H = 1: a = 0, b = ONE, so target = x·ONE²/ONE² = x and source = x.
        let o = EncodedOrder::from_rates("1000", "1", "1", "1").unwrap();
        assert_eq!(o.a, 0);
        assert_eq!(o.target_amount(500).unwrap(), 500);
        assert_eq!(o.source_amount(500).unwrap(), 500);
    }

    #[test]
    fn conventions() {
        let o = EncodedOrder {
            y: 10,
            z: 0,
            a: 1,
            b: 1,
        };
        assert_eq!(o.target_amount(5), Err(CarbonError::OrderDisabled));
        assert_eq!(o.target_amount_with(5, Convention::Sdk), Ok(0));
        assert_eq!(o.source_amount_with(5, Convention::Sdk), Ok(u128::MAX));
    }
}
