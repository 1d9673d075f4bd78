//! The Honey model: its first step worked by hand (and equal to cadCAD's record), each defect
//! option, the seed's experiment, and arbitrary input.

#![expect(
    clippy::float_cmp,
    reason = "hand-worked values are compared exactly where they are exact"
)]

use proptest::prelude::*;
use sim_core::{Experiment, MemorySink, NullSink, RngKind, SweepRule};
use tokensim_models::ModelError;
use tokensim_models::honey::{
    self, BurnLimit, HoneyOptions, HoneyParams, HoneyState, InflowLimit, InflowPrice, PriceGuard,
    PriceWalk, VarianceMeaning,
};

fn faithful() -> HoneyParams {
    HoneyParams {
        options: HoneyOptions::faithful(),
        ..HoneyParams::default()
    }
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs())
}

#[test]
fn first_step_from_genesis_by_hand() {
    // outflow = 7473·0.05 = 373.65; inflow = 0 (saturation 0); netflow = −373.65.
    // ratio = 7099.35/26238 ≈ 0.2706 > 0.1, so e < −0.002: the burn is 0.002·26238 = 52.476.
    let s = honey::transition(&faithful(), &HoneyState::GENESIS, 10.0).unwrap();
    // 7473·0.05 rounds to 373.65000000000003, as cadCAD's record shows.
    assert_eq!(s.netflow, -373.650_000_000_000_03);
    assert!(rel(s.adjustment, -52.476) < 1e-15);
    // The record cadCAD 0.5.3 wrote for this step (engine-records, honey-deterministic.csv).
    assert_eq!(s.reserve, 7_046.874_000_000_001);
    assert_eq!(s.circulation, 19138.65);
    // production = 373.65·1.88·10; utility = 10·Q/(Q + 100000); the target price
    // 100000/26238 · 2/0.5 · (26238/18765)².
    assert_eq!(s.production, 7024.62);
    assert!(rel(s.utility, 0.656_355_518_945_080_2) < 1e-15);
    assert!(rel(s.saturation, 0.004_755_699_313_621_816) < 1e-14);
    assert!(rel(s.target_price, 29.805_305_768_707_708) < 1e-15);
    let hand = 100_000.0 / 26238.0 * 4.0 * (26238.0_f64 / 18765.0).powi(2);
    assert!(rel(s.target_price, hand) < 1e-14);
}

#[test]
fn inflow_price_option() {
    // Once saturation is positive, inflow is size·saturation divided by the chosen price.
    let s = HoneyState {
        saturation: 0.5,
        price: 20.0,
        target_price: 40.0,
        ..HoneyState::GENESIS
    };
    let mut p = faithful();
    let (seed_netflow, _) = honey::supply(&p, &s).unwrap();
    assert_eq!(seed_netflow, 100_000.0 * 0.5 / 40.0 - 7473.0 * 0.05);
    p.options.inflow_price = InflowPrice::Market;
    let (fixed_netflow, _) = honey::supply(&p, &s).unwrap();
    assert_eq!(fixed_netflow, 100_000.0 * 0.5 / 20.0 - 7473.0 * 0.05);
}

#[test]
fn price_guard_option() {
    // A draw of −5σ away from the target: magnitude 1.25, so the price goes from 10 to −2.5.
    let mut p = faithful();
    let s = HoneyState::GENESIS; // price 10, below the target 30 used here
    let away = 0.9; // ≥ p_pull 0.75: away from the target
    assert_eq!(honey::price_step(&p, &s, 30.0, away, -5.0).unwrap(), -2.5);
    p.options.price_guard = PriceGuard::Reject;
    assert_eq!(
        honey::price_step(&p, &s, 30.0, away, -5.0),
        Err(ModelError::NonPositivePrice {
            price: "-2.5".into()
        })
    );
    // Toward the target: up by 10·0.25·|−1|.
    assert_eq!(honey::price_step(&p, &s, 30.0, 0.1, -1.0).unwrap(), 12.5);
}

#[test]
fn burn_limit_option() {
    // throttle 0 and a target ratio of 0.05: e = (1 − 0.2706/0.05)/12 ≈ −0.368, a burn of
    // ≈ 9,650 HNY from a pool of 7,099.35.
    let mut p = HoneyParams {
        throttle: 0.0,
        target_reserve_ratio: 0.05,
        ..faithful()
    };
    let seed = honey::transition(&p, &HoneyState::GENESIS, 10.0).unwrap();
    assert!(seed.reserve < -2500.0, "{}", seed.reserve);
    p.options.burn_limit = BurnLimit::Reserve;
    let fixed = honey::transition(&p, &HoneyState::GENESIS, 10.0).unwrap();
    assert_eq!(fixed.adjustment, -7099.35);
    assert_eq!(fixed.reserve, 0.0);
}

