//! Property tests: the pool's invariants for `f64` and `Decimal`, and arbitrary input to every
//! public function (no panic, and a failed call leaves the pool unchanged).
//!
//! The strategies and the checks are the crate's own (`cp_amm::strategies`, feature `proptest`,
//! and `cp_amm::invariants`): one statement of each guarantee, which users' tests call too.
//! Domains: reserves between 100 and 10^6 with prices between 10^-4 and 10^4, where `Decimal`
//! keeps all 28 significant digits (rust_decimal stops at 28 decimal places) and `k` stays far
//! from its 2^96 limit. Invariants that rely on a fee outweighing rounding use trades of at least
//! 10^-6 of a reserve.

use cp_amm::strategies::{
    any_decimal, any_f64, any_fee, fee, fee_or_zero, part, reserve_decimal, reserve_f64, share,
};
use cp_amm::{CpAmmError, Decimal, DecimalContext, Fee, Num, Pool, Token, invariants, math};
use proptest::prelude::*;
use std::str::FromStr;

/// Relative tolerances for "equal up to rounding" per number type.
trait Tol: Num {
    /// Price after the arbitrage trade vs target (issue: 1e-12 for f64, 1e-20 for Decimal).
    const PRICE: f64;
    /// Exact-out then exact-in, as a share of the output reserve.
    const ROUND_TRIP: f64;
}
impl Tol for f64 {
    const PRICE: f64 = 1e-12;
    const ROUND_TRIP: f64 = 1e-12;
}
impl Tol for Decimal {
    const PRICE: f64 = 1e-20;
    const ROUND_TRIP: f64 = 1e-24;
}

/// `|a / b − 1|`, computed in the number type (so Decimal keeps its digits), then as f64.
fn rel_gap<N: Num>(a: N, b: N) -> f64 {
    let d = a.try_div(b).and_then(|q| q.try_sub(N::ONE)).expect("ratio");
    d.to_f64().abs()
}

/// A failed invariant as a test failure.
fn check(r: Result<(), CpAmmError>) -> Result<(), TestCaseError> {
    r.map_err(|e| TestCaseError::fail(e.to_string()))
}

// ---- the invariants, once for any number type ----

fn k_never_decreases<N: Num>(x: N, y: N, s: (u64, u64), fee: Fee) -> Result<(), TestCaseError> {
    k_holds(x, y, part(x, s), part(y, s), fee)
}

/// With a fee, a swap's new reserves hold at least `k`, compared exactly (not rounded).
fn k_holds<N: Num>(x: N, y: N, a: N, b: N, fee: Fee) -> Result<(), TestCaseError> {
    if let Ok(sw) = math::swap_exact_in(a, x, y, fee) {
        check(invariants::swap_keeps_product(x, y, &sw))?;
    }
    if let Ok(sw) = math::swap_exact_out(b, x, y, fee) {
        check(invariants::swap_keeps_product(x, y, &sw))?;
    }
    Ok(())
}

fn round_trip_never_gains<N: Num>(
    x: N,
    y: N,
    s: (u64, u64),
    fee: Fee,
) -> Result<(), TestCaseError> {
    let mut pool = Pool::new(x, y, fee).unwrap();
    let a = part(x, s);
    let out = pool.swap_exact_in(Token::X, a).unwrap().amount_out;
    if let Ok(back) = pool.swap_exact_in(Token::Y, out) {
        check(invariants::round_trip_never_gains(a, back.amount_out))?;
    }
    Ok(())
}

fn output_below_reserve_and_monotone<N: Num>(
    x: N,
    y: N,
    s: (u64, u64),
    fee: Fee,
) -> Result<(), TestCaseError> {
    let a1 = part(x, s);
    // Ten times the input, and then some, up to far beyond the reserve.
    let a2 = a1.try_mul(N::from_ratio(10, 1).unwrap()).unwrap();
    let s1 = math::swap_exact_in(a1, x, y, fee).unwrap();
    let s2 = math::swap_exact_in(a2, x, y, fee).unwrap();
    check(invariants::output_below_reserve(y, &s1))?;
    check(invariants::output_below_reserve(y, &s2))?;
    let (o1, o2) = (s1.amount_out, s2.amount_out);
    prop_assert!(o2 > o1, "out({a1}) = {o1}, out({a2}) = {o2}");
    // A hair more input never gives less (rounding is monotone; the fee guard moves by ulps).
    let a3 = a1.try_add(a1.ulp().unwrap()).unwrap();
    let o3 = math::swap_exact_in(a3, x, y, Fee::ZERO).unwrap().amount_out;
    let o1z = math::swap_exact_in(a1, x, y, Fee::ZERO).unwrap().amount_out;
    prop_assert!(o3 >= o1z);
    Ok(())
}

