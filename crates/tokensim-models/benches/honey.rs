//! The engine on the Honey model: substeps per second on 1 and 2 threads, and the engine's
//! overhead against a hand-written loop of the same model that writes the same rows.
//!
//! The group `honey_invariants` measures the model's six invariants checked after every
//! substep (the default, as in the groups above), at each timestep's end, and not at all.
//!
//! Every variant runs the seed's sweep (9 subsets × 10 runs × 120 timesteps, one block: 10,800
//! substeps and 10,890 rows) into the same `NullSink`, behind `&mut dyn Sink`, with ChaCha8
//! streams derived the same way, so the only difference is the engine itself.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sim_core::{
    Experiment, Header, InvariantCheck, MemorySink, NullSink, RngKind, RowMeta, SimRng, Sink,
    SweepRule, Vars,
};
use tokensim_models::honey::{self, HoneyParams, HoneyState};

const SEED: u64 = 7;

fn subsets() -> Vec<HoneyParams> {
    honey::seed_sweep()
        .subsets(&HoneyParams::default(), SweepRule::Zip)
        .expect("the seed sweep is valid")
}

/// The Honey model written out by hand: same formulas, same draws, same rows.
fn hand_loop(subsets: &[HoneyParams], runs: usize, timesteps: usize, sink: &mut dyn Sink) {
    let header = Header {
        state: HoneyState::NAMES,
        params: HoneyParams::NAMES.to_vec(),
        example: Vec::new(),
    };
    sink.begin(&header).expect("null sink");
    let mut scratch = Vec::with_capacity(HoneyState::NAMES.len());
    for (subset, p) in subsets.iter().enumerate() {
        let params = p.values();
        for run in 1..=runs {
            let mut rng = SimRng::for_run(RngKind::ChaCha8, SEED, subset, run);
            let mut states = Vec::with_capacity(1 + timesteps);
            states.push(HoneyState::GENESIS);
            for _ in 1..=timesteps {
                let Some(s) = states.last() else { break };
                let Ok((netflow, adjustment)) = honey::supply(p, s) else {
                    break;
                };
                let Ok(sat) = honey::saturation(p, s) else {
                    break;
                };
                let Ok(target) = honey::target_price(p, s) else {
                    break;
                };
                let (u, z) = (rng.uniform(), rng.standard_normal());
                let Ok(price) = honey::price_step(p, s, target, u, z) else {
                    break;
                };
                let next = HoneyState {
                    reserve: s.reserve + netflow + adjustment,
                    circulation: s.circulation - netflow,
                    size: sat.size,
                    saturation: sat.saturation,
                    production: sat.production,
                    utility: sat.utility,
                    price,
                    target_price: target,
                    netflow,
                    adjustment,
                };
                states.push(next);
            }
            for (t, s) in states.iter().enumerate() {
                let meta = RowMeta {
                    simulation: 0,
                    subset,
                    run,
                    substep: usize::from(t > 0),
                    timestep: t,
                };
                scratch.clear();
                s.write_values(&mut scratch);
                sink.row(&meta, &scratch, &params).expect("null sink");
            }
        }
    }
    sink.finish().expect("null sink");
}

fn engine(threads: usize, sink: &mut dyn Sink) {
    engine_runs(threads, honey::SEED_RUNS, sink);
}

fn engine_runs(threads: usize, runs: usize, sink: &mut dyn Sink) {
    engine_checked(threads, runs, InvariantCheck::Substep, sink);
}

fn engine_checked(threads: usize, runs: usize, check: InvariantCheck, sink: &mut dyn Sink) {
    let model = honey::model();
    let outcome = Experiment::new(&model, subsets())
        .runs(runs)
        .timesteps(honey::SEED_TIMESTEPS)
        .seed(SEED)
        .threads(threads)
        .invariants(check)
        .run(sink)
        .expect("the seed experiment runs");
    assert!(outcome.is_success(), "{:?}", outcome.failures.first());
}

/// The hand loop and the engine must write the same records, or the comparison means nothing.
fn same_records() {
    let mut a = MemorySink::new();
    let mut b = MemorySink::new();
    hand_loop(&subsets(), honey::SEED_RUNS, honey::SEED_TIMESTEPS, &mut a);
    engine(1, &mut b);
    assert_eq!(a.meta(), b.meta());
    for name in HoneyState::NAMES {
        assert_eq!(a.column(name), b.column(name), "{name}");
    }
}

fn benches(c: &mut Criterion) {
    same_records();
    let subsets = subsets();
    let substeps = (subsets.len() * honey::SEED_RUNS * honey::SEED_TIMESTEPS) as u64;
    let mut g = c.benchmark_group("honey_seed_sweep");
    g.throughput(Throughput::Elements(substeps));
    g.bench_function("hand_loop", |b| {
        b.iter(|| {
            let mut sink = NullSink::default();
            hand_loop(
                black_box(&subsets),
                honey::SEED_RUNS,
                honey::SEED_TIMESTEPS,
                &mut sink,
            );
            sink.rows
        });
    });
    for threads in [1, 2] {
        g.bench_function(format!("engine_{threads}_thread"), |b| {
            b.iter(|| {
                let mut sink = NullSink::default();
                engine(black_box(threads), &mut sink);
                sink.rows
            });
        });
    }
    g.finish();

    // The invariants' cost: the same engine run, checked every substep, every timestep, never.
    let mut g = c.benchmark_group("honey_invariants");
    g.throughput(Throughput::Elements(substeps));
    for check in [
        InvariantCheck::Off,
        InvariantCheck::Substep,
        InvariantCheck::Timestep,
    ] {
        g.bench_function(format!("engine_1_thread_{check}"), |b| {
            b.iter(|| {
                let mut sink = NullSink::default();
                engine_checked(1, honey::SEED_RUNS, black_box(check), &mut sink);
                sink.rows
            });
        });
    }
    g.finish();

    // The seed sweep at 100 runs (108,900 rows), where threads have work enough to share.
    let mut g = c.benchmark_group("honey_seed_sweep_100_runs");
    g.throughput(Throughput::Elements(substeps * 10));
    g.sample_size(20);
    for threads in [1, 2] {
        g.bench_function(format!("engine_{threads}_thread"), |b| {
            b.iter(|| {
                let mut sink = NullSink::default();
                engine_runs(black_box(threads), 100, &mut sink);
                sink.rows
            });
        });
    }
    g.finish();
}

criterion_group!(honey_benches, benches);
criterion_main!(honey_benches);