#[test]
fn variance_meaning_option() {
    let mut p = HoneyParams {
        p_variance: 0.25,
        ..faithful()
    };
    let s = HoneyState::GENESIS;
    // toward a higher target, normal draw 1: the step is 10·scale.
    assert_eq!(honey::price_step(&p, &s, 30.0, 0.0, 1.0).unwrap(), 12.5);
    p.options.p_variance = VarianceMeaning::Variance;
    assert_eq!(honey::price_step(&p, &s, 30.0, 0.0, 1.0).unwrap(), 15.0);
    p.p_variance = -0.1;
    assert!(matches!(
        honey::price_step(&p, &s, 30.0, 0.0, 1.0),
        Err(ModelError::NegativeScale { .. })
    ));
}

#[test]
fn division_by_zero_is_named() {
    let s = HoneyState {
        target_price: 0.0,
        ..HoneyState::GENESIS
    };
    assert_eq!(
        honey::supply(&faithful(), &s),
        Err(ModelError::DivisionByZero {
            what: "size·saturation / price"
        })
    );
    let s = HoneyState {
        circulation: 0.0,
        ..HoneyState::GENESIS
    };
    assert!(honey::target_price(&faithful(), &s).is_err());
}

#[test]
fn fidelity_maps_to_options() {
    assert_eq!(
        HoneyOptions::from(tokensim_models::Fidelity::Faithful),
        HoneyOptions::faithful()
    );
    assert_eq!(
        HoneyOptions::from(tokensim_models::Fidelity::Corrected),
        HoneyOptions::default()
    );
    assert_eq!(HoneyOptions::default().inflow_price, InflowPrice::Market);
}

#[test]
fn the_seed_experiment() {
    let subsets = honey::seed_sweep()
        .subsets(&faithful(), SweepRule::Zip)
        .unwrap();
    let pairs: Vec<(f64, f64)> = subsets
        .iter()
        .map(|p| (p.throttle, p.target_reserve_ratio))
        .collect();
    assert_eq!(
        pairs,
        vec![
            (0.002, 0.1),
            (0.004, 0.1),
            (0.008, 0.1),
            (0.002, 0.2),
            (0.004, 0.2),
            (0.008, 0.2),
            (0.002, 0.3),
            (0.004, 0.3),
            (0.008, 0.3),
        ]
    );
    let model = honey::model();
    let mut rec = MemorySink::new();
    let out = Experiment::new(&model, subsets)
        .runs(honey::SEED_RUNS)
        .timesteps(honey::SEED_TIMESTEPS)
        .seed(2021)
        .rng(RngKind::Numpy)
        .run(&mut rec)
        .unwrap();
    assert_eq!(out.rows, 10_890);
    assert!(
        out.is_success(),
        "{:?}",
        out.failures.first().map(ToString::to_string)
    );
    // Supply is conserved by netflow and changed only by adjustments.
    let (r, c, a) = (
        rec.f64_column("reserve").unwrap(),
        rec.f64_column("circulation").unwrap(),
        rec.f64_column("adjustment").unwrap(),
    );
    for i in 1..rec.len() {
        if rec.meta()[i].timestep > 0 {
            let before = r[i - 1] + c[i - 1];
            let after = r[i] + c[i];
            assert!((after - before - a[i]).abs() < 1e-7 * before, "row {i}");
        }
    }
}

#[test]
fn corrected_runs_report_negative_prices() {
    // A huge variance makes steps past −100% certain: every run ends with the named error.
    let p = HoneyParams {
        p_variance: 50.0,
        p_pull: 0.0,
        ..HoneyParams::default()
    };
    let model = honey::model();
    let out = Experiment::new(&model, vec![p])
        .runs(4)
        .timesteps(50)
        .run(&mut NullSink::default())
        .unwrap();
    assert_eq!(out.failures.len(), 4);
    assert!(out.failures[0].to_string().contains("not positive"));
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e6..1e6f64,
        Just(0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-f64::INFINITY),
        any::<f64>(),
    ]
}