fn exact_out_then_exact_in_agree<N: Tol>(
    x: N,
    y: N,
    s: (u64, u64),
    fee: Fee,
) -> Result<(), TestCaseError> {
    let b = part(y, s);
    let need = math::swap_exact_out(b, x, y, fee).unwrap();
    let got = math::swap_exact_in(need.amount_in, x, y, fee).unwrap();
    let gap = got.amount_out.try_sub(b).unwrap().to_f64().abs() / y.to_f64();
    prop_assert!(
        gap <= N::ROUND_TRIP,
        "wanted {b}, got {} (gap {gap:e})",
        got.amount_out
    );
    Ok(())
}

fn arb_lands_on_target<N: Tol>(
    x: N,
    y: N,
    factor: (u64, u64),
    fee: Fee,
) -> Result<(), TestCaseError> {
    let mut pool = Pool::new(x, y, fee).unwrap();
    let target = pool
        .price()
        .unwrap()
        .try_mul(N::from_ratio(factor.0, factor.1).unwrap())
        .unwrap();
    if pool.arb_to_price(target).unwrap().is_some() {
        let gap = rel_gap(pool.price().unwrap(), target);
        prop_assert!(
            gap <= N::PRICE,
            "price {} vs target {target}: {gap:e}",
            pool.price().unwrap()
        );
    }
    Ok(())
}

fn liquidity_round_trip<N: Num>(
    x: N,
    y: N,
    sx: (u64, u64),
    sy: (u64, u64),
) -> Result<(), TestCaseError> {
    let mut pool = Pool::new(x, y, Fee::ZERO).unwrap();
    let (dx, dy) = (part(x, sx), part(y, sy));
    let dep = pool.add_liquidity(dx, dy).unwrap();
    let w = pool.remove_liquidity(dep.shares).unwrap();
    check(invariants::liquidity_never_gains((dx, dy), &dep, &w))
}

proptest! {
    #[test]
    fn f64_k_never_decreases_with_a_fee(x in reserve_f64(), y in reserve_f64(), s in share(), fee in fee()) {
        k_never_decreases(x, y, s, fee)?;
    }
    #[test]
    fn dec_k_never_decreases_with_a_fee(x in reserve_decimal(), y in reserve_decimal(), s in share(), fee in fee()) {
        k_never_decreases(x, y, s, fee)?;
    }
    #[test]
    fn f64_round_trip_never_gains(x in reserve_f64(), y in reserve_f64(), s in share(), fee in fee()) {
        round_trip_never_gains(x, y, s, fee)?;
    }
    #[test]
    fn dec_round_trip_never_gains(x in reserve_decimal(), y in reserve_decimal(), s in share(), fee in fee()) {
        round_trip_never_gains(x, y, s, fee)?;
    }
    #[test]
    fn f64_output_below_reserve_and_monotone(x in reserve_f64(), y in reserve_f64(), s in share(), fee in fee_or_zero()) {
        output_below_reserve_and_monotone(x, y, s, fee)?;
    }
    #[test]
    fn dec_output_below_reserve_and_monotone(x in reserve_decimal(), y in reserve_decimal(), s in share(), fee in fee_or_zero()) {
        output_below_reserve_and_monotone(x, y, s, fee)?;
    }
    #[test]
    fn f64_exact_out_then_exact_in_agree(x in reserve_f64(), y in reserve_f64(), s in share(), fee in fee_or_zero()) {
        exact_out_then_exact_in_agree(x, y, s, fee)?;
    }
    #[test]
    fn dec_exact_out_then_exact_in_agree(x in reserve_decimal(), y in reserve_decimal(), s in share(), fee in fee_or_zero()) {
        exact_out_then_exact_in_agree(x, y, s, fee)?;
    }
    #[test]
    fn f64_arb_lands_on_target(x in reserve_f64(), y in reserve_f64(), f in (1u64..=100, 1u64..=10), fee in fee_or_zero()) {
        arb_lands_on_target(x, y, f, fee)?;
    }
    #[test]
    fn dec_arb_lands_on_target(x in reserve_decimal(), y in reserve_decimal(), f in (1u64..=100, 1u64..=10), fee in fee_or_zero()) {
        arb_lands_on_target(x, y, f, fee)?;
    }
    #[test]
    fn f64_liquidity_round_trip(x in reserve_f64(), y in reserve_f64(), sx in share(), sy in share()) {
        liquidity_round_trip(x, y, sx, sy)?;
    }
    #[test]
    fn dec_liquidity_round_trip(x in reserve_decimal(), y in reserve_decimal(), sx in share(), sy in share()) {
        liquidity_round_trip(x, y, sx, sy)?;
    }
}

// ---- arbitrary input: no panics, and errors leave the pool unchanged ----

