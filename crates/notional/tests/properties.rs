//! Property tests for the three markets: borrowing raises the implied rate and lending lowers it,
//! liquidity is pro rata, a lend-then-borrow round trip never profits, and every public function
//! returns `Ok` or a typed error on arbitrary input (no panic, no endless loop).
//!
//! Realistic domains: pools of 10^3..10^9 units (18 decimals for the gist and v1, 8 for v2), a
//! proportion of fCash between 0.3 and 0.7, trades up to 1 % of the pool, 1..90 days to maturity.

use notional::gist::{BigInt, CashGroup, Market, MarketData, RateParams, convert};
use notional::strategies::{
    days, pool, trade_share, v1_governance, v1_market, v2_cash_group, v2_market,
};
use notional::v1::{self, CashMarket, Governance};
use notional::{NotionalError, invariants, v2};
use proptest::prelude::*;

/// A failed invariant as a test failure.
fn check(r: Result<(), NotionalError>) -> Result<(), TestCaseError> {
    r.map_err(|e| TestCaseError::fail(e.to_string()))
}

const E18: u128 = 1_000_000_000_000_000_000;
const MATURITY: u32 = 1_700_000_000;

fn gov(fee: u32, tx_fee: u128) -> Governance {
    Governance {
        maturity_length: 2_592_000,
        max_trade_size: u128::MAX,
        rate_anchor: 1_100_000_000,
        rate_scalar: 100,
        liquidity_fee: fee,
        transaction_fee: tx_fee,
    }
}

