//! proptest strategies for the crate's domain objects (feature `proptest`): encoded orders,
//! strategies of two orders, trade amounts and fees, for a user's property tests and this
//! crate's. [`any_order`] is any four integers, valid or not; [`order`] a valid order
//! (`y ≤ z`, rates that decode).
//!
//! ```
//! use carbon_orders::{invariants, strategies};
//! use proptest::test_runner::{TestCaseError, TestRunner};
//!
//! TestRunner::default()
//!     .run(&(strategies::order(), strategies::amount()), |(order, x)| {
//!         if let Ok(out) = order.target_amount(x) {
//!             invariants::target_rounds_down(&order, x, out)
//!                 .map_err(|e| TestCaseError::fail(e.to_string()))?;
//!         }
//!         Ok(())
//!     })
//!     .unwrap();
//! ```

use proptest::prelude::*;

use crate::{EncodedOrder, FeePpm, Strategy as CarbonStrategy, U256, rate::encode_float};

/// A valid order: capacity `z` below 2¹⁰⁰, liquidity `y ≤ z`, expanded rates below 2⁶⁰
/// (`a` may be zero: a single-rate order).
pub fn order() -> impl Strategy<Value = EncodedOrder> {
    (
        1u128..1 << 100,
        0u128..1 << 100,
        0u64..1 << 60,
        1u64..1 << 60,
    )
        .prop_map(|(z, y, a, b)| EncodedOrder {
            y: y % (z + 1),
            z,
            a: encode_float(U256::from(a)).expect("below 2^60"),
            b: encode_float(U256::from(b)).expect("below 2^60"),
        })
}

/// Any four integers as an order, valid or not: for "no panic, a typed error" tests.
pub fn any_order() -> impl Strategy<Value = EncodedOrder> {
    (any::<u128>(), any::<u128>(), any::<u64>(), any::<u64>())
        .prop_map(|(y, z, a, b)| EncodedOrder { y, z, a, b })
}

/// A strategy of two valid orders.
pub fn strategy() -> impl Strategy<Value = CarbonStrategy> {
    (order(), order()).prop_map(|(o0, o1)| CarbonStrategy { orders: [o0, o1] })
}

/// A trade amount: small ones often, otherwise up to 2¹⁰⁰, and `u128::MAX`.
pub fn amount() -> impl Strategy<Value = u128> {
    prop_oneof![0u128..16, 0u128..1 << 100, Just(u128::MAX)]
}

/// Any fee the contracts accept, 0 to 100 % in parts per million.
pub fn fee() -> impl Strategy<Value = FeePpm> {
    (0u32..=1_000_000).prop_map(|ppm| FeePpm::new(ppm).expect("at most 100 %"))
}