fn every_function<N: Num>(a: N, b: N, c: N, d: N, e: N, fee: Fee) {
    let _ = math::spot_price(a, b);
    let _ = math::swap_exact_in(a, b, c, fee);
    let _ = math::swap_exact_out(a, b, c, fee);
    let _ = math::arb_trade(a, b, c, fee);
    let _ = math::initial_shares(a, b);
    let _ = math::deposit(a, b, c, d, e);
    let _ = math::withdrawal(a, b, c, d);
    let _ = a.try_add(b);
    let _ = a.try_sub(b);
    let _ = a.try_mul(b);
    let _ = a.try_div(b);
    let _ = a.try_sqrt();
    let _ = a.ulp();
}

/// One pool operation, as a closure over its arguments.
type PoolOp<'a, N> = &'a dyn Fn(&mut Pool<N>) -> Result<(), CpAmmError>;

fn pool_calls<N: Num>(pool: &mut Pool<N>, a: N, b: N) -> Result<(), TestCaseError> {
    let ops: [PoolOp<'_, N>; 7] = [
        &|p| p.swap_exact_in(Token::X, a).map(drop),
        &|p| p.swap_exact_in(Token::Y, a).map(drop),
        &|p| p.swap_exact_out(Token::X, a).map(drop),
        &|p| p.swap_exact_out(Token::Y, a).map(drop),
        &|p| p.arb_to_price(a).map(drop),
        &|p| p.add_liquidity(a, b).map(drop),
        &|p| p.remove_liquidity(a).map(drop),
    ];
    for op in ops {
        let before = *pool;
        if op(pool).is_err() {
            prop_assert_eq!(*pool, before);
        }
        // Reserves and shares are both zero or both positive: never reserves without shares.
        let empty = pool.reserve_x() <= N::ZERO && pool.reserve_y() <= N::ZERO;
        prop_assert_eq!(pool.lp_supply() <= N::ZERO, empty, "{:?}", pool);
    }
    let _ = (pool.k(), pool.price(), pool.arb_trade(b));
    Ok(())
}

proptest! {
    #[test]
    fn f64_any_input_no_panic(a in any_f64(), b in any_f64(), c in any_f64(), d in any_f64(), e in any_f64(), fee in any_fee()) {
        every_function(a, b, c, d, e, fee);
        if let Ok(mut pool) = Pool::new(b, c, fee) {
            pool_calls(&mut pool, a, d)?;
        }
        pool_calls(&mut Pool::<f64>::empty(fee), a, d)?;
    }

    #[test]
    fn dec_any_input_no_panic(a in any_decimal(), b in any_decimal(), c in any_decimal(), d in any_decimal(), e in any_decimal(), fee in any_fee()) {
        every_function(a, b, c, d, e, fee);
        if let Ok(mut pool) = Pool::new(b, c, fee) {
            pool_calls(&mut pool, a, d)?;
        }
        pool_calls(&mut Pool::<Decimal>::empty(fee), a, d)?;
    }

    #[test]
    fn fee_constructors_take_any_u32(n in any::<u32>()) {
        prop_assert_eq!(Fee::ppm(n).is_ok(), n < 1_000_000);
        prop_assert_eq!(Fee::bps(n).is_ok(), u64::from(n) * 100 < 1_000_000);
    }

    /// The context agrees with rust_decimal's own operators to within a unit of the 28th digit
    /// (rust_decimal rounds its own way, to 28 places), and every context op takes any input.
    #[test]
    fn context_close_to_rust_decimal(a in any_decimal(), b in any_decimal(), prec in 0u32..40) {
        let ctx = DecimalContext::PYTHON_DEFAULT;
        for (ours, theirs) in [
            (ctx.add(a, b), a.checked_add(b)),
            (ctx.sub(a, b), a.checked_sub(b)),
            (ctx.mul(a, b), a.checked_mul(b)),
            (ctx.div(a, b), a.checked_div(b)),
        ] {
            if let (Ok(o), Some(t)) = (ours, theirs) {
                let unit = ctx.ulp(t).unwrap().max(ctx.ulp(o).unwrap());
                prop_assert!((o - t).abs() <= unit, "{a} ∘ {b}: ours {o}, rust_decimal {t}");
            }
        }
        if let Some((r, back)) = ctx.sqrt(a).ok().and_then(|r| Some((r, r.checked_mul(r)?))) {
            // r² ≈ a within the rounding of r.
            prop_assert!((back - a).abs() <= ctx.ulp(r).unwrap() * (r + r + Decimal::ONE));
        }
        if let Ok(c) = DecimalContext::new(prec) {
            let _ = c.round(a);
            prop_assert_eq!(c.precision(), prec);
        }
    }
}

