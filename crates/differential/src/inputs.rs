//! The inputs each harness function is called with: a proptest strategy of its flattened
//! argument words, over the whole ABI domain.
//!
//! Every function draws three kinds of case, as the conformance suites do:
//! * **realistic** (3 in 5): arguments built the way the protocol builds them, from the math
//!   crates' own `proptest` strategies (Carbon's orders, amounts and fees; Notional's v1 and v2
//!   markets and cash groups) and our functions (a v2 case's anchor is our anchor of its market);
//! * **edge** (1 in 5): each argument an edge of its type (0, 1, 2, maxima, minima, −1, powers
//!   of two and their neighbours) or a value of any magnitude;
//! * **uniform** (1 in 5): each argument uniform over its ABI type.
//!
//! Realistic cases also reach the domain's own edges: amounts above the liquidity, trades at
//! the maximum proportion, maturities at and past the block time, zero fees and rates.

use conformance::contract::{Function, Ty, Word, abi};
use notional::{strategies as nst, v1, v2};
use proptest::prelude::*;

/// The strategy of `f`'s argument words.
///
/// # Panics
/// If `f.signature` is not a signature of static ABI types (the harness table's are).
pub fn strategy(f: &Function) -> BoxedStrategy<Vec<Word>> {
    let types = abi::flat_types(f.signature).expect("the harness table's signatures parse");
    let edge = types.iter().map(|t| edge(*t)).collect::<Vec<_>>();
    let uniform = types.iter().map(|t| uniform(*t)).collect::<Vec<_>>();
    match realistic(f.name) {
        Some(real) => prop_oneof![3 => real, 1 => edge, 1 => uniform].boxed(),
        None => prop_oneof![1 => edge, 1 => uniform].boxed(),
    }
}

fn w(x: u128) -> Word {
    Word::from(x)
}

fn wi(x: i128) -> Word {
    abi::from_i128(x)
}

/// The largest value of `ty`, and (for signed types) the smallest.
fn bounds(ty: Ty) -> (Word, Word) {
    match ty {
        Ty::Uint(bits) => (Word::ZERO, Word::MAX >> (256 - usize::from(bits))),
        Ty::Int(bits) => {
            let max = Word::MAX >> (257 - usize::from(bits));
            (!max, max)
        }
        Ty::Bool => (Word::ZERO, Word::from(1u8)),
        Ty::Address => (Word::ZERO, Word::MAX >> 96usize),
        Ty::Bytes32 => (Word::ZERO, Word::MAX),
    }
}

/// `x` cut to `ty` (sign-extended for signed types).
fn fit(ty: Ty, x: Word) -> Word {
    match ty {
        Ty::Int(bits) => {
            let bits = usize::from(bits);
            let low = x & (Word::MAX >> (256 - bits));
            if low.bit(bits - 1) {
                low | !(Word::MAX >> (256 - bits))
            } else {
                low
            }
        }
        _ => x & bounds(ty).1,
    }
}

/// A value of any magnitude: a random word shifted right by a random amount.
fn magnitude() -> impl Strategy<Value = Word> {
    (any::<[u64; 4]>(), 0usize..256).prop_map(|(l, s)| Word::from_limbs(l) >> s)
}

/// Edges of `ty`, or values of any magnitude (negated half the time for signed types).
fn edge(ty: Ty) -> BoxedStrategy<Word> {
    let (min, max) = bounds(ty);
    let one = Word::from(1u8);
    let mut edges = vec![Word::ZERO, one, Word::from(2u8), max, max - one];
    if matches!(ty, Ty::Int(_)) {
        edges.extend([min, min + one, Word::MAX, Word::MAX - one]);
    }
    let powers = (0usize..256, 0u8..3).prop_map(move |(k, d)| {
        let p = Word::from(1u8) << k;
        fit(
            ty,
            [p - Word::from(1u8), p, p + Word::from(1u8)][usize::from(d)],
        )
    });
    let any_size = (magnitude(), any::<bool>()).prop_map(move |(x, negative)| {
        let x = if negative && matches!(ty, Ty::Int(_)) {
            x.wrapping_neg()
        } else {
            x
        };
        fit(ty, x)
    });
    prop_oneof![proptest::sample::select(edges), powers, any_size].boxed()
}

