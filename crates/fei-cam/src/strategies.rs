//! proptest strategies for the crate's domain (feature `proptest`): balances a protocol could
//! hold, target weights, rates, and any `f64` at all, for a user's property tests and this
//! crate's.
//!
//! ```
//! use fei_cam::{Fidelity, invariants, rebalance, strategies};
//! use proptest::test_runner::{TestCaseError, TestRunner};
//!
//! let fail = |e: fei_cam::CamError| TestCaseError::fail(e.to_string());
//! TestRunner::default()
//!     .run(&(strategies::portfolio(8), strategies::rate()), |((before, targets), rate)| {
//!         let r = rebalance(&before, &targets, rate, Fidelity::Corrected).expect("a valid portfolio");
//!         invariants::conserves_total(&before, &r).map_err(fail)?;
//!         invariants::no_negative_balances(&r).map_err(fail)
//!     })
//!     .unwrap();
//! ```

use proptest::prelude::*;

use crate::rebalance::total;

/// Any `f64` at all, with the awkward ones often: NaN, infinities, signed zeros, the extremes,
/// a subnormal, and ordinary values.
pub fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
        -1e3..1e3f64,
    ]
}

/// A balance a protocol could hold: zero often, otherwise 10⁻⁶ to 10¹² (log-uniform).
pub fn balance() -> impl Strategy<Value = f64> {
    prop_oneof![1 => Just(0.0), 6 => (-6.0..12.0f64).prop_map(|e| 10f64.powf(e))]
}

/// A rebalance rate: 1 and 0 often, otherwise anything in `[0, 1]`.
pub fn rate() -> impl Strategy<Value = f64> {
    prop_oneof![Just(1.0), Just(0.0), 0.0..=1.0f64]
}

/// 1 to `max_n` balances with a positive total, and as many non-negative target weights with a
/// positive sum.
pub fn portfolio(max_n: usize) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (1..=max_n.max(1)).prop_flat_map(|n| {
        (
            prop::collection::vec(balance(), n),
            prop::collection::vec(prop_oneof![1 => Just(0.0), 4 => 0.0..1.0f64], n),
        )
            .prop_filter("positive totals", |(b, w)| total(b) > 0.0 && total(w) > 0.0)
    })
}