fn gist_market((c, f): (u64, u64), fee: f64) -> Market {
    let e18 = BigInt::from(E18);
    Market::new(
        MarketData {
            total_current_cash: BigInt::from(c) * &e18,
            total_fcash: BigInt::from(f) * &e18,
            total_liquidity: BigInt::from(c) * &e18,
            rate_anchor: 1_030_000_000.0,
            rate_scalar: 100.0,
            last_implied_rate: 0.0,
        },
        RateParams {
            rate_precision: 1e9,
            liquidity_fee: fee,
            balance_precision: e18.clone(),
            liquidity_haircut: BigInt::from(E18 * 8 / 10),
            global_rate_anchor: 1_100_000_000.0,
            global_rate_scalar: 100.0,
            max_trade_size: e18,
        },
        CashGroup {
            maturity_length: 2_592_000.0,
        },
        f64::from(MATURITY),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn v1_borrowing_raises_the_implied_rate_and_lending_lowers_it(
        m in v1_market(), share in 1u64..=10_000, days in 1u32..=29,
    ) {
        let (g, mut m, t) = (gov(0, 0), m, days * 86_400);
        // The implied rate at the trade's time, after the anchor has rolled down to it.
        let Ok(anchor) = m.new_rate_anchor(&g, t) else { return Ok(()) };
        m.rate_anchor = anchor;
        let Ok(before) = m.implied_rate(&g, t) else { return Ok(()) };
        m.last_implied_rate = before;
        let f = i128::try_from(m.total_fcash / 1_000_000 * u128::from(share)).unwrap().max(1);
        if let Ok((after, _)) = m.trade_calculation(&g, f, t) {
            check(invariants::rate_moves_the_right_way(before, after.last_implied_rate, false))?;
        }
        if let Ok((after, _)) = m.trade_calculation(&g, -f, t) {
            check(invariants::rate_moves_the_right_way(before, after.last_implied_rate, true))?;
        }
    }

    #[test]
    fn v1_lend_then_borrow_never_profits(
        m in v1_market(), share in trade_share(), days in days(29), g in v1_governance(),
    ) {
        let t = days * 86_400;
        let mut m = m;
        let f = m.total_fcash / 1_000_000 * u128::from(share);
        let now = MATURITY - t;
        let Ok(lend) = m.take_fcash(&g, MATURITY, f, now, 0) else { return Ok(()) };
        let Ok(borrow) = m.take_current_cash(&g, MATURITY, f, now, u32::MAX) else { return Ok(()) };
        // Paid cash + fee for f fCash, got back cash − fee for the same f.
        prop_assert!(borrow.cash - borrow.fee <= lend.cash + lend.fee, "{lend:?} then {borrow:?}");
    }

    #[test]
    fn v1_liquidity_is_pro_rata(m in v1_market(), share in 1u64..=1_000_000) {
        let g = gov(0, 0);
        let mut m = m;
        let before = m;
        let cash = m.total_current_cash / 1_000_000 * u128::from(share);
        let now = MATURITY - 864_000;
        let added = m.add_liquidity(&g, MATURITY, v1::AddLiquidity::at_any_rate(cash, u128::MAX), now).unwrap();
        // tokens / L = cash / C = fCash / F, each rounded down (in 256 bits, as the contract).
        let pro_rata = |total: u128| BigInt::from(total) * BigInt::from(cash) / BigInt::from(before.total_current_cash);
        prop_assert_eq!(BigInt::from(added.tokens), pro_rata(before.total_liquidity));
        prop_assert_eq!(BigInt::from(added.fcash), pro_rata(before.total_fcash));
        let removed = m.remove_liquidity(MATURITY, added.tokens, now).unwrap();
        prop_assert!(removed.cash <= cash && removed.cash + 1 >= cash);
        prop_assert!(removed.fcash <= added.fcash && removed.fcash + 1 >= added.fcash);
    }

    #[test]
    fn gist_borrowing_costs_more_than_the_market_rate_and_lending_earns_less(
        p in pool(), share in 1u64..=10_000, days in 1u32..=29,
    ) {
        let m = gist_market(p, 0.0);
        let now = f64::from(MATURITY - days * 86_400);
        let Ok(mid) = m.market_exchange_rate(now) else { return Ok(()) };
        let f = BigInt::from(p.1) * BigInt::from(E18) / 1_000_000 * share;
        // Selling fCash (borrowing) trades at a rate at least the mid; buying it (lending) at most.
        if let Ok(cash) = m.fcash_to_current_cash_input(&f, now) {
            let rate = convert::exchange_rate(&f, &cash, 1e9);
            prop_assert!(rate.is_err() || rate.unwrap() >= mid - 1.0);
        }
        if let Ok(cash) = m.current_cash_to_fcash_output(&f, now) {
            let rate = convert::exchange_rate(&f, &cash, 1e9);
            prop_assert!(rate.is_err() || rate.unwrap() <= mid + 1.0);
        }
    }

    #[test]
    fn gist_lend_then_borrow_never_profits(
        p in pool(), share in 1u64..=10_000, days in 1u32..=29, fee in 0u32..=2_000_000,
    ) {
        let m = gist_market(p, f64::from(fee));
        let now = f64::from(MATURITY - days * 86_400);
        let f = BigInt::from(p.1) * BigInt::from(E18) / 1_000_000 * share;
        let (Ok(paid), Ok(got)) = (m.current_cash_to_fcash_output(&f, now), m.fcash_to_current_cash_input(&f, now)) else {
            return Ok(());
        };
        prop_assert!(got <= paid, "paid {paid} for {f} fCash, sold it for {got}");
    }

    #[test]
    fn gist_liquidity_is_pro_rata(p in pool(), share in 1u64..=1_000_000) {
        let m = gist_market(p, 0.0);
        let cash = BigInt::from(p.0) * BigInt::from(E18) / 1_000_000 * share;
        let tokens = m.tokens_minted(&cash).unwrap();
        let fcash = m.fcash_for_liquidity(&cash).unwrap();
        // The pool's cash and liquidity are equal here, so tokens = cash.
        prop_assert_eq!(&tokens, &cash);
        let claims = m.liquidity_token_claims(&tokens, false, 0.0).unwrap();
        prop_assert_eq!(claims.cash_claim, cash);
        prop_assert!(claims.fcash_claim <= fcash.clone() + 1u32 && fcash <= claims.fcash_claim + 1u32);
    }

    #[test]
    fn v2_borrowing_raises_the_rate_lending_lowers_it_and_round_trips_lose(
        m in v2_market(), share in trade_share(), days in days(90), cg in v2_cash_group(),
    ) {
        let t = days * 86_400;
        let f = m.total_fcash / 1_000_000 * i128::from(share);
        // The rate the curve gives at the trade's time, before the trade: the stored
        // `last_implied_rate` differs from it by the anchor's rounding (680 units for a 1-day
        // market), more than a trade of a millionth of the pool moves it.
        let Ok(before) = m.curve(&cg, t).and_then(|c| v2::implied_rate(&c, t)) else { return Ok(()) };
        let mut lend = m;
        let Ok(l) = lend.calculate_trade(&cg, f, t, 0) else { return Ok(()) };
        check(invariants::rate_moves_the_right_way(before, lend.last_implied_rate, true))?;
        check(invariants::v2_no_fcash_for_nothing(f, &l))?;
        check(invariants::v2_within_proportion_cap(&lend))?;
        let mut borrow = m;
        if let Ok(b) = borrow.calculate_trade(&cg, -f, t, 0) {
            check(invariants::rate_moves_the_right_way(before, borrow.last_implied_rate, false))?;
            check(invariants::v2_no_fcash_for_nothing(-f, &b))?;
            check(invariants::v2_within_proportion_cap(&borrow))?;
        }
        // Lend f, then borrow f back: the account ends with no more cash than it started with.
        if let Ok(b) = lend.calculate_trade(&cg, -f, t, 0) {
            check(invariants::v2_round_trip_loses(&l, &b))?;
        }
    }

    #[test]
    fn v2_liquidity_is_pro_rata(m in v2_market(), share in 1u64..=1_000_000) {
        let mut m = m;
        let before = m;
        let cash = m.total_cash / 1_000_000 * i128::from(share);
        let (tokens, fcash) = m.add_liquidity(cash).unwrap();
        prop_assert_eq!(tokens, before.total_liquidity * cash / before.total_cash);
        prop_assert_eq!(-fcash, before.total_fcash * cash / before.total_cash);
        let (c, f) = m.remove_liquidity(tokens).unwrap();
        prop_assert!(c <= cash && c + 1 >= cash && f <= -fcash && f + 1 >= -fcash);
    }
}

/// Any integer, small or huge, positive or negative.
fn any_int() -> impl Strategy<Value = BigInt> {
    prop_oneof![
        any::<i64>().prop_map(BigInt::from),
        any::<i128>().prop_map(BigInt::from),
        (any::<u128>(), any::<u128>()).prop_map(|(a, b)| BigInt::from(a) * BigInt::from(b)),
        Just(BigInt::from(0)),
    ]
}

/// Any JS Number, NaN and infinities included, with integers and rates weighted in.
fn any_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        (-2_000_000_000i64..2_000_000_000).prop_map(|x| x as f64),
        Just(0.0),
        Just(f64::NAN),
        Just(1e9),
    ]
}

