//! The search for a counterexample: what it finds, how far it shrinks, that the same seed finds
//! the same case, that the case replays, and what it refuses.

use std::time::Duration;

use sim_core::search::{Search, Space};
use sim_core::{Block, BoxError, Ctx, EngineError, Model, SimRng, Value, holds};

#[derive(Clone, Debug)]
struct State {
    level: f64,
}
sim_core::vars!(State { level });

#[derive(Clone, Debug)]
struct Params {
    drain: f64,
    steps: i64,
}
sim_core::vars!(Params { drain, steps });

#[derive(Default)]
struct Input {
    out: Option<f64>,
}
sim_core::signals!(Input: f64 { out });

/// A random outflow, in [0, 2·drain).
fn outflow(p: &Params, _: &Ctx<'_, State>, rng: &mut SimRng) -> Result<Input, BoxError> {
    Ok(Input {
        out: Some(2.0 * p.drain * rng.uniform()),
    })
}
fn level(p: &Params, c: &Ctx<'_, State>, i: &Input, n: &mut State) -> Result<(), BoxError> {
    if p.steps < 0 {
        return Err("steps must be ≥ 0".into());
    }
    n.level = c.state.level - i.out.unwrap_or(0.0);
    Ok(())
}

fn model() -> Model<State, Params, Input> {
    Model::new(State { level: 10.0 })
        .validate(|_, p: &Params| {
            if p.drain >= 0.0 {
                Ok(())
            } else {
                Err("drain must be ≥ 0".into())
            }
        })
        .block(
            Block::new()
                .policy("outflow", outflow)
                .update("level", level),
        )
        .invariant("level_non_negative", |_, c| {
            holds(c.state.level >= 0.0, || {
                format!("level = {}", c.state.level)
            })
        })
}

fn base() -> Params {
    Params {
        drain: 0.0,
        steps: 0,
    }
}

#[test]
fn a_counterexample_is_found_shrunk_and_replays() {
    let m = model();
    let space = Space::new()
        .param_range("drain", 0.0, 5.0)
        .genesis_set("level", [10.0, 20.0]);
    let report = Search::new(&m, base(), space)
        .timesteps(40)
        .cases(200)
        .seed(3)
        .run()
        .unwrap();
    let c = report
        .counterexample
        .as_ref()
        .expect("a drain of up to 5 empties 10 in 40 steps");
    assert_eq!(c.invariant.as_deref(), Some("level_non_negative"));
    // The genesis level shrinks to the set's first value, the horizon to the violation's
    // timestep, the seed to the smallest of 0.. that fails within it.
    assert_eq!(c.values[1], ("level".to_owned(), Value::F64(10.0)));
    assert_eq!(c.timesteps, c.timestep);
    assert_eq!(c.substep, 1);
    let drain = c.values[0].1.as_f64();
    // Proptest's shrinking stops at a drain no smaller one still fails at: at most 40 steps
    // of at most 2·drain each must reach 10.
    assert!(drain * 2.0 * c.timesteps as f64 >= 10.0, "{c}");
    let level = c.state[0].1.as_f64();
    assert!(level < 0.0);
    assert_eq!(
        c.error,
        format!(
            "invariant `level_non_negative` violated: level = {level} (level = {})",
            Value::F64(level)
        )
    );
    // It replays: the same substep, the same state.
    let again = c.replay(&m, &base()).unwrap().expect("the replay fails");
    assert_eq!((again.timestep, again.substep), (c.timestep, c.substep));
    assert_eq!(again.error.to_string(), c.error);
    // The same search seed finds the same case.
    let space = Space::new()
        .param_range("drain", 0.0, 5.0)
        .genesis_set("level", [10.0, 20.0]);
    let second = Search::new(&m, base(), space)
        .timesteps(40)
        .cases(200)
        .seed(3)
        .run()
        .unwrap();
    let d = second.counterexample.unwrap();
    assert_eq!(
        (d.values.clone(), d.seed, d.timesteps),
        (c.values.clone(), c.seed, c.timesteps)
    );
    // The hint is an experiment file for the replay.
    let hint = c.replay_hint("tank");
    assert!(
        hint.contains("model = \"tank\"\n\n[sim]\nruns = 1\n"),
        "{hint}"
    );
    assert!(
        hint.contains(&format!("drain = [{}]", Value::F64(drain))),
        "{hint}"
    );
    assert!(hint.contains("[genesis]\nlevel = 10.0\n"), "{hint}");
}

#[test]
fn no_counterexample_says_how_many_cases_over_which_space() {
    let m = model();
    // At most 0.1 out a step for 40 steps: never below 10 − 8.
    let space = Space::new()
        .param_range("drain", 0.0, 0.1)
        .param_set("steps", [0_i64, 1]);
    let report = Search::new(&m, base(), space)
        .timesteps(40)
        .cases(50)
        .run()
        .unwrap();
    assert!(report.counterexample.is_none());
    assert_eq!(report.cases, 50);
    let text = report.to_string();
    assert!(
        text.starts_with("no counterexample in 50 cases of up to 40 timesteps over drain in [0.0, 0.1], steps in {0, 1}"),
        "{text}"
    );
}

