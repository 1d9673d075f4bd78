//! Swaps per second for `f64` and Python-context `Decimal`, and the arbitrage calculation.

use std::hint::black_box;

use cp_amm::{Decimal, Fee, math};
use criterion::{Criterion, criterion_group, criterion_main};

fn swaps(c: &mut Criterion) {
    let mut g = c.benchmark_group("swap_exact_in");
    g.bench_function("f64", |b| {
        b.iter(|| math::swap_exact_in(black_box(1234.5678_f64), 100_000.0, 95_000.0, Fee::ZERO))
    });
    g.bench_function("f64_fee", |b| {
        let fee = Fee::bps(30).unwrap();
        b.iter(|| math::swap_exact_in(black_box(1234.5678_f64), 100_000.0, 95_000.0, fee))
    });
    let (a, x, y) = (
        Decimal::new(12_345_678, 4),
        Decimal::from(100_000),
        Decimal::from(95_000),
    );
    g.bench_function("decimal", |b| {
        b.iter(|| math::swap_exact_in(black_box(a), x, y, Fee::ZERO))
    });
    g.bench_function("decimal_fee", |b| {
        let fee = Fee::bps(30).unwrap();
        b.iter(|| math::swap_exact_in(black_box(a), x, y, fee))
    });
    // Baseline: the same three operations in rust_decimal's own arithmetic (28 places, not
    // 28 significant digits), to show what Python's context costs.
    g.bench_function("decimal_native_ops", |b| {
        b.iter(|| {
            let a = black_box(a);
            let k = x.checked_mul(y)?;
            y.checked_sub(k.checked_div(x.checked_add(a)?)?)
        })
    });
    g.finish();
}

fn arb(c: &mut Criterion) {
    let mut g = c.benchmark_group("arb_trade");
    g.bench_function("f64", |b| {
        b.iter(|| {
            math::arb_trade(
                black_box(114_559.378_8_f64),
                112_771.193_5,
                0.884_17,
                Fee::ZERO,
            )
        })
    });
    let (x, y, p) = (
        Decimal::new(1_145_593_788, 4),
        Decimal::new(1_127_711_935, 4),
        Decimal::new(88_417, 5),
    );
    g.bench_function("decimal", |b| {
        b.iter(|| math::arb_trade(black_box(x), y, p, Fee::ZERO))
    });
    g.finish();
}

criterion_group!(benches, swaps, arb);
criterion_main!(benches);