fn any_state() -> impl Strategy<Value = HoneyState> {
    proptest::collection::vec(any_f64(), 10).prop_map(|v| HoneyState {
        reserve: v[0],
        circulation: v[1],
        size: v[2],
        saturation: v[3],
        production: v[4],
        utility: v[5],
        price: v[6],
        target_price: v[7],
        netflow: v[8],
        adjustment: v[9],
    })
}

fn any_params() -> impl Strategy<Value = HoneyParams> {
    (proptest::collection::vec(any_f64(), 8), any::<[bool; 6]>()).prop_map(|(v, o)| HoneyParams {
        throttle: v[0],
        outflow_rate: v[1],
        target_reserve_ratio: v[2],
        valuation_ratio: v[3],
        productivity: v[4],
        growth: v[5],
        p_variance: v[6],
        p_pull: v[7],
        options: HoneyOptions {
            price_walk: if o[4] {
                PriceWalk::Multiplicative
            } else {
                PriceWalk::Additive
            },
            inflow_limit: if o[5] {
                InflowLimit::Circulation
            } else {
                InflowLimit::Unbounded
            },
            inflow_price: if o[0] {
                InflowPrice::Market
            } else {
                InflowPrice::Target
            },
            price_guard: if o[1] {
                PriceGuard::Reject
            } else {
                PriceGuard::Allow
            },
            burn_limit: if o[2] {
                BurnLimit::Reserve
            } else {
                BurnLimit::Unbounded
            },
            p_variance: if o[3] {
                VarianceMeaning::StdDev
            } else {
                VarianceMeaning::Variance
            },
        },
    })
}

proptest! {
    #[test]
    fn arbitrary_input_never_panics(p in any_params(), s in any_state(), u in any_f64(), z in any_f64()) {
        let _ = honey::supply(&p, &s);
        let _ = honey::saturation(&p, &s);
        let _ = honey::target_price(&p, &s);
        let _ = honey::transition(&p, &s, u);
        if let Ok(price) = honey::price_step(&p, &s, z, u, z)
            && p.options.price_guard == PriceGuard::Reject
        {
            prop_assert!(price > 0.0 && price.is_finite());
        }
    }

    #[test]
    fn arbitrary_runs_never_panic(p in any_params(), s in any_state(), seed in any::<u64>()) {
        let mut model = honey::model();
        model.genesis = s;
        let valid = honey::validate(&s, &p);
        let out = Experiment::new(&model, vec![p])
            .runs(2)
            .timesteps(5)
            .seed(seed)
            .threads(1)
            .check_finite(true)
            .run(&mut NullSink::default());
        // Refused up front exactly when the validator refuses; otherwise every run is counted.
        match (valid, out) {
            (Ok(()), Ok(out)) => prop_assert_eq!(out.runs, 2),
            (Err(e), Err(sim_core::EngineError::Invalid { subset: 0, reason })) => {
                prop_assert_eq!(e.to_string(), reason.to_string());
            }
            (v, o) => prop_assert!(false, "validator {v:?}, run {o:?}"),
        }
    }
}

#[test]
fn bad_parameters_are_refused_with_their_range() {
    let g = HoneyState::GENESIS;
    let with = |f: fn(&mut HoneyParams)| {
        let mut p = HoneyParams::default();
        f(&mut p);
        honey::validate(&g, &p).map_err(|e| e.to_string())
    };
    assert_eq!(
        with(|p| p.throttle = f64::NAN),
        Err("parameter `throttle` = NaN: it must be finite and in [0, 1]".to_owned())
    );
    assert_eq!(
        with(|p| p.throttle = -1.0),
        Err("parameter `throttle` = -1: it must be finite and in [0, 1]".to_owned())
    );
    assert_eq!(
        with(|p| p.p_pull = 1.5),
        Err("parameter `p_pull` = 1.5: it must be finite and in [0, 1]".to_owned())
    );
    assert_eq!(with(|_| ()), Ok(()));
    let bad_genesis = HoneyState {
        price: 0.0,
        ..HoneyState::GENESIS
    };
    assert_eq!(
        honey::validate(&bad_genesis, &HoneyParams::default()).map_err(|e| e.to_string()),
        Err("parameter `price` = 0: it must be finite and > 0".to_owned())
    );
    // The seed's sweep, every subset of it, passes.
    for throttle in [0.002, 0.004, 0.008] {
        for target_reserve_ratio in [0.1, 0.2, 0.3] {
            let p = HoneyParams {
                throttle,
                target_reserve_ratio,
                ..HoneyParams::default()
            };
            assert_eq!(honey::validate(&g, &p), Ok(()));
        }
    }
}
