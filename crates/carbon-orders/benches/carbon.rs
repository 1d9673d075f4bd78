//! Criterion benches: single-order trades by source and by target, rate encoding and
//! decoding, matching over 10, 100 and 1000 orders, and the float order's trade.
//!
//! The baseline is `trade/by_source`; docs/PERFORMANCE.md gives the ratios.

use std::hint::black_box;

use carbon_orders::rate::{decode_float, encode_float, encode_rate};
use carbon_orders::{
    CarbonOrderUi, EncodedOrder, Fidelity, MatchMethod, Pair, SellOptions, TradeBy, U256,
    match_orders,
};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// An order selling 1 000 tokens of 18 decimals between rates 1.5 and 2.5, marginal 2.2.
fn order() -> EncodedOrder {
    EncodedOrder::from_rates("1000000000000000000000", "1.5", "2.5", "2.2").unwrap()
}

/// `n` orders with different liquidity and rates, deterministic.
fn book(n: usize) -> Vec<EncodedOrder> {
    (0..n)
        .map(|i| {
            let liq = format!("{}000000000000000000", 1 + i % 7);
            let low = 1.0 + (i % 13) as f64 * 0.05;
            let high = low + 0.1 + (i % 5) as f64 * 0.1;
            let marg = high - (i % 3) as f64 * 0.04;
            EncodedOrder::from_rates(&liq, &low.to_string(), &high.to_string(), &marg.to_string())
                .unwrap()
        })
        .collect()
}

fn trades(c: &mut Criterion) {
    let o = order();
    let mut g = c.benchmark_group("trade");
    g.bench_function("by_source", |b| {
        b.iter(|| black_box(&o).target_amount(black_box(3_000_000_000_000_000_000)))
    });
    g.bench_function("by_target", |b| {
        b.iter(|| black_box(&o).source_amount(black_box(6_000_000_000_000_000_000)))
    });
    g.finish();
}

fn rates(c: &mut Criterion) {
    let mut g = c.benchmark_group("rate");
    let encoded = order().a;
    g.bench_function("encode_rate", |b| b.iter(|| encode_rate(black_box("2.2"))));
    let expanded = U256::from(0x1234_5678_9abc_def0_u64) << 40usize;
    g.bench_function("encode_float", |b| {
        b.iter(|| encode_float(black_box(expanded)))
    });
    g.bench_function("decode_float", |b| {
        b.iter(|| decode_float(black_box(encoded)))
    });
    g.bench_function("from_rates", |b| {
        b.iter(|| {
            EncodedOrder::from_rates(
                black_box("1000000000000000000000"),
                black_box("1.5"),
                black_box("2.5"),
                black_box("2.2"),
            )
        })
    });
    let o = order();
    g.bench_function("decode_order", |b| {
        b.iter(|| {
            let o = black_box(&o);
            (o.lowest_rate(), o.highest_rate(), o.marginal_rate())
        })
    });
    g.finish();
}

fn matching(c: &mut Criterion) {
    let mut g = c.benchmark_group("match");
    for n in [10usize, 100, 1000] {
        let orders = book(n);
        // About a third of the book's liquidity.
        let total: u128 = orders.iter().map(|o| o.y).sum();
        let amount = total / 3;
        let used = match_orders(
            amount,
            &orders,
            TradeBy::SourceAmount,
            MatchMethod::Best,
            Fidelity::Corrected,
        )
        .len();
        assert!(
            used > 1,
            "the amount should need several orders, used {used}"
        );
        for (name, by, method) in [
            ("best_by_source", TradeBy::SourceAmount, MatchMethod::Best),
            ("best_by_target", TradeBy::TargetAmount, MatchMethod::Best),
            ("fast_by_source", TradeBy::SourceAmount, MatchMethod::Fast),
        ] {
            g.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter(|| {
                    match_orders(
                        black_box(amount),
                        black_box(&orders),
                        by,
                        method,
                        Fidelity::Corrected,
                    )
                })
            });
        }
    }
    g.finish();
}

fn float_order(c: &mut Criterion) {
    let pair = Pair::parse("ETH/USDC").unwrap();
    let o = CarbonOrderUi::from_prices(&pair, "ETH", 2000., 2500., 1., 1.).unwrap();
    let mut g = c.benchmark_group("ui");
    g.bench_function("selly", |b| {
        b.iter(|| black_box(&o).selly(black_box(0.5), SellOptions::default()))
    });
    g.bench_function("from_prices", |b| {
        b.iter(|| CarbonOrderUi::from_prices(&pair, "ETH", black_box(2000.), 2500., 1., 1.))
    });
    g.finish();
}

criterion_group!(benches, trades, rates, matching, float_order);
criterion_main!(benches);
