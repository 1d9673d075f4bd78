//! The gist's `Market` on one market worked out by hand: Python's `decimal` with precision 18
//! and `ROUND_CEILING` for decimal.js's steps, `ln` to 60 digits rounded up to 18, and JS
//! Numbers as f64. (The 302 reference vectors run in `cargo xtask conformance`.)

#![expect(
    clippy::float_cmp,
    reason = "reference values, digit for digit as printed"
)]

use notional::gist::{BigInt, CashGroup, ITERATION_CAP, Market, MarketData, RateParams};

const E18: u64 = 1_000_000_000_000_000_000;
const MATURITY: f64 = 1_700_000_000.0;
/// Ten days before maturity in a 30-day cash group.
const NOW: f64 = MATURITY - 864_000.0;

fn market(rate_anchor: f64) -> Market {
    let e18 = BigInt::from(E18);
    Market::new(
        MarketData {
            total_current_cash: BigInt::from(1_000_000) * &e18,
            total_fcash: BigInt::from(1_200_000) * &e18,
            total_liquidity: BigInt::from(1_000_000) * &e18,
            rate_anchor,
            rate_scalar: 100.0,
            last_implied_rate: 10_000_000.0,
        },
        RateParams {
            rate_precision: 1e9,
            liquidity_fee: 0.0,
            balance_precision: e18.clone(),
            liquidity_haircut: BigInt::from(800) * BigInt::from(1_000_000_000_000_000u64),
            global_rate_anchor: 1_100_000_000.0,
            global_rate_scalar: 100.0,
            max_trade_size: BigInt::from(1_000_000) * &e18,
        },
        CashGroup {
            maturity_length: 2_592_000.0,
        },
        MATURITY,
    )
}

#[test]
fn the_market_rate_by_hand() {
    // p = 1.2M/2.2M = 0.545454545454545455 (rounded up), ratio = p/(1 − p) = 1.20000000000000001
    // (not 1.2: every step rounds up), ln = 0.182321556793954635, ⌈ln·1e9⌉ = 182321557,
    // scalar = trunc(100·2592000/864000) = 300, trunc(182321557/300) = 607738.
    // With the stored anchor 1010000000 the rate is 1010607738, an implied period rate of
    // trunc(10607738·2592000/864000) = 31823214; against the last 10000000 the anchor rolls
    // down by trunc(21823214·864000/2592000) = 7274404 to 1002725596.
    let m = market(1_010_000_000.0);
    assert_eq!(m.market_exchange_rate(NOW).unwrap(), 1_003_333_334.0);
    // 1003333334 − 1e9 over 10 of 30 days.
    assert_eq!(m.market_implied_rate(NOW).unwrap(), 10_000_002.0);
}

#[test]
fn a_borrow_and_its_inverse() {
    let m = market(1_010_000_000.0);
    let thousand = BigInt::from(1000) * BigInt::from(E18);
    // Selling 1000 fCash: p = 1.201M/2.201M, the rate 1003339446, cash ⌊1000e27/1003339446⌋.
    let cash = m.fcash_to_current_cash_input(&thousand, NOW).unwrap();
    assert_eq!(cash.to_string(), "996671668782371385007");
    // iterateRates finds fCash whose quote is exactly that cash, in a few iterations.
    let q = m.fcash_to_current_cash_output(&cash, NOW).unwrap();
    assert_eq!(m.fcash_to_current_cash_input(&q.amount, NOW).unwrap(), cash);
    assert!(q.iterations > 0 && q.iterations < 20, "{q:?}");
    // Lending is the other side of the curve: 1000 fCash cost less than 1000 cash.
    let paid = m.current_cash_to_fcash_output(&thousand, NOW).unwrap();
    assert!(paid < thousand && paid > cash);
}