/// Uniform over `ty`.
fn uniform(ty: Ty) -> BoxedStrategy<Word> {
    any::<[u64; 4]>()
        .prop_map(move |l| fit(ty, Word::from_limbs(l)))
        .boxed()
}

/// The realistic cases of a harness function, if it has them.
fn realistic(name: &str) -> Option<BoxedStrategy<Vec<Word>>> {
    Some(match name {
        "targetAmount" | "tradeBySourceAmount" => carbon_trade(false),
        "sourceAmount" | "tradeByTargetAmount" => carbon_trade(true),
        "mulDivF" | "mulDivC" => mul_div(),
        "expandRate" | "expandedRate" | "validRate" | "isValidRate" => {
            carbon_orders::strategies::any_order()
                .prop_flat_map(|o| proptest::sample::select(vec![o.a, o.b]))
                .prop_map(|r| vec![w(r.into())])
                .boxed()
        }
        "addFee" | "subtractFee" => (
            carbon_orders::strategies::amount(),
            carbon_orders::strategies::fee(),
        )
            .prop_map(|(x, fee)| vec![w(x), w(fee.ppm().into())])
            .boxed(),
        "fCashToCurrentCash" | "currentCashTofCash" => v1_quote(),
        "tradeCalculation" => v1_trade(),
        "getExchangeRate" => prop_oneof![v1_rate(true), v2_exchange_rate()].boxed(),
        "getImpliedRate" => prop_oneof![v1_rate(false), v2_implied_rate()].boxed(),
        "getNewRateAnchor" => v1_rate(false),
        "calculateImpliedRate" => v1_implied(),
        "calculateTransactionFee" => v1_fee(),
        "abdkMath" => (1u64..=i64::MAX.unsigned_abs(), 0u32..64)
            .prop_map(|(x, s)| vec![w((x >> s).into())])
            .boxed(),
        "abdkLn" => (1i128..=i128::MAX, 0u32..127)
            .prop_map(|(x, s)| vec![wi((x >> s).max(1))])
            .boxed(),
        "abdkExp" => (any::<i128>(), 50u32..127)
            .prop_map(|(x, s)| vec![wi(x >> s)])
            .boxed(),
        "abdkFromUInt" => (any::<u64>(), 0u32..64)
            .prop_map(|(x, s)| vec![w((x >> s).into())])
            .boxed(),
        "calculateTradeFlat" => v2_trade_flat(),
        "calculateTrade" => v2_trade(),
        "logProportion" => prop_oneof![0i128..=1_000_000_000, 980_000_000i128..=1_000_000_001]
            .prop_map(|p| vec![wi(p)])
            .boxed(),
        "getRateAnchor" => v2_anchor(),
        "getExchangeRateFromImpliedRate" => (0u128..2_000_000_000, time())
            .prop_map(|(r, t)| vec![w(r), w(t.into())])
            .boxed(),
        "getExchangeRateFactors" => v2_factors(),
        "getRateScalar" => (cash_group_words(), time())
            .prop_map(|((cg, max), t)| {
                let mut a = cg;
                a.extend([w(1 + u128::from(t) % max), w(t.into())]);
                a
            })
            .boxed(),
        "getfCashGivenCashAmount" => v2_newton(),
        _ => return None,
    })
}

/// A Carbon order from the crate's strategies and an amount: any amount, or (by target) a
/// share of the liquidity, its whole, and one more.
fn carbon_trade(by_target: bool) -> BoxedStrategy<Vec<Word>> {
    use carbon_orders::strategies::{amount, order};
    (order(), amount(), 0u32..=1_000_001)
        .prop_map(move |(o, x, share)| {
            let x = if by_target && share <= 1_000_000 {
                o.y / 1_000_000 * u128::from(share)
                    + o.y % 1_000_000 * u128::from(share) / 1_000_000
            } else if by_target {
                o.y.saturating_add(1)
            } else {
                x
            };
            vec![w(o.y), w(o.z), w(o.a.into()), w(o.b.into()), w(x)]
        })
        .boxed()
}