proptest! {
    #[test]
    fn f64_k_never_decreases_anywhere(x in any_f64(), y in any_f64(), a in any_f64(), b in any_f64(), fee in any_fee()) {
        if !fee.is_zero() {
            k_holds(x, y, a, b, fee)?;
        }
    }
    #[test]
    fn dec_k_never_decreases_anywhere(x in any_decimal(), y in any_decimal(), a in any_decimal(), b in any_decimal(), fee in any_fee()) {
        if !fee.is_zero() {
            k_holds(x, y, a, b, fee)?;
        }
    }
    #[test]
    fn a_first_deposit_never_takes_reserves(x in any_decimal(), y in any_decimal(), dx in any_decimal(), dy in any_decimal()) {
        // Whatever pool exists, depositing and withdrawing at once never pays out more.
        if let Ok(mut pool) = Pool::new(x, y, Fee::ZERO) {
            prop_assert!(pool.lp_supply() > Decimal::ZERO);
            if let Ok(dep) = pool.add_liquidity(dx, dy) {
                let w = pool.remove_liquidity(dep.shares).unwrap();
                prop_assert!(w.amount_x <= dep.amount_x && w.amount_y <= dep.amount_y, "{dep:?} {w:?}");
            }
        }
    }
}

#[test]
fn k_holds_exactly_on_the_found_counterexample() {
    // Pool (9.6947029, 7922816251426433759354395033), fee 1 ppm, 1 Y in: the 28-digit product
    // hid an exact k about 6 lower after the swap.
    let x = Decimal::from_str("9.6947029").unwrap();
    let y = Decimal::from_str("7922816251426433759354395033").unwrap();
    let fee = Fee::ppm(1).unwrap();
    let sw = math::swap_exact_in(Decimal::ONE, y, x, fee).unwrap();
    assert!(
        Decimal::cmp_products(sw.reserve_in, sw.reserve_out, y, x)
            .unwrap()
            .is_ge()
    );
    let mut pool = Pool::new(x, y, fee).unwrap();
    let before = (pool.reserve_x(), pool.reserve_y());
    pool.swap_exact_in(Token::Y, Decimal::ONE).unwrap();
    assert!(
        Decimal::cmp_products(pool.reserve_x(), pool.reserve_y(), before.0, before.1)
            .unwrap()
            .is_ge()
    );
}

#[test]
fn a_pool_without_shares_is_refused() {
    // 1e-28 × 0.1 rounds to 0 in 28 places: no shares, so no pool (it could be drained by the
    // next depositor: 2^64 X and 1e-28 Y in, 0.1 Y out).
    let tiny = Decimal::from_str("1e-28").unwrap();
    let tenth = Decimal::from_str("0.1").unwrap();
    assert_eq!(
        Pool::new(tiny, tenth, Fee::ZERO),
        Err(CpAmmError::RoundsToZero {
            what: "initial shares"
        })
    );
    let mut pool = Pool::empty(Fee::ZERO);
    assert_eq!(
        pool.add_liquidity(tiny, tenth),
        Err(CpAmmError::RoundsToZero {
            what: "initial shares"
        })
    );
    assert_eq!(pool, Pool::empty(Fee::ZERO));
}

#[test]
fn products_are_compared_exactly() {
    use std::cmp::Ordering;
    // (1 + 2^-52)(1 - 2^-53) = 1 + 2^-53 - 2^-105 rounds to 1.0 in f64, but is above 1.
    let (a, b) = (1.0 + f64::EPSILON, 1.0 - f64::EPSILON / 2.0);
    assert_eq!((a * b).to_bits(), 1f64.to_bits());
    assert_eq!(f64::cmp_products(a, b, 1.0, 1.0), Some(Ordering::Greater));
    assert_eq!(
        f64::cmp_products(3.0, 7.0, 21.0, 1.0),
        Some(Ordering::Equal)
    );
    assert_eq!(f64::cmp_products(-3.0, 7.0, 0.0, 1.0), Some(Ordering::Less));
    assert_eq!(f64::cmp_products(f64::NAN, 1.0, 1.0, 1.0), None);
    assert_eq!(
        f64::cmp_products(f64::MAX, f64::MAX, 5e-324, 5e-324),
        Some(Ordering::Greater)
    );
    let d = |s: &str| Decimal::from_str(s).unwrap();
    // 1e-28 · 1e-28 is 0 at 28 places, and still above 0.
    assert_eq!(
        Decimal::cmp_products(d("1e-28"), d("1e-28"), Decimal::ZERO, Decimal::ONE),
        Some(Ordering::Greater)
    );
    assert_eq!(
        Decimal::cmp_products(d("0.5"), d("0.4"), d("2"), d("0.1")),
        Some(Ordering::Equal)
    );
    assert_eq!(
        Decimal::cmp_products(Decimal::MAX, Decimal::MAX, Decimal::MIN, Decimal::MAX),
        Some(Ordering::Greater)
    );
}