#[test]
fn the_uninitialised_anchor_defect_is_kept() {
    // With rateAnchor = 0 the gist first computes the implied rate at anchor 0: the rate is
    // 607738, the implied rate trunc((607738 − 1e9)·3) = −2998176786, and the rate difference
    // trunc((−2998176786 − 10000000)/3) = −1002725595. The global anchor for ten days,
    // (1.1e9 − 1e9)·864000/31536000 + 1e9 = 1002739726, minus that difference is 2005465321:
    // the market quotes an exchange rate near 2, not near 1.0027.
    let m = market(0.0);
    assert_eq!(m.market_exchange_rate(NOW).unwrap(), 2_006_073_059.0);
}

#[test]
fn errors_and_the_iteration_cap() {
    let m = market(1_010_000_000.0);
    // After maturity.
    assert_eq!(
        m.market_implied_rate(MATURITY + 1.0).unwrap_err().kind(),
        "MaturedMarket"
    );
    // Selling 890k fCash: p = 2.09M/2.2M = 0.95 and the ratio 19 passes MAX64 (9.22…).
    let big = BigInt::from(890_000) * BigInt::from(E18);
    assert_eq!(
        m.fcash_to_current_cash_input(&big, NOW).unwrap_err().kind(),
        "RatioOverflow"
    );
    // Selling 100M: p is above 1.
    let huge = BigInt::from(100_000_000) * BigInt::from(E18);
    assert_eq!(
        m.fcash_to_current_cash_input(&huge, NOW)
            .unwrap_err()
            .kind(),
        "ProportionOutOfBounds"
    );
    // Buying more fCash than the pool has: a negative proportion.
    let more = BigInt::from(1_300_000) * BigInt::from(E18);
    assert_eq!(
        m.current_cash_to_fcash_output(&more, NOW)
            .unwrap_err()
            .kind(),
        "ProportionOutOfBounds"
    );
    // A market whose rate is below 1 cannot lend (a last implied rate of 0 stops the anchor
    // from rolling back up).
    let mut low = market(900_000_000.0);
    low.market.last_implied_rate = 0.0;
    let one = BigInt::from(E18);
    assert_eq!(
        low.current_cash_to_fcash_output(&one, NOW)
            .unwrap_err()
            .kind(),
        "NegativeInterestRate"
    );
    // Borrowing where the market rate is below 1: each fCash unit buys more than one unit of
    // cash, so some cash amounts are never hit exactly; there the gist's loop steps +1, −1, +1 …
    // for ever (a diff of ±1 times a rate below 1 truncates to 0, which it forces to +1).
    let capped = (0u32..64)
        .map(|k| low.iterate_rates(&(&one + k), NOW, true))
        .find(|r| r.result.is_err())
        .expect("a skipped cash amount within 64 wei");
    assert_eq!(capped.result.unwrap_err().kind(), "NoConvergence");
    assert_eq!(capped.iterations, ITERATION_CAP);
    // No liquidity: BigNumber division by zero.
    let mut empty = market(1_010_000_000.0);
    empty.market.total_liquidity = BigInt::from(0);
    empty.market.total_current_cash = BigInt::from(0);
    assert_eq!(empty.tokens_minted(&one).unwrap(), one);
    assert_eq!(
        empty
            .liquidity_token_claims(&one, true, NOW)
            .unwrap_err()
            .kind(),
        "DivisionByZero"
    );
    assert_eq!(m.pool_share(&one, false).unwrap(), "0.000%");
    assert_eq!(
        m.pool_share(&(BigInt::from(250_000) * BigInt::from(E18)), true)
            .unwrap(),
        "20.000%"
    );
}

#[test]
fn json_is_the_gists() {
    let m = market(1_010_000_000.0);
    let json = serde_json::to_string(&m.to_json()).unwrap();
    assert_eq!(
        json,
        r#"{"totalCurrentCash":"1000000000000000000000000","totalfCash":"1200000000000000000000000","totalLiquidity":"1000000000000000000000000","maturity":1700000000.0}"#
    );
    // The whole market round-trips through the SDK's JSON shape.
    let back: Market = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(back, m);
}