/// `mulDiv` operands of the shapes Carbon uses: products up to 2⁵¹², divisors near the
/// overflow threshold `⌊x·y / 2²⁵⁶⌋`.
fn mul_div() -> BoxedStrategy<Vec<Word>> {
    (magnitude(), magnitude(), magnitude(), 0u8..4)
        .prop_map(|(x, y, z, shape)| {
            let hi = x.widening_mul::<256, 4, 512, 8>(y) >> 256usize;
            let hi: Word = Word::from_limbs_slice(&hi.as_limbs()[..4]);
            let z = match shape {
                0 => hi,
                1 => hi.saturating_add(Word::from(1u8)),
                2 => hi.saturating_add(z),
                _ => z,
            };
            vec![x, y, z]
        })
        .boxed()
}

const E18: u128 = 1_000_000_000_000_000_000;

/// Seconds to maturity: days (1 to 5 years), single seconds, 0 and past.
fn time() -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => (1u32..=1_825).prop_map(|d| d * 86_400),
        1 => 0u32..=100,
        1 => any::<u32>(),
    ]
}

/// A v1 market and its governance from the crate's strategies, a maturity on the period and a
/// block time before (and now and then at or after) it, and a trade's size (now and then more
/// than the pool holds).
fn v1_case() -> impl Strategy<Value = (v1::CashMarket, v1::Governance, u32, u32, u128)> {
    (
        nst::v1_market(),
        nst::v1_governance(),
        nst::days(89),
        nst::trade_share(),
        0u8..20,
        0u8..16,
    )
        .prop_map(|(m, g, days, share, at, size)| {
            let l = g.maturity_length;
            let maturity = 1_700_000_000 / l * l + l;
            let block = match at {
                0 => maturity,
                1 => maturity + days,
                _ => maturity - days * 86_400 % l.max(1),
            };
            // Now and then more than the pool holds: all its fCash and one more (lending),
            // or as much fCash as it has cash (borrowing past what it can pay).
            let fcash = match size {
                0 => m.total_fcash.saturating_add(1),
                1 => m.total_current_cash,
                _ => m.total_fcash / 1_000_000 * u128::from(share),
            };
            (m, g, maturity, block, fcash)
        })
}

fn market_words(m: &v1::CashMarket) -> Vec<Word> {
    vec![
        w(m.total_fcash),
        w(m.total_liquidity),
        w(m.total_current_cash),
        w(m.rate_scalar.into()),
        w(m.rate_anchor.into()),
        w(m.last_implied_rate.into()),
    ]
}

fn v1_quote() -> BoxedStrategy<Vec<Word>> {
    v1_case()
        .prop_map(|(m, g, maturity, block, fcash)| {
            let mut a = market_words(&m);
            a.extend([
                w(g.maturity_length.into()),
                w(g.liquidity_fee.into()),
                w(g.transaction_fee),
                w(maturity.into()),
                w(block.into()),
                w(fcash),
            ]);
            a
        })
        .boxed()
}

fn v1_trade() -> BoxedStrategy<Vec<Word>> {
    (v1_case(), any::<bool>())
        .prop_map(|((m, g, maturity, block, fcash), lend)| {
            let mut a = market_words(&m);
            let f = i128::try_from(fcash).unwrap_or(i128::MAX);
            a.extend([
                w(g.maturity_length.into()),
                w(g.liquidity_fee.into()),
                wi(if lend { -f } else { f }),
                w(maturity.saturating_sub(block).into()),
            ]);
            a
        })
        .boxed()
}

