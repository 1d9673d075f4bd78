//! The Fei model: its formulas by hand, and the runs' invariants.

#![expect(
    clippy::float_cmp,
    reason = "exact values are the point of some of these tests"
)]

use sim_core::{Experiment, InvariantCheck, MemorySink};
use tokensim_models::fei::{self, FeiParams, FeiState, money_market, price_slope, risk_metric};
use tokensim_models::{Fidelity, ModelError};

#[test]
fn jump_rate_model_by_hand() {
    let p = FeiParams::default();
    // Below the kink: 23782343987e-18 · 0.7 · 2,102,400 = 0.035 a year (Compound's 5 % slope).
    let mm = money_market(&p, 0.7, 0.0).unwrap();
    assert!((mm.borrow_rate - 0.035).abs() < 1e-9);
    assert!((mm.supply_rate - 0.035 * 0.7 * 0.75).abs() < 1e-9);
    assert!((FeiState::GENESIS.mm_rate - mm.supply_rate).abs() < 1e-9);
    // Above it: (mult·0.8 + jump·0.1)·blocks = 0.04 + 0.109 = 0.149.
    let mm = money_market(&p, 0.9, 0.0).unwrap();
    let hand = (23_782_343_987e-18 * 0.8 + 518_455_098_934e-18 * 0.1) * 2_102_400.0;
    assert!((mm.borrow_rate - hand).abs() < 1e-12);
    assert!((hand - 0.149).abs() < 1e-3);
    // Full risk halves the utilisation; a draw above 1 is clipped.
    assert_eq!(money_market(&p, 0.7, 1.0).unwrap().utilization, 0.35);
    assert_eq!(money_market(&p, 1.7, 0.0).unwrap().utilization, 1.0);
    let bad = FeiParams { kink: 1.5, ..p };
    assert!(matches!(
        money_market(&bad, 0.7, 0.0),
        Err(ModelError::InvalidParameter { name: "kink", .. })
    ));
}

#[test]
fn slope_and_risk_metric_by_hand() {
    assert_eq!(price_slope(&[1.0, 3.0, 5.0]), 2.0);
    assert_eq!(price_slope(&[4.0]), 0.0);
    // Falling 10 a day at a mean of 2000: raw metric 0.005; alone, it is its own min and max.
    let (m, lo, hi) = risk_metric(-10.0, 2000.0, 0.005, 0.005);
    assert_eq!((m, lo, hi), (0.005, 0.005, 0.005));
    // Between a min of 0 and a max of 0.01 it normalises to one half.
    let (m, lo, hi) = risk_metric(-10.0, 2000.0, 0.0, 0.01);
    assert_eq!((m, lo, hi), (0.5, 0.0, 0.01));
    // A zero mean gives a non-finite raw metric: 0, as numpy's nan_to_num.
    assert_eq!(risk_metric(0.0, 0.0, 0.0, 0.0).0, 0.0);
    assert_eq!(
        fei::rebalance_rate(&FeiParams::default()).unwrap(),
        (1.0_f64 / 30.0).sqrt()
    );
}

fn run(p: FeiParams, threads: usize) -> MemorySink {
    let model = fei::model();
    let mut sink = MemorySink::new();
    // The seed's rebalance loses FEI in the last bits (`conserves_total`): its records are
    // compared without the invariants, the corrected ones with them.
    let check = match p.fidelity {
        Fidelity::Corrected => InvariantCheck::Substep,
        _ => InvariantCheck::Off,
    };
    let out = Experiment::new(&model, vec![p])
        .runs(3)
        .timesteps(120)
        .seed(5)
        .threads(threads)
        .invariants(check)
        .run(&mut sink)
        .unwrap();
    assert!(out.is_success(), "{:?}", out.failures);
    sink
}

#[test]
fn corrected_runs_conserve_fei_and_move_toward_the_targets() {
    let sink = run(FeiParams::default(), 1);
    let cols: Vec<Vec<f64>> = fei::DEPOSITS
        .iter()
        .map(|c| sink.f64_column(c).unwrap())
        .collect();
    for i in 0..sink.len() {
        let total: f64 = cols.iter().map(|c| c[i]).sum();
        assert!((total - 225e6).abs() < 1e-6 * 225e6, "row {i}: {total}");
        assert!(cols.iter().all(|c| c[i] >= 0.0), "row {i}");
    }
    // Idle FEI earns nothing, so it drains: below 1 % after 120 days.
    let last = sink.len() - 1;
    assert!(cols[3][last] < 0.01 * 225e6, "{}", cols[3][last]);
    // The weights are a distribution.
    let w: f64 = ["w_liquidity_pool", "w_money_market", "w_savings", "w_idle"]
        .iter()
        .map(|c| sink.f64_column(c).unwrap()[last])
        .sum();
    assert!((w - 1.0).abs() < 1e-12);
}

#[test]
fn seed_mode_runs_and_threads_do_not_change_records() {
    let seed = run(FeiParams::with_fidelity(Fidelity::Faithful), 1);
    let corrected = run(FeiParams::default(), 2);
    assert_eq!(
        seed.f64_column("eth_price").unwrap(),
        corrected.f64_column("eth_price").unwrap(),
        "the environment does not depend on the rebalance"
    );
    assert_ne!(
        seed.f64_column("liquidity_pool").unwrap(),
        corrected.f64_column("liquidity_pool").unwrap()
    );
    let one = run(FeiParams::default(), 1);
    for c in fei::DEPOSITS {
        assert_eq!(one.f64_column(c).unwrap(), corrected.f64_column(c).unwrap());
    }
}

#[test]
fn a_higher_savings_rate_draws_more_into_savings() {
    let low = run(
        FeiParams {
            savings_rate: 0.005,
            ..FeiParams::default()
        },
        1,
    );
    let high = run(
        FeiParams {
            savings_rate: 0.03,
            ..FeiParams::default()
        },
        1,
    );
    let last = low.len() - 1;
    assert!(
        high.f64_column("savings").unwrap()[last] > 2.0 * low.f64_column("savings").unwrap()[last]
    );
}

proptest::proptest! {
    /// The pure functions on any floats give a value or an error, never a panic.
    #[test]
    fn pure_functions_no_panic(
        v in proptest::array::uniform8(proptest::num::f64::ANY),
        ys in proptest::collection::vec(proptest::num::f64::ANY, 0..8),
    ) {
        let p = FeiParams {
            dt: v[0],
            rebalance_duration: v[1],
            kink: v[2],
            reserve_factor: v[3],
            multiplier_per_block: v[4],
            ..FeiParams::default()
        };
        let _ = money_market(&p, v[5], v[6]);
        let _ = fei::rebalance_rate(&p);
        let _ = price_slope(&ys);
        let _ = risk_metric(v[5], v[6], v[7], v[0]);
    }
}

#[test]
fn a_bad_parameter_is_refused_before_the_first_run() {
    let model = fei::model();
    for (p, name) in [
        (
            FeiParams {
                dt: 0.0,
                ..FeiParams::default()
            },
            "`dt`",
        ),
        (
            FeiParams {
                eth_sigma: -1.0,
                ..FeiParams::default()
            },
            "`eth_sigma`",
        ),
        (
            FeiParams {
                moving_average_window: 0,
                ..FeiParams::default()
            },
            "`moving_average_window`",
        ),
    ] {
        let mut rec = MemorySink::new();
        let err = Experiment::new(&model, vec![p])
            .runs(1)
            .timesteps(3)
            .seed(1)
            .run(&mut rec)
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("subset 0: parameter ") && msg.contains(name),
            "{msg}"
        );
        assert!(rec.is_empty());
    }
}
