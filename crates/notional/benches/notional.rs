//! Trade quotes per second in each mode: the gist (BigNumber + decimal.js emulation), v1
//! (`CashMarket.sol` integers) and v2 (`Market.sol`), with the iterating quotes' mean iteration
//! counts printed once over a spread of sizes.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use notional::gist::{BigInt, CashGroup, Market, MarketData, RateParams};
use notional::v1::{CashMarket, Governance};
use notional::v2;

const E18: u128 = 1_000_000_000_000_000_000;
const MATURITY: u32 = 1_700_000_000;
const NOW: u32 = MATURITY - 864_000;

fn gist() -> Market {
    let e18 = BigInt::from(E18);
    Market::new(
        MarketData {
            total_current_cash: BigInt::from(1_000_000) * &e18,
            total_fcash: BigInt::from(1_100_000) * &e18,
            total_liquidity: BigInt::from(1_000_000) * &e18,
            rate_anchor: 1_010_000_000.0,
            rate_scalar: 100.0,
            last_implied_rate: 30_950_100.0,
        },
        RateParams {
            rate_precision: 1e9,
            liquidity_fee: 1_000_000.0,
            balance_precision: e18.clone(),
            liquidity_haircut: BigInt::from(E18 * 8 / 10),
            global_rate_anchor: 1_100_000_000.0,
            global_rate_scalar: 100.0,
            max_trade_size: BigInt::from(10_000) * e18,
        },
        CashGroup {
            maturity_length: 2_592_000.0,
        },
        f64::from(MATURITY),
    )
}

fn v1() -> (CashMarket, Governance) {
    (
        CashMarket {
            total_fcash: 1_100_000 * E18,
            total_liquidity: 1_000_000 * E18,
            total_current_cash: 1_000_000 * E18,
            rate_scalar: 100,
            rate_anchor: 1_010_000_000,
            last_implied_rate: 30_950_100,
        },
        Governance {
            maturity_length: 2_592_000,
            max_trade_size: 10_000 * E18,
            rate_anchor: 1_100_000_000,
            rate_scalar: 100,
            liquidity_fee: 1_000_000,
            transaction_fee: 1_000_000_000_000_000,
        },
    )
}

fn v2() -> (v2::Market, v2::CashGroup) {
    let unit = 100_000_000i128;
    (
        v2::Market {
            total_fcash: 1_100_000 * unit,
            total_cash: 1_000_000 * unit,
            total_liquidity: 1_000_000 * unit,
            last_implied_rate: 50_000_000,
            oracle_rate: 50_000_000,
            previous_trade_time: 0,
        },
        v2::CashGroup {
            rate_scalar: 30,
            total_fee: 6,
            reserve_fee_share: 50,
            rate_oracle_time_window: 600,
        },
    )
}

/// Mean iterations of the iterating quotes over trades of 1..1000 units (10 sizes, each side).
fn report_iterations() {
    let m = gist();
    let (m2, cg) = v2();
    let (mut gist_n, mut gist_sum, mut v2_n, mut v2_sum) = (0u32, 0u32, 0u32, 0u32);
    for k in 0..10u32 {
        let units = 10f64.powf(f64::from(k) / 3.0); // 1 .. 1000
        let amount = BigInt::from((units * 1e6) as u64) * BigInt::from(1_000_000_000_000u64);
        for is_buy in [true, false] {
            let r = m.iterate_rates(&amount, f64::from(NOW), is_buy);
            if r.result.is_ok() {
                gist_n += 1;
                gist_sum += r.iterations;
            }
        }
        let cash = (units * 1e8) as i128;
        for c in [cash, -cash] {
            if let Ok(q) = m2.fcash_given_cash(&cg, c, 864_000, 0) {
                v2_n += 1;
                v2_sum += q.iterations;
            }
        }
    }
    eprintln!(
        "iterating quotes: gist iterateRates {:.2} iterations on average ({gist_n} quotes), v2 Newton {:.2} ({v2_n} quotes)",
        f64::from(gist_sum) / f64::from(gist_n.max(1)),
        f64::from(v2_sum) / f64::from(v2_n.max(1)),
    );
}

fn quotes(c: &mut Criterion) {
    report_iterations();
    let mut g = c.benchmark_group("quote");
    let (m1, g1) = v1();
    g.bench_function("v1_fcash_to_current_cash", |b| {
        b.iter(|| m1.fcash_to_current_cash(&g1, MATURITY, black_box(1000 * E18), NOW))
    });
    g.bench_function("v1_current_cash_to_fcash", |b| {
        b.iter(|| m1.current_cash_to_fcash(&g1, MATURITY, black_box(1000 * E18), NOW))
    });
    let (m2, cg) = v2();
    g.bench_function("v2_calculate_trade", |b| {
        b.iter(|| {
            let mut m = m2;
            m.calculate_trade(&cg, black_box(-1000 * 100_000_000), 864_000, NOW)
        })
    });
    g.bench_function("v2_fcash_given_cash_newton", |b| {
        b.iter(|| m2.fcash_given_cash(&cg, black_box(1000 * 100_000_000), 864_000, 0))
    });
    let m = gist();
    let t = f64::from(NOW);
    let thousand = BigInt::from(1000) * BigInt::from(E18);
    g.bench_function("gist_market_exchange_rate", |b| {
        b.iter(|| m.market_exchange_rate(black_box(t)))
    });
    g.bench_function("gist_fcash_to_current_cash_input", |b| {
        b.iter(|| m.fcash_to_current_cash_input(black_box(&thousand), t))
    });
    g.bench_function("gist_fcash_to_current_cash_output_iterating", |b| {
        b.iter(|| m.fcash_to_current_cash_output(black_box(&thousand), t))
    });
    g.finish();
}

criterion_group!(benches, quotes);
criterion_main!(benches);
