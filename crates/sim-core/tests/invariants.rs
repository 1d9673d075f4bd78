//! The engine's invariant checks: when they run, what a violation records, which runs it
//! ends, and what is refused before anything runs.

use sim_core::{
    Block, BoxError, Ctx, EngineError, Experiment, InvariantCheck, MemorySink, Model, RunError,
    SimRng, Value, holds,
};

#[derive(Clone, Debug)]
struct State {
    x: f64,
    y: f64,
}
sim_core::vars!(State { x, y });

#[derive(Clone, Debug)]
struct Params {
    step: f64,
    limit: f64,
}
sim_core::vars!(Params { step, limit });

#[derive(Default)]
struct Input {
    dx: Option<f64>,
}
sim_core::signals!(Input: f64 { dx });

fn noise(p: &Params, _: &Ctx<'_, State>, rng: &mut SimRng) -> Result<Input, BoxError> {
    Ok(Input {
        dx: Some(p.step * rng.uniform()),
    })
}
fn add(_: &Params, c: &Ctx<'_, State>, i: &Input, n: &mut State) -> Result<(), BoxError> {
    n.x = c.state.x + i.dx.unwrap_or(0.0);
    Ok(())
}
/// The second block briefly makes `y` negative: `y = -x`, then the third puts it back.
fn negate(_: &Params, c: &Ctx<'_, State>, _: &Input, n: &mut State) -> Result<(), BoxError> {
    n.y = -c.state.x;
    Ok(())
}
fn restore(_: &Params, c: &Ctx<'_, State>, _: &Input, n: &mut State) -> Result<(), BoxError> {
    n.y = c.state.x;
    Ok(())
}

fn model() -> Model<State, Params, Input> {
    Model::new(State { x: 0.0, y: 0.0 })
        .block(Block::new().policy("noise", noise).update("x", add))
        .block(Block::new().update("y", negate))
        .block(Block::new().update("y", restore))
        .invariants(|i| {
            i.check("x_below_limit", |p: &Params, c| {
                holds(c.state.x < p.limit, || {
                    format!("x = {} ≥ limit {}", c.state.x, p.limit)
                })
            })
            .check("x_never_falls", |_, c| {
                holds(c.state.x >= c.before.x, || {
                    format!("x fell from {} to {}", c.before.x, c.state.x)
                })
            })
        })
        .invariant("y_non_negative", |_, c| {
            holds(c.state.y >= 0.0, || format!("y = {}", c.state.y))
        })
}

fn run(
    model: &Model<State, Params, Input>,
    check: InvariantCheck,
    only: &[&str],
    threads: usize,
) -> (sim_core::Outcome, MemorySink) {
    let subsets = vec![
        Params {
            step: 1.0,
            limit: 1e9,
        },
        Params {
            step: 1.0,
            limit: 3.0,
        },
    ];
    let mut sink = MemorySink::new();
    let outcome = Experiment::new(model, subsets)
        .runs(3)
        .timesteps(20)
        .seed(5)
        .threads(threads)
        .invariants(check)
        .only_invariants(only.iter().copied())
        .run(&mut sink)
        .unwrap();
    (outcome, sink)
}

#[test]
fn a_substep_violation_names_the_invariant_and_keeps_the_state() {
    let m = model();
    let (outcome, sink) = run(&m, InvariantCheck::Substep, &[], 1);
    // y is negative after every second substep: every run ends at timestep 1, substep 2,
    // unless x has already passed its limit (it cannot in one step of at most 1).
    assert_eq!(outcome.failures.len(), 6);
    for f in &outcome.failures {
        assert_eq!((f.timestep, f.substep), (1, 2), "{f}");
        assert_eq!(f.invariant(), Some("y_non_negative"));
        let RunError::Invariant { state, message, .. } = &f.error else {
            panic!("{f}");
        };
        let x = state[0].1.as_f64();
        assert_eq!(state[1], ("y", Value::F64(-x)));
        assert_eq!(message, &format!("y = {}", -x));
    }
    // Each run has its genesis row, substep 1 and the violating substep 2.
    assert_eq!(outcome.rows, 6 * 3);
    let y = sink.f64_column("y").unwrap();
    assert!(y[2] < 0.0 || y[2] == 0.0 && y[1] == 0.0);
}