/// `(market, L, t[, f])` for v1's rate functions.
fn v1_rate(with_trade: bool) -> BoxedStrategy<Vec<Word>> {
    (v1_case(), any::<bool>())
        .prop_map(move |((m, g, maturity, block, fcash), lend)| {
            let mut a = market_words(&m);
            a.extend([
                w(g.maturity_length.into()),
                w(maturity.saturating_sub(block).into()),
            ]);
            if with_trade {
                let f = i128::try_from(fcash).unwrap_or(i128::MAX);
                a.push(wi(if lend { -f } else { f }));
            }
            a
        })
        .boxed()
}

fn v1_implied() -> BoxedStrategy<Vec<Word>> {
    (
        1u128..1_000_000 * E18,
        900_000u128..1_200_000,
        nst::v1_governance(),
        nst::days(90),
    )
        .prop_map(|(cash, ratio, g, days)| {
            let fcash = cash / 1_000_000 * ratio;
            vec![
                w(cash),
                w(fcash),
                w(g.maturity_length.into()),
                w((days * 86_400).into()),
            ]
        })
        .boxed()
}

fn v1_fee() -> BoxedStrategy<Vec<Word>> {
    (0u128..1_000_000 * E18, nst::v1_governance(), nst::days(90))
        .prop_map(|(cash, g, days)| {
            vec![
                w(cash),
                w(g.transaction_fee),
                w(g.maturity_length.into()),
                w((days * 86_400).into()),
            ]
        })
        .boxed()
}

/// A v2 market and cash group from the crate's strategies (with any scalar and fee), seconds to
/// maturity, and a trade of up to a third of the market's fCash either way, or one at the
/// proportion's cap, or of all the fCash and beyond.
fn v2_case() -> impl Strategy<Value = (v2::Market, v2::CashGroup, u32, i128)> {
    (
        nst::v2_market(),
        nst::v2_cash_group(),
        1u8..=255,
        0u8..=100,
        time(),
        -333_333i128..=333_333,
        (0u8..8, -2i128..=2),
    )
        .prop_map(|(m, mut cg, s, fee, t, share, (size, d))| {
            cg.rate_scalar = s;
            cg.total_fee = fee;
            let (f, c) = (m.total_fcash, m.total_cash);
            // Now and then at the proportion's cap (0.99, give or take a unit), all the
            // market's fCash, or one more than all of it.
            let trade = match size {
                0 => f - (f + c) / 100 * 99 - (f + c) % 100 * 99 / 100 + d,
                1 => f,
                2 => f + 1,
                _ => f / 1_000_000 * share,
            };
            (m, cg, t, trade)
        })
}

/// `(F, C, scalar, anchor)` of a v2 case's curve, where our curve exists.
fn curve(m: &v2::Market, cg: &v2::CashGroup, t: u32) -> (i128, i128, i128, i128) {
    let scalar = cg.rate_scalar(t).unwrap_or(1);
    let anchor = v2::rate_anchor(m, scalar, t).unwrap_or(1_000_000_000);
    (m.total_fcash, m.total_cash, scalar, anchor)
}

fn v2_exchange_rate() -> BoxedStrategy<Vec<Word>> {
    v2_case()
        .prop_map(|(m, cg, t, f)| {
            let (tf, tc, s, a) = curve(&m, &cg, t);
            vec![wi(tf), wi(tc), wi(s), wi(a), wi(f)]
        })
        .boxed()
}

fn v2_implied_rate() -> BoxedStrategy<Vec<Word>> {
    v2_case()
        .prop_map(|(m, cg, t, _)| {
            let (tf, tc, s, a) = curve(&m, &cg, t);
            vec![wi(tf), wi(tc), wi(s), wi(a), w(t.into())]
        })
        .boxed()
}

fn v2_anchor() -> BoxedStrategy<Vec<Word>> {
    v2_case()
        .prop_map(|(m, cg, t, _)| {
            let (tf, tc, s, _) = curve(&m, &cg, t);
            vec![
                wi(tf),
                w(m.last_implied_rate.into()),
                wi(tc),
                wi(s),
                w(t.into()),
            ]
        })
        .boxed()
}

