//! proptest strategies for the crate's domain objects (feature `proptest`), for a user's own
//! property tests and this crate's: the whole domain the functions accept (`any_*`: NaN,
//! infinities, zeros, subnormals, every `Decimal` mantissa and scale), and the domain where the
//! [`invariants`](crate::invariants) are stated (`reserve_*`, [`share`]).
//!
//! ```
//! use cp_amm::{Pool, Token, invariants, strategies};
//! use proptest::prelude::*;
//! use proptest::test_runner::TestRunner;
//!
//! // A user's property: any swap of a share of a pool keeps the product, for every fee.
//! TestRunner::default().run(&(strategies::pool_f64(), strategies::share()), |(pool, share)| {
//!     let mut pool = pool;
//!     let (x, y) = (pool.reserve_x(), pool.reserve_y());
//!     let amount = strategies::part(x, share);
//!     if let Ok(swap) = pool.swap_exact_in(Token::X, amount) {
//!         prop_assert!(invariants::swap_keeps_product(x, y, &swap).is_ok() || pool.fee().is_zero());
//!     }
//!     Ok(())
//! }).unwrap();
//! ```

use proptest::prelude::*;

use crate::{Decimal, Fee, Num, Pool};

/// Every fee the crate accepts: 0 to 999,999 parts per million.
pub fn any_fee() -> impl Strategy<Value = Fee> {
    (0u32..1_000_000).prop_map(|ppm| Fee::ppm(ppm).expect("below 100 %"))
}

/// Fees of 1 bp to 10 %, where a fee outweighs rounding (the invariants' domain).
pub fn fee() -> impl Strategy<Value = Fee> {
    (100u32..=100_000).prop_map(|ppm| Fee::ppm(ppm).expect("below 100 %"))
}

/// No fee or [`fee`].
pub fn fee_or_zero() -> impl Strategy<Value = Fee> {
    prop_oneof![Just(Fee::ZERO), fee()]
}

/// A reserve of 10² to 10⁶ (log-uniform) as an `f64`.
pub fn reserve_f64() -> impl Strategy<Value = f64> {
    (2.0f64..6.0).prop_map(|e| 10f64.powf(e))
}

/// A reserve of 10² to 10⁶ as a `Decimal` with 4 decimals: all 28 significant digits stay in
/// play and `k` stays far from `Decimal`'s 2⁹⁶ limit.
pub fn reserve_decimal() -> impl Strategy<Value = Decimal> {
    (1_000_000i64..=10_000_000_000).prop_map(|m| Decimal::new(m, 4))
}

/// A share of a reserve, 10⁻⁶ to 0.9, as `(numerator, denominator)` so that both number types
/// get it exactly ([`part`]).
pub fn share() -> impl Strategy<Value = (u64, u64)> {
    (1u64..=900_000).prop_map(|n| (n, 1_000_000))
}

/// `share` of `of`.
///
/// # Panics
/// When `of · share` overflows (never for the reserves of this module).
#[must_use]
pub fn part<N: Num>(of: N, (n, d): (u64, u64)) -> N {
    of.try_mul(N::from_ratio(n, d).expect("a ratio of u64"))
        .expect("a share of a reserve")
}

/// A pool of [`reserve_f64`] reserves and any fee.
pub fn pool_f64() -> impl Strategy<Value = Pool<f64>> {
    (reserve_f64(), reserve_f64(), any_fee())
        .prop_map(|(x, y, fee)| Pool::new(x, y, fee).expect("positive reserves"))
}

/// A pool of [`reserve_decimal`] reserves and any fee.
pub fn pool_decimal() -> impl Strategy<Value = Pool<Decimal>> {
    (reserve_decimal(), reserve_decimal(), any_fee())
        .prop_map(|(x, y, fee)| Pool::new(x, y, fee).expect("positive reserves"))
}

/// Any `f64` at all: NaN, infinities, zeros, subnormals, negatives, and ordinary reserves.
pub fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(0.0),
        Just(-0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        reserve_f64(),
    ]
}

/// Any `Decimal`: the full 96-bit mantissa, either sign, every scale, and ordinary reserves.
pub fn any_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
            0u32..=28
        )
            .prop_map(|(lo, mid, hi, neg, scale)| Decimal::from_parts(lo, mid, hi, neg, scale)),
        Just(Decimal::ZERO),
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        reserve_decimal(),
    ]
}
