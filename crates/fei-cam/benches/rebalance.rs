//! Criterion benches: one rebalance for n = 4, 16 and 64 deposits, in both modes.
//!
//! The baseline is the corrected rebalance at n = 4; docs/PERFORMANCE.md gives the ratios.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use fei_cam::{Fidelity, rebalance};

/// Deterministic, uneven balances and targets for `n` deposits.
fn inputs(n: usize) -> (Vec<f64>, Vec<f64>) {
    let balances = (0..n).map(|i| 1e6 * ((i * 7 % 11) as f64 + 0.5)).collect();
    let targets = (0..n).map(|i| (i * 5 % 13) as f64 + 1.0).collect();
    (balances, targets)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("rebalance");
    let rate = (1.0_f64 / 30.0).sqrt();
    for n in [4, 16, 64] {
        let (balances, targets) = inputs(n);
        for (name, fidelity) in [
            ("corrected", Fidelity::Corrected),
            ("seed", Fidelity::Faithful),
        ] {
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter(|| rebalance(black_box(&balances), black_box(&targets), rate, fidelity))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
