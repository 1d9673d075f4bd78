//! The built-in models' invariants: each one names what breaks it, the corrected models hold
//! them over wide searches, and the seeds' defects break them where their docs say.

use rust_decimal::Decimal;
use sim_core::search::{Search, Space};
use sim_core::{Check, Experiment, InvariantCheck, NullSink};
use tokensim_models::Fidelity;
use tokensim_models::fei::{self, FeiParams, FeiState};
use tokensim_models::flash::{self, FlashParams, FlashState};
use tokensim_models::honey::{self, HoneyOptions, HoneyParams, HoneyState};

fn check<'a, S>(before: &'a S, state: &'a S) -> Check<'a, S> {
    Check {
        before,
        state,
        timestep: 1,
        substep: 1,
    }
}

#[test]
fn each_honey_invariant_names_what_breaks_it() {
    let model = honey::model();
    let p = HoneyParams::default();
    let g = HoneyState::GENESIS;
    assert_eq!(
        model.invariant_names(),
        [
            "price_positive",
            "target_price_positive",
            "reserve_non_negative",
            "circulation_non_negative",
            "saturation_in_unit",
            "supply_changes_by_adjustment"
        ]
    );
    assert_eq!(model.check_invariants(&p, &check(&g, &g), &[]), Ok(()));
    let broken = [
        (
            "price_positive",
            HoneyState { price: -0.5, ..g },
            "price = -0.5",
        ),
        (
            "target_price_positive",
            HoneyState {
                target_price: f64::INFINITY,
                ..g
            },
            "target_price = inf",
        ),
        (
            "reserve_non_negative",
            HoneyState {
                reserve: -1.0,
                circulation: g.circulation + 1.0,
                adjustment: 0.0,
                ..g
            },
            "reserve = -1",
        ),
        (
            "circulation_non_negative",
            HoneyState {
                circulation: -2.0,
                reserve: g.reserve + g.circulation + 2.0,
                ..g
            },
            "circulation = -2",
        ),
        (
            "saturation_in_unit",
            HoneyState {
                saturation: f64::NAN,
                ..g
            },
            "saturation = NaN",
        ),
        (
            "supply_changes_by_adjustment",
            HoneyState {
                reserve: g.reserve + 10.0,
                adjustment: 9.0,
                ..g
            },
            "the supply changed by 10, the adjustment was 9 (supply 26238 → 26248)",
        ),
    ];
    for (name, state, message) in broken {
        let v = model
            .check_invariants(&p, &check(&g, &state), &[])
            .unwrap_err();
        assert_eq!((v.name, v.message.as_str()), (name, message));
    }
    // A mint of 9 that the supply shows is no violation, to the last bits of rounding.
    let minted = HoneyState {
        reserve: g.reserve + 9.0,
        adjustment: 9.0,
        ..g
    };
    assert_eq!(model.check_invariants(&p, &check(&g, &minted), &[]), Ok(()));
}

#[test]
fn flash_and_fei_invariants_name_what_breaks_them() {
    let model = flash::model();
    let p = FlashParams::default();
    let g = FlashState::GENESIS;
    let fell = FlashState {
        int_alt: g.int_alt - Decimal::ONE,
        ..g
    };
    let v = model
        .check_invariants(&p, &check(&g, &fell), &[])
        .unwrap_err();
    assert_eq!(v.name, "product_never_falls");
    assert!(
        v.message
            .starts_with("the internal pool's product fell: 100000 × 99999"),
        "{}",
        v.message
    );
    // Without a fee there is nothing to keep.
    let free = FlashParams {
        fee_rate: Decimal::ZERO,
        ..p
    };
    assert_eq!(
        model.check_invariants(&free, &check(&g, &fell), &[]),
        Ok(())
    );
    let emptied = FlashState {
        ext_alt: Decimal::ZERO,
        ..g
    };
    assert_eq!(
        model
            .check_invariants(&p, &check(&g, &emptied), &["pools_positive"])
            .unwrap_err()
            .message,
        "ext_alt = 0"
    );
    let negative = FlashState {
        staked: Decimal::NEGATIVE_ONE,
        ..g
    };
    assert_eq!(
        model
            .check_invariants(&p, &check(&g, &negative), &[])
            .unwrap_err()
            .name,
        "staked_non_negative"
    );

    let model = fei::model();
    let p = FeiParams::default();
    let g = FeiState::GENESIS;
    let lost = FeiState {
        idle: g.idle - 1e-6,
        ..g
    };
    let v = model
        .check_invariants(&p, &check(&g, &lost), &[])
        .unwrap_err();
    assert_eq!(v.name, "conserves_total");
    let overdrawn = FeiState {
        savings: -1.0,
        idle: g.idle + 1.0,
        ..g
    };
    let v = model
        .check_invariants(&p, &check(&g, &overdrawn), &[])
        .unwrap_err();
    assert_eq!(
        (v.name, v.message.as_str()),
        ("balances_non_negative", "savings = -1")
    );
}