fn any_gist_market() -> impl Strategy<Value = Market> {
    (
        (any_int(), any_int(), any_int()),
        (any_number(), any_number(), any_number()),
        (any_number(), any_number(), any_number(), any_number()),
        (any_number(), any_number()),
    )
        .prop_map(|((c, f, l), (a, s, r), (p, fee, ga, gs), (len, mat))| {
            Market::new(
                MarketData {
                    total_current_cash: c,
                    total_fcash: f,
                    total_liquidity: l,
                    rate_anchor: a,
                    rate_scalar: s,
                    last_implied_rate: r,
                },
                RateParams {
                    rate_precision: p,
                    liquidity_fee: fee,
                    balance_precision: BigInt::from(E18),
                    liquidity_haircut: BigInt::from(E18),
                    global_rate_anchor: ga,
                    global_rate_scalar: gs,
                    max_trade_size: BigInt::from(E18),
                },
                CashGroup {
                    maturity_length: len,
                },
                mat,
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_gist_method_returns_ok_or_a_typed_error(
        m in any_gist_market(), a in any_int(), b in any_int(), x in any_number(), t in any_number(),
        digits in 0u32..=120,
    ) {
        // Each call returns; the iterating ones stop at the cap.
        let _ = m.market_exchange_rate(t);
        let _ = m.market_implied_rate(t);
        let _ = m.fcash_to_current_cash_input(&a, t);
        let _ = m.current_cash_to_fcash_output(&a, t);
        let r = m.iterate_rates(&a, t, true);
        prop_assert!(r.iterations <= notional::gist::ITERATION_CAP);
        let r = m.iterate_rates(&a, t, false);
        prop_assert!(r.iterations <= notional::gist::ITERATION_CAP);
        let _ = m.liquidity_token_claims(&a, true, t);
        let _ = m.tokens_minted(&a);
        let _ = m.pool_share(&a, true);
        let _ = m.pool_share(&a, false);
        let _ = m.fcash_for_liquidity(&a);
        let _ = m.implied_rate_post_liquidity(&a, t, Some(&b));
        let _ = m.implied_rate_post_liquidity(&a, t, None);
        let _ = m.present_value(&a, t);
        let _ = m.to_json();
        let _ = m.format_implied_rate(x, digits);
        let _ = m.format_exchange_rate(x, digits);
        let _ = m.period_to_annual_rate(x);
        let _ = m.annual_to_period_rate(x);
        let _ = m.exchange_to_period_rate(x, t);
        let _ = m.period_to_exchange_rate(x, t);
        let _ = m.fcash_from_exchange_rate(x, &a);
        let _ = m.cash_from_exchange_rate(x, &a);
        let _ = m.implied_period_rate(&a, &b, t);
        let _ = m.exchange_rate(&a, &b);
    }

    /// The contract-shaped functions and ABDK on any words of their ABI types: a value, a
    /// failure value or an error, never a panic.
    #[test]
    fn every_contract_function_returns_ok_or_a_typed_error(
        w in prop::array::uniform8(any::<[u128; 2]>()), small in any::<[u128; 4]>(),
        s in any::<u16>(), a in any::<u32>(), r in any::<u32>(), len in any::<u32>(),
        fee in any::<u32>(), t in any::<u32>(), bytes in any::<[u8; 3]>(),
    ) {
        use notional::{I256, U256, abdk, v1::contract as c1, v2::contract as c2};
        let i = |k: usize| I256::from_words(w[k][0].cast_signed(), w[k][1].cast_signed());
        let u = |k: usize| U256::from_words(w[k][0], w[k][1]);
        let m = CashMarket { total_fcash: small[0], total_liquidity: small[1], total_current_cash: small[2], rate_scalar: s, rate_anchor: a, last_implied_rate: r };
        let g = Governance { maturity_length: len, max_trade_size: u128::MAX, rate_anchor: a, rate_scalar: s, liquidity_fee: fee, transaction_fee: small[3] };
        let _ = c1::abdk_math(u(0));
        let _ = c1::get_exchange_rate(&m, len, t, i(1));
        let _ = (c1::get_implied_rate(&m, len, t), c1::get_new_rate_anchor(&m, len, t));
        let _ = c1::trade_calculation(&m, &g, i(2), t);
        let _ = c1::fcash_to_current_cash_at_time(&m, &g, a, small[3], r);
        let _ = c1::current_cash_to_fcash_at_time(&m, &g, a, small[3], r);
        let x = small[0].cast_signed();
        let _ = (abdk::ln(x), abdk::log_2(x), abdk::exp(x), abdk::exp_2(x), abdk::from_uint(u(3)));
        let _ = (c2::log_proportion(i(0)), c2::get_exchange_rate(i(0), i(1), i(2), i(3), i(4)));
        let _ = c2::get_exchange_rate_from_implied_rate(u(5), u(6));
        let _ = c2::get_rate_anchor(i(0), u(1), i(2), i(3), u(4));
        let _ = c2::get_implied_rate(i(0), i(1), i(2), i(3), u(4));
        let ar = c2::AssetRate { rate: i(5), underlying_decimals: i(6) };
        let _ = (ar.to_underlying(i(7)), ar.from_underlying(i(7)));
        let cg = c2::CashGroupParameters { max_market_index: u(1), asset_rate: ar, data: u(2) };
        let flat = c2::CashGroupParameters::one_market(bytes[0], bytes[1], bytes[2], ar);
        let market = c2::MarketParameters { total_fcash: i(3), total_asset_cash: i(4), last_implied_rate: u(5) };
        let _ = (c2::get_rate_scalar(&cg, u(6), u(7)), cg.total_fee(), cg.reserve_fee_share());
        let _ = c2::get_exchange_rate_factors(&market, &cg, u(6), u(7));
        let _ = c2::calculate_trade(&market, &flat, i(0), u(6), U256::ONE);
        let _ = c2::calculate_trade(&market, &cg, i(0), u(6), u(7));
        let _ = c2::get_fcash_given_cash_amount(i(0), i(1), i(2), i(3), i(4), i(5), i(6));
    }

    #[test]
    fn every_v1_function_returns_ok_or_a_typed_error(
        f in any::<u128>(), c in any::<u128>(), l in any::<u128>(), s in any::<u16>(), a in any::<u32>(),
        r in any::<u32>(), len in any::<u32>(), fee in any::<u32>(), tx in any::<u128>(),
        amount in any::<u128>(), t in any::<u32>(), now in any::<u32>(), ratio in any::<u64>(),
    ) {
        let g = Governance { maturity_length: len, max_trade_size: u128::MAX, rate_anchor: a, rate_scalar: s, liquidity_fee: fee, transaction_fee: tx };
        let mut m = CashMarket { total_fcash: f, total_liquidity: l, total_current_cash: c, rate_scalar: s, rate_anchor: a, last_implied_rate: r };
        let before = m;
        let _ = v1::abdk_math(ratio);
        let _ = m.exchange_rate(&g, t, amount.cast_signed());
        let _ = m.implied_rate(&g, t);
        let _ = m.new_rate_anchor(&g, t);
        let _ = m.trade_calculation(&g, amount.cast_signed().wrapping_neg(), t);
        let _ = m.rate(&g, t, now);
        let _ = m.fcash_to_current_cash(&g, t, amount, now);
        let _ = m.current_cash_to_fcash(&g, t, amount, now);
        let _ = v1::transaction_fee(&g, amount, t);
        let _ = v1::calculate_implied_rate(&g, c, f, t);
        if m.take_current_cash(&g, t, amount, now, r).is_err() { prop_assert_eq!(m, before); }
        let before = m;
        if m.take_fcash(&g, t, amount, now, r).is_err() { prop_assert_eq!(m, before); }
        let before = m;
        if m.add_liquidity(&g, t, v1::AddLiquidity { cash: amount, max_fcash: amount, min_implied_rate: 0, max_implied_rate: r }, now).is_err() { prop_assert_eq!(m, before); }
        let before = m;
        if m.remove_liquidity(t, amount, now).is_err() { prop_assert_eq!(m, before); }
    }

    #[test]
    fn every_v2_function_returns_ok_or_a_typed_error(
        f in any::<i128>(), c in any::<i128>(), l in any::<i128>(), r in any::<u32>(), o in any::<u32>(),
        prev in any::<u32>(), s in any::<u8>(), fee in any::<u8>(), share in any::<u8>(), w in any::<u32>(),
        amount in any::<i128>(), t in any::<u32>(), now in any::<u32>(), delta in any::<i128>(),
    ) {
        let cg = v2::CashGroup { rate_scalar: s, total_fee: fee, reserve_fee_share: share, rate_oracle_time_window: w };
        let mut m = v2::Market { total_fcash: f, total_cash: c, total_liquidity: l, last_implied_rate: r, oracle_rate: o, previous_trade_time: prev };
        let _ = v2::log_proportion(amount);
        let _ = v2::annualised_rate(f, amount, t);
        let curve = v2::Curve { total_fcash: f, total_cash: c, rate_scalar: amount, rate_anchor: amount };
        let _ = v2::exchange_rate(&curve, amount);
        let _ = v2::exchange_rate_from_implied_rate(amount, t);
        let _ = v2::rate_anchor(&m, amount, t);
        let _ = v2::implied_rate(&curve, t);
        let _ = v2::weighted_oracle_rate(&m, w, now);
        let _ = cg.rate_scalar(t);
        let _ = m.curve(&cg, t);
        let _ = m.fcash_given_cash(&cg, amount, t, delta);
        let _ = m.oracle_rate_at(&cg, now);
        let before = m;
        if m.calculate_trade(&cg, amount, t, now).is_err() { prop_assert_eq!(m, before); }
        let before = m;
        if m.add_liquidity(amount).is_err() { prop_assert_eq!(m, before); }
        let before = m;
        if m.remove_liquidity(amount).is_err() { prop_assert_eq!(m, before); }
    }
}