/// An asset rate: a cToken's (about 0.02 underlying per asset token, 18 decimals) or the
/// identity.
fn asset_rate() -> impl Strategy<Value = (i128, i128)> {
    prop_oneof![
        (1u32..=1_000_000).prop_map(|k| (
            200_000_000_000_000_000_000_000_000 / 1_000 * i128::from(k) / 1_000,
            1_000_000_000_000_000_000
        )),
        Just((10_000_000_000, 1)),
    ]
}

fn v2_trade_flat() -> BoxedStrategy<Vec<Word>> {
    (v2_case(), asset_rate())
        .prop_map(|((m, cg, t, f), (rate, decimals))| {
            // The market's cash as asset cash at this rate.
            let ar = v2::contract::AssetRate {
                rate: rate.into(),
                underlying_decimals: decimals.into(),
            };
            let assets = ar
                .from_underlying(m.total_cash.into())
                .ok()
                .and_then(|a| i128::try_from(a).ok())
                .unwrap_or(m.total_cash);
            vec![
                wi(m.total_fcash),
                wi(assets),
                w(m.last_implied_rate.into()),
                w(cg.rate_scalar.into()),
                w(cg.total_fee.into()),
                w(cg.reserve_fee_share.into()),
                wi(rate),
                wi(decimals),
                wi(f),
                w(t.into()),
            ]
        })
        .boxed()
}

/// A cash group's six words (currency, max market index, oracle, rate, decimals, data) with
/// scalars for every market, and its market count.
fn cash_group_words() -> impl Strategy<Value = (Vec<Word>, u128)> {
    (
        1u8..=7,
        any::<[u8; 7]>(),
        0u8..=100,
        0u8..=100,
        asset_rate(),
    )
        .prop_map(|(max, scalars, fee, share, (rate, decimals))| {
            let mut data =
                Word::from(max) | (Word::from(fee) << 16usize) | (Word::from(share) << 24usize);
            for (i, s) in scalars.iter().enumerate() {
                data |= Word::from(*s) << (128 + 8 * i);
            }
            let words = vec![w(1), w(max.into()), w(0xdead), wi(rate), wi(decimals), data];
            (words, u128::from(max))
        })
}

fn v2_market_words(m: &v2::Market, assets: i128) -> Vec<Word> {
    vec![
        w(7),
        w(1_800_000_000),
        wi(m.total_fcash),
        wi(assets),
        wi(m.total_liquidity),
        w(m.last_implied_rate.into()),
        w(m.oracle_rate.into()),
        w(m.previous_trade_time.into()),
    ]
}

fn v2_factors() -> BoxedStrategy<Vec<Word>> {
    (v2_case(), cash_group_words(), any::<u8>())
        .prop_map(|((m, _, t, _), (cg, max), index)| {
            let mut a = v2_market_words(&m, m.total_cash);
            a.extend(cg);
            a.extend([w(t.into()), w(1 + u128::from(index) % max)]);
            a
        })
        .boxed()
}

fn v2_trade() -> BoxedStrategy<Vec<Word>> {
    (v2_case(), cash_group_words(), any::<u8>())
        .prop_map(|((m, _, t, f), (cg, max), index)| {
            let mut a = v2_market_words(&m, m.total_cash);
            a.extend(cg);
            a.extend([wi(f), w(t.into()), w(1 + u128::from(index) % max)]);
            a
        })
        .boxed()
}

fn v2_newton() -> BoxedStrategy<Vec<Word>> {
    (v2_case(), 0i128..=100_000)
        .prop_map(|((m, cg, t, f), max_delta)| {
            let (tf, tc, s, a) = curve(&m, &cg, t);
            let fee =
                v2::exchange_rate_from_implied_rate(cg.total_fee(), t).unwrap_or(1_000_000_000);
            // A cash amount of about the trade's size, the other way.
            vec![
                wi(tf),
                wi(-f / 2),
                wi(tc),
                wi(s),
                wi(a),
                wi(fee),
                wi(max_delta),
            ]
        })
        .boxed()
}