#[test]
fn errors_count_only_when_asked() {
    let m = model();
    // Negative steps make the update fail: a model error, not a counterexample by default.
    let space = Space::new().param_set("steps", [-1_i64]);
    let report = Search::new(&m, base(), space.clone())
        .timesteps(3)
        .cases(10)
        .run()
        .unwrap();
    assert!(report.counterexample.is_none());
    let report = Search::new(&m, base(), space)
        .timesteps(3)
        .cases(10)
        .errors_count(true)
        .run()
        .unwrap();
    let c = report.counterexample.unwrap();
    assert_eq!(c.invariant, None);
    assert!(c.error.contains("steps must be ≥ 0"), "{}", c.error);
    assert_eq!((c.seed, c.timesteps), (0, 1));
}

#[test]
fn points_the_validators_refuse_are_not_cases() {
    let m = model();
    let space = Space::new().param_range("drain", -0.05, 0.05);
    let report = Search::new(&m, base(), space)
        .timesteps(10)
        .cases(40)
        .run()
        .unwrap();
    assert!(report.counterexample.is_none());
    assert_eq!(report.cases, 40);
    assert!(report.rejected > 0);
    // Every point refused: the search says so instead of passing.
    let space = Space::new().param_range("drain", -2.0, -1.0);
    let err = Search::new(&m, base(), space).cases(10).run().unwrap_err();
    assert!(err.to_string().contains("refused"), "{err}");
}

#[test]
fn a_bad_space_is_refused_by_name() {
    let m = model();
    let cases: [(Space, &str); 6] = [
        (
            Space::new().param_range("drian", 0.0, 1.0),
            "the model has no parameter `drian` (known: drain, steps)",
        ),
        (
            Space::new().genesis_range("lvl", 0.0, 1.0),
            "the model has no genesis variable `lvl` (known: level)",
        ),
        (
            Space::new().param_range("drain", 1.0, 0.0),
            "`drain`: a range needs finite bounds with min ≤ max and a finite width, got [1.0, 0.0]",
        ),
        (
            Space::new().param_range("drain", 0.0, f64::NAN),
            "`drain`: a range needs finite bounds with min ≤ max and a finite width, got [0.0, nan]",
        ),
        (
            Space::new().param_range("drain", -f64::MAX, f64::MAX),
            "`drain`: a range needs finite bounds with min ≤ max and a finite width, got [-1.7976931348623157e308, 1.7976931348623157e308]",
        ),
        (
            Space::new().param_set::<f64>("drain", []),
            "`drain`: an empty set of values",
        ),
    ];
    for (space, want) in cases {
        let err = Search::new(&m, base(), space).run().unwrap_err();
        assert_eq!(err.to_string(), format!("search: {want}"));
    }
    let err = Search::new(&m, base(), Space::new())
        .only_invariants(["nope"])
        .run()
        .unwrap_err();
    assert!(matches!(err, EngineError::UnknownInvariant { .. }));
    let err = Search::new(&m, base(), Space::new())
        .cases(0)
        .run()
        .unwrap_err();
    assert_eq!(err.to_string(), "cases must be at least 1, got 0");
}

#[test]
fn a_time_limit_stops_the_search() {
    let m = model();
    let space = Space::new().param_range("drain", 0.0, 0.1);
    let report = Search::new(&m, base(), space)
        .timesteps(10)
        .cases(1_000_000)
        .time_limit(Duration::from_millis(50))
        .run()
        .unwrap();
    assert!(report.timed_out);
    assert!(report.cases < 1_000_000);
    assert!(report.to_string().contains("stopped by the time limit"));
}

/// Any space (names, bounds and values over their whole domain: NaN, infinities, empty sets,
/// values of another type) and any budget: the search answers or refuses, and never panics.
mod arbitrary {
    use super::{Params, base, model};
    use proptest::prelude::*;
    use sim_core::Value;
    use sim_core::search::{Dim, Domain, Search, Space, Target};

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<f64>().prop_map(Value::F64),
            any::<i64>().prop_map(Value::I64),
            any::<bool>().prop_map(Value::Bool),
        ]
    }

    fn dim() -> impl Strategy<Value = Dim> {
        let name = prop_oneof![Just("drain"), Just("steps"), Just("level"), Just("nope")];
        let target = prop_oneof![Just(Target::Param), Just(Target::Genesis)];
        let domain = prop_oneof![
            (any::<f64>(), any::<f64>()).prop_map(|(min, max)| Domain::Range { min, max }),
            (-1.0..1.0f64, 0.0..2.0f64).prop_map(|(min, w)| Domain::Range { min, max: min + w }),
            (any::<i64>(), any::<i64>()).prop_map(|(min, max)| Domain::Ints { min, max }),
            proptest::collection::vec(value(), 0..4).prop_map(Domain::Set),
        ];
        (name, target, domain).prop_map(|(name, target, domain)| Dim {
            name: name.to_owned(),
            target,
            domain,
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_space_is_searched_or_refused(
            dims in proptest::collection::vec(dim(), 0..4),
            cases in 0u32..8,
            timesteps in 0usize..6,
            seed in any::<u64>(),
        ) {
            let m = model();
            let params = Params { drain: 0.5, ..base() };
            let space = dims.into_iter().fold(Space::new(), Space::dim);
            let search = Search::new(&m, params.clone(), space)
                .cases(cases)
                .timesteps(timesteps)
                .seed(seed)
                .seed_tries(8);
            match search.run() {
                Ok(report) => {
                    prop_assert!(report.cases <= cases);
                    if let Some(c) = report.counterexample {
                        prop_assert!(c.timesteps >= 1 && c.timesteps <= timesteps);
                        let replayed = c.replay(&m, &params).unwrap();
                        prop_assert!(replayed.is_some());
                    }
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
}