/// The corrected Honey model over a space much wider than the seed's: no counterexample.
#[test]
fn the_corrected_honey_model_holds_its_invariants_by_construction() {
    let model = honey::model();
    let space = Space::new()
        .param_range("p_variance", 0.0, 3.0)
        .param_range("p_pull", 0.0, 1.0)
        .param_range("throttle", 0.0, 0.1)
        .param_range("target_reserve_ratio", 0.0, 1.0)
        .param_range("outflow_rate", 0.0, 1.0)
        .param_range("productivity", 0.0, 1.0)
        .param_range("growth", -0.5, 0.5)
        .genesis_range("price", 0.01, 1000.0);
    let report = Search::new(&model, HoneyParams::default(), space)
        .timesteps(240)
        .cases(400)
        .seed(9)
        .run()
        .unwrap();
    assert!(report.counterexample.is_none(), "{report}");
}

/// The faithful walk crosses zero: at twice the seed's scale a step away from the target
/// (odds 1 − p_pull = 0.25) of magnitude `|N(0, 0.5)| > 1` (odds 0.0455) comes about once in
/// 88 months, so in about 13 % of one-year runs.
#[test]
fn the_seed_s_walk_breaks_price_positive_and_the_corrected_one_does_not() {
    let model = honey::model();
    let run = |options: HoneyOptions| {
        let p = HoneyParams {
            p_variance: 0.5,
            options,
            ..HoneyParams::default()
        };
        Experiment::new(&model, vec![p])
            .runs(50)
            .timesteps(12)
            .seed(2)
            .run(&mut NullSink::default())
            .unwrap()
    };
    let seed = run(HoneyOptions::faithful());
    // 50 runs: 6.5 expected (binomial, standard deviation 2.4); this seed gives 9.
    assert!(
        (2..=15).contains(&seed.failures.len()),
        "{}",
        seed.failures.len()
    );
    assert!(
        seed.failures
            .iter()
            .all(|f| f.invariant() == Some("price_positive"))
    );
    assert!(run(HoneyOptions::default()).is_success());
}

/// Every corrected built-in model, at its defaults, over many runs: no violation.
#[test]
fn the_corrected_models_run_without_violations() {
    let honey = Experiment::new(&honey::model(), vec![HoneyParams::default()])
        .runs(200)
        .timesteps(120)
        .seed(1)
        .run(&mut NullSink::default())
        .unwrap();
    assert!(honey.is_success(), "{:?}", honey.failures.first());
    let flash = Experiment::new(&flash::model(), vec![FlashParams::default()])
        .runs(100)
        .timesteps(30)
        .seed(1)
        .run(&mut NullSink::default())
        .unwrap();
    assert!(flash.is_success(), "{:?}", flash.failures.first());
    let fei = Experiment::new(&fei::model(), vec![FeiParams::default()])
        .runs(10)
        .timesteps(365)
        .seed(1)
        .invariants(InvariantCheck::Substep)
        .run(&mut NullSink::default())
        .unwrap();
    assert!(fei.is_success(), "{:?}", fei.failures.first());
    // The seed's Fei rebalance loses FEI in its last bits at once.
    let seed = Experiment::new(
        &fei::model(),
        vec![FeiParams::with_fidelity(Fidelity::Faithful)],
    )
    .runs(2)
    .timesteps(5)
    .seed(1)
    .run(&mut NullSink::default())
    .unwrap();
    assert_eq!(seed.failures[0].invariant(), Some("conserves_total"));
}