#[test]
fn a_timestep_check_sees_only_each_timestep_s_end() {
    let m = model();
    let (outcome, _) = run(&m, InvariantCheck::Timestep, &[], 1);
    // y is back to x at the end of every timestep: only subset 1's limit of 3 can be
    // broken, by x, which grows by at most 1 a timestep, so not before timestep 3.
    assert!(!outcome.failures.is_empty());
    for f in &outcome.failures {
        assert_eq!(f.subset, 1, "{f}");
        assert_eq!(f.substep, 3, "{f}");
        assert!(f.timestep >= 3, "{f}");
        assert_eq!(f.invariant(), Some("x_below_limit"));
        assert!(f.error.to_string().contains("≥ limit 3"), "{f}");
    }
}

#[test]
fn only_the_named_invariants_are_checked_and_off_checks_none() {
    let m = model();
    let (outcome, _) = run(&m, InvariantCheck::Substep, &["x_never_falls"], 1);
    assert!(outcome.is_success());
    let (outcome, _) = run(&m, InvariantCheck::Substep, &["x_below_limit"], 1);
    assert!(outcome.failures.iter().all(|f| f.subset == 1));
    assert!(!outcome.failures.is_empty());
    let (outcome, sink) = run(&m, InvariantCheck::Off, &[], 1);
    assert!(outcome.is_success());
    assert_eq!(sink.len(), 6 * (1 + 20 * 3));
}

#[test]
fn violations_are_the_same_on_one_thread_or_two() {
    let m = model();
    let (one, a) = run(&m, InvariantCheck::Timestep, &[], 1);
    let (two, b) = run(&m, InvariantCheck::Timestep, &[], 2);
    let show = |o: &sim_core::Outcome| {
        o.failures
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(show(&one), show(&two));
    assert_eq!(a.f64_column("x"), b.f64_column("x"));
}

#[test]
fn unknown_and_repeated_invariants_are_refused_before_anything_runs() {
    let m = model();
    let err = Experiment::new(
        &m,
        vec![Params {
            step: 1.0,
            limit: 1.0,
        }],
    )
    .only_invariants(["x_below_limt"])
    .run(&mut MemorySink::new())
    .unwrap_err();
    assert!(matches!(err, EngineError::UnknownInvariant { .. }));
    assert_eq!(
        err.to_string(),
        "the model has no invariant `x_below_limt` (invariants: x_below_limit, x_never_falls, y_non_negative)"
    );
    let twice = model().invariant("y_non_negative", |_, _| Ok(()));
    let mut sink = MemorySink::new();
    let err = Experiment::new(
        &twice,
        vec![Params {
            step: 1.0,
            limit: 1.0,
        }],
    )
    .run(&mut sink)
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the model declares invariant `y_non_negative` twice"
    );
    assert_eq!(sink.len(), 0);
    assert_eq!(
        "timestep".parse::<InvariantCheck>().unwrap(),
        InvariantCheck::Timestep
    );
    assert!("every".parse::<InvariantCheck>().is_err());
}

#[test]
fn a_panicking_invariant_costs_only_its_run() {
    let m = Model::new(State { x: 0.0, y: 0.0 })
        .block(Block::new().policy("noise", noise).update("x", add))
        .invariant("panics_for_subset_1", |p: &Params, _| {
            assert!(p.limit > 2.0, "limit {}", p.limit);
            Ok(())
        });
    let subsets = vec![
        Params {
            step: 1.0,
            limit: 5.0,
        },
        Params {
            step: 1.0,
            limit: 1.0,
        },
    ];
    let outcome = Experiment::new(&m, subsets)
        .runs(2)
        .timesteps(4)
        .run(&mut MemorySink::new())
        .unwrap();
    assert_eq!(outcome.failures.len(), 2);
    assert!(outcome.failures.iter().all(|f| f.subset == 1));
    assert!(matches!(outcome.failures[0].error, RunError::Panic { .. }));
    assert!(outcome.failures[0].error.to_string().contains("limit 1"));
}
