//! The engine's semantics, each rule tested on a small model whose records are worked out by
//! hand: sweeps, history, reductions, failures, streams, threads, hooks and sinks.

#![expect(clippy::float_cmp, reason = "the records of these models are exact")]

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use sim_core::{
    Block, BoxError, CsvSink, Ctx, EngineError, Experiment, Hooks, MemorySink, Model, NoParams,
    NullSink, Policies, Psub, RngKind, RunError, SimRng, Sink, Sweep, SweepRule, Value, VarError,
    Vars, need,
};

#[derive(Debug, Clone, Default, PartialEq)]
struct S {
    x: f64,
    y: f64,
}
sim_core::vars!(S { x, y });

#[derive(Debug, Clone, Default, PartialEq)]
struct P {
    k: f64,
    m: i64,
}
sim_core::vars!(P { k, m });

#[derive(Debug, Default)]
struct G {
    dx: Option<f64>,
}
sim_core::signals!(G: f64 { dx });

type R<T> = Result<T, BoxError>;

fn emit(v: f64) -> R<G> {
    Ok(G { dx: Some(v) })
}

fn add_dx(_: &P, c: &Ctx<'_, S>, i: &G, n: &mut S) -> R<()> {
    n.x = c.state.x + need(i.dx, "dx")?;
    Ok(())
}

// ---- sweeps ----

#[test]
fn zip_broadcasts_single_values() {
    let s = Sweep::new().param("k", [1.0, 2.0, 3.0]).param("m", [7i64]);
    let subsets = s.subsets(&P::default(), SweepRule::Zip).unwrap();
    let got: Vec<(f64, i64)> = subsets.iter().map(|p| (p.k, p.m)).collect();
    assert_eq!(got, vec![(1.0, 7), (2.0, 7), (3.0, 7)]);
}

#[test]
fn zip_rejects_a_mix_and_names_the_parameter() {
    let s = Sweep::new()
        .param("k", [1.0, 2.0, 3.0])
        .param("m", [1i64, 2]);
    match s.subsets(&P::default(), SweepRule::Zip) {
        Err(EngineError::SweepLength {
            param,
            len,
            expected,
        }) => assert_eq!((param.as_str(), len, expected), ("m", 2, 3)),
        other => panic!("expected a SweepLength error, got {other:?}"),
    }
}

#[test]
fn pad_last_and_product() {
    let s = Sweep::new()
        .param("k", [1.0, 2.0, 3.0])
        .param("m", [1i64, 2]);
    let pad = s.subsets(&P::default(), SweepRule::PadLast).unwrap();
    let got: Vec<(f64, i64)> = pad.iter().map(|p| (p.k, p.m)).collect();
    assert_eq!(got, vec![(1.0, 1), (2.0, 2), (3.0, 2)]);
    let prod = s.subsets(&P::default(), SweepRule::Product).unwrap();
    let got: Vec<(f64, i64)> = prod.iter().map(|p| (p.k, p.m)).collect();
    assert_eq!(
        got,
        vec![(1.0, 1), (1.0, 2), (2.0, 1), (2.0, 2), (3.0, 1), (3.0, 2)]
    );
}

#[test]
fn sweep_errors() {
    let base = P::default();
    let empty = Sweep::new().param::<f64>("k", []);
    assert!(matches!(
        empty.subsets(&base, SweepRule::Zip),
        Err(EngineError::EmptySweep { param }) if param == "k"
    ));
    let twice = Sweep::new().param("k", [1.0]).param("k", [2.0]);
    assert!(matches!(
        twice.subsets(&base, SweepRule::Product),
        Err(EngineError::DuplicateParam { param }) if param == "k"
    ));
    let unknown = Sweep::new().param("q", [1.0]);
    assert!(matches!(
        unknown.subsets(&base, SweepRule::Zip),
        Err(EngineError::Var(VarError::Unknown { name, .. })) if name == "q"
    ));
    let wrong_type = Sweep::new().param("m", [1.5]);
    assert!(matches!(
        wrong_type.subsets(&base, SweepRule::Zip),
        Err(EngineError::Var(VarError::Type { name, .. })) if name == "m"
    ));
    // An empty sweep is one subset: the base parameters.
    assert_eq!(
        Sweep::new().subsets(&base, SweepRule::Zip).unwrap(),
        vec![base]
    );
}

// ---- history ----

/// Two blocks; x counts substeps; y records what the history showed.
fn history_model() -> Model<S, P, G> {
    fn count(_: &P, _: &Ctx<'_, S>, _: &mut SimRng) -> R<G> {
        emit(1.0)
    }
    fn look_back(_: &P, c: &Ctx<'_, S>, _: &G, n: &mut S) -> R<()> {
        // y = 1000·len(sH) + sH[-2][-1].x (or −1 when there is no sH[-2]).
        let back2 = c.history.back(2).map_or(-1.0, |t| t[t.len() - 1].x);
        let len = c.history.len() as f64;
        n.y = 1000.0 * len + back2;
        Ok(())
    }
    Model::new(S::default())
        .block(Block::new().policy("count", count).update("x", add_dx))
        .block(
            Block::new()
                .policy("count", count)
                .update("x", add_dx)
                .update("y", look_back),
        )
}

#[test]
fn history_reaches_back_to_genesis() {
    let model = history_model();
    let mut rec = MemorySink::new();
    Experiment::new(&model, vec![P::default()])
        .timesteps(3)
        .threads(1)
        .run(&mut rec)
        .unwrap();
    let x = rec.f64_column("x").unwrap();
    let y = rec.f64_column("y").unwrap();
    assert_eq!(x, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    // Timestep 1 sees [genesis] only: len 1, no sH[-2]. Timestep 2: len 2, sH[-2] is genesis
    // (x = 0). Timestep 3: len 3, sH[-2][-1] is timestep 1's last state (x = 2).
    assert_eq!(y, vec![0.0, 0.0, 999.0, 999.0, 2000.0, 2000.0, 3002.0]);
}

#[test]
fn history_accessors_are_checked() {
    fn probe(_: &P, c: &Ctx<'_, S>, _: &mut SimRng) -> R<G> {
        let h = c.history;
        assert!(h.back(0).is_none());
        assert!(h.back(h.len() + 1).is_none());
        assert!(h.timestep(h.len()).is_none());
        assert_eq!(h.timestep(0).map(<[S]>::len), Some(1));
        assert_eq!(h.states().len(), 1 + (h.len() - 1) * 2);
        emit(0.0)
    }
    let model = Model::new(S::default())
        .block(Block::new().policy("probe", probe).update("x", add_dx))
        .block(Block::new().policy("probe", probe).update("x", add_dx));
    let out = Experiment::new(&model, vec![P::default()])
        .timesteps(4)
        .run(&mut NullSink::default())
        .unwrap();
    assert!(out.is_success());
}

// ---- reductions ----

fn three(_: &P, _: &Ctx<'_, S>, _: &mut SimRng) -> R<G> {
    emit(3.0)
}
fn five(_: &P, _: &Ctx<'_, S>, _: &mut SimRng) -> R<G> {
    emit(5.0)
}
fn silent(_: &P, _: &Ctx<'_, S>, _: &mut SimRng) -> R<G> {
    Ok(G::default())
}

fn reduced<Ps: Policies<S, P, G> + 'static>(block: Block<S, P, G, Ps>) -> f64 {
    let model = Model::new(S::default()).block(block.update("x", add_dx));
    let mut rec = MemorySink::new();
    Experiment::new(&model, vec![P::default()])
        .run(&mut rec)
        .unwrap();
    rec.f64_column("x").unwrap()[1]
}

#[test]
fn signals_sum_by_default_and_take_a_custom_reduction() {
    let b = || {
        Block::new()
            .policy("a", three)
            .policy("b", silent)
            .policy("c", five)
    };
    assert_eq!(reduced(b()), 8.0);
    assert_eq!(reduced(b().policy_ops(|a, b| Some(a.max(b)))), 5.0);
    assert_eq!(reduced(b().policy_ops(|a, b| Some(a * b))), 15.0);
    // A key one policy emits is passed through, not reduced with a default.
    assert_eq!(
        reduced(
            Block::new()
                .policy("a", three)
                .policy_ops(|a, b| Some(a * b))
        ),
        3.0
    );
}

#[test]
fn a_refusing_reduction_ends_the_run() {
    let model = Model::new(S::default()).block(
        Block::new()
            .policy("a", three)
            .policy("b", five)
            .policy_ops(|_, _| None)
            .update("x", add_dx),
    );
    let out = Experiment::new(&model, vec![P::default()])
        .run(&mut NullSink::default())
        .unwrap();
    assert!(matches!(
        out.failures[0].error,
        RunError::Reduction { key: "dx" }
    ));
}

#[test]
fn a_missing_signal_is_named() {
    let model =
        Model::new(S::default()).block(Block::new().policy("s", silent).update("x", add_dx));
    let out = Experiment::new(&model, vec![P::default()])
        .run(&mut NullSink::default())
        .unwrap();
    assert_eq!(
        out.failures[0].error.to_string(),
        "state update `x` failed: no policy emitted the signal `dx`"
    );
}

// ---- blocks ----

#[test]
fn a_block_names_its_functions_in_order() {
    fn set_y(_: &P, c: &Ctx<'_, S>, _: &G, n: &mut S) -> R<()> {
        n.y = c.state.x;
        Ok(())
    }
    let model = Model::new(S::default()).block(
        Block::new()
            .policy("a", three)
            .policy("c", five)
            .update("x", add_dx)
            .update("y", set_y),
    );
    let block = &model.blocks()[0];
    assert_eq!(block.policy_names(), ["a", "c"]);
    assert_eq!(block.update_names(), ["x", "y"]);
}

#[test]
fn closures_are_policies_and_updates() {
    let step = 2.5;
    let scale = 10.0;
    let model = Model::new(S::default()).block(
        Block::new()
            .policy("step", move |_: &P, _: &Ctx<'_, S>, _: &mut SimRng| {
                emit(step)
            })
            .update("x", add_dx)
            .update("y", move |_: &P, c: &Ctx<'_, S>, _: &G, n: &mut S| {
                n.y = c.state.x * scale;
                Ok(())
            }),
    );
    let mut rec = MemorySink::new();
    Experiment::new(&model, vec![P::default()])
        .timesteps(3)
        .run(&mut rec)
        .unwrap();
    assert_eq!(rec.f64_column("x").unwrap(), vec![0.0, 2.5, 5.0, 7.5]);
    // y reads the state before the block: 10·x of the previous row.
    assert_eq!(rec.f64_column("y").unwrap(), vec![0.0, 0.0, 25.0, 50.0]);
}

/// A whole block written as one function: `x += k`, `y = x` (before the block), and a failure
/// when `x` reaches `m`.
struct Fused;

impl Psub<S, P, G> for Fused {
    fn policy_names(&self) -> Vec<&'static str> {
        Vec::new()
    }
    fn update_names(&self) -> Vec<&'static str> {
        vec!["x", "y"]
    }
    fn step(&self, p: &P, c: &Ctx<'_, S>, _: &mut SimRng, n: &mut S) -> Result<(), RunError> {
        if c.state.x >= p.m as f64 {
            return Err(RunError::Update {
                name: "x",
                source: "x reached m".into(),
            });
        }
        n.x = c.state.x + p.k;
        n.y = c.state.x;
        Ok(())
    }
}

#[test]
fn a_fused_block_runs_like_the_block_it_replaces() {
    fn add_k(p: &P, c: &Ctx<'_, S>, _: &G, n: &mut S) -> R<()> {
        if c.state.x >= p.m as f64 {
            return Err("x reached m".into());
        }
        n.x = c.state.x + p.k;
        Ok(())
    }
    fn copy_x(_: &P, c: &Ctx<'_, S>, _: &G, n: &mut S) -> R<()> {
        n.y = c.state.x;
        Ok(())
    }
    let fused = Model::new(S::default()).block(Fused);
    let built = Model::new(S::default()).block(Block::new().update("x", add_k).update("y", copy_x));
    let params = vec![P { k: 1.5, m: 4 }];
    let run = |model: &Model<S, P, G>| {
        let mut rec = MemorySink::new();
        let out = Experiment::new(model, params.clone())
            .timesteps(5)
            .run(&mut rec)
            .unwrap();
        (rec, out)
    };
    let (a, out_a) = run(&fused);
    let (b, out_b) = run(&built);
    // x: 0, 1.5, 3, 4.5, then the fourth step refuses (4.5 ≥ 4).
    assert_eq!(a.f64_column("x").unwrap(), vec![0.0, 1.5, 3.0, 4.5]);
    assert_eq!(a.f64_column("x"), b.f64_column("x"));
    assert_eq!(a.f64_column("y"), b.f64_column("y"));
    for out in [out_a, out_b] {
        let f = &out.failures[0];
        assert_eq!(
            f.to_string(),
            "subset 0 run 1 failed at timestep 4 substep 1: state update `x` failed: x reached m"
        );
    }
}

// ---- parallel updates ----

#[test]
fn updates_see_the_state_before_the_block() {
    fn swap_x(_: &P, c: &Ctx<'_, S>, _: &G, n: &mut S) -> R<()> {
        n.x = c.state.y;
        Ok(())
    }
    fn swap_y(_: &P, c: &Ctx<'_, S>, _: &G, n: &mut S) -> R<()> {
        n.y = c.state.x;
        Ok(())
    }
    let model = Model::new(S { x: 1.0, y: 2.0 })
        .block(Block::new().update("x", swap_x).update("y", swap_y));
    let mut rec = MemorySink::new();
    Experiment::new(&model, vec![P::default()])
        .timesteps(2)
        .run(&mut rec)
        .unwrap();
    assert_eq!(rec.f64_column("x").unwrap(), vec![1.0, 2.0, 1.0]);
    assert_eq!(rec.f64_column("y").unwrap(), vec![2.0, 1.0, 2.0]);
}

// ---- failures ----

fn fails_in_subset1_run2_t3(_: &P, c: &Ctx<'_, S>, _: &mut SimRng) -> R<G> {
    if c.subset == 1 && c.run == 2 && c.timestep == 3 {
        return Err("the model refused".into());
    }
    emit(run_number(c))
}
fn run_number(c: &Ctx<'_, S>) -> f64 {
    c.run as f64
}

type PolicyFn = fn(&P, &Ctx<'_, S>, &mut SimRng) -> R<G>;

/// One block: `policy` (named `f`) emits dx, the update adds it to x.
fn one_policy_model(policy: PolicyFn) -> Model<S, P, G> {
    Model::new(S::default()).block(Block::new().policy("f", policy).update("x", add_dx))
}

/// Three subsets × 3 runs × 5 timesteps of `model` on `threads` threads.
fn three_by_three(
    model: &Model<S, P, G>,
    threads: usize,
    rec: &mut MemorySink,
) -> sim_core::Outcome {
    let subsets = Sweep::new()
        .param("k", [0.0, 1.0, 2.0])
        .subsets(&P::default(), SweepRule::Zip)
        .unwrap();
    Experiment::new(model, subsets)
        .runs(3)
        .timesteps(5)
        .threads(threads)
        .run(rec)
        .unwrap()
}

#[test]
fn a_failing_run_leaves_the_others_intact() {
    let model = one_policy_model(fails_in_subset1_run2_t3);
    for threads in [1, 2] {
        let mut rec = MemorySink::new();
        let out = three_by_three(&model, threads, &mut rec);
        assert_eq!(out.runs, 9);
        assert_eq!(out.failures.len(), 1);
        let f = &out.failures[0];
        assert_eq!((f.subset, f.run, f.timestep, f.substep), (1, 2, 3, 1));
        assert_eq!(
            f.to_string(),
            "subset 1 run 2 failed at timestep 3 substep 1: policy `f` failed: the model refused"
        );
        // 8 whole runs of 6 rows, and the failed run's genesis and two timesteps.
        assert_eq!(out.rows, 8 * 6 + 3);
        assert_eq!(rec.len(), 51);
        // The run after the failed one is complete and correct: x grows by run = 3 a step.
        let x = rec.f64_column("x").unwrap();
        let start = rec
            .meta()
            .iter()
            .position(|m| m.subset == 1 && m.run == 3)
            .unwrap();
        assert_eq!(&x[start..start + 6], &[0.0, 3.0, 6.0, 9.0, 12.0, 15.0]);
    }
}

fn panics_in_subset1_run2_t3(_: &P, c: &Ctx<'_, S>, _: &mut SimRng) -> R<G> {
    let v: Vec<f64> = Vec::new();
    if c.subset == 1 && c.run == 2 && c.timestep == 3 {
        // An index out of bounds, as user code might do.
        return emit(v[c.run]);
    }
    emit(run_number(c))
}

#[test]
fn a_panicking_run_costs_only_itself() {
    let model = one_policy_model(panics_in_subset1_run2_t3);
    // The same model with the failure as an error instead of a panic gives the rows to expect.
    let mut want = MemorySink::new();
    three_by_three(&one_policy_model(fails_in_subset1_run2_t3), 1, &mut want);
    for threads in [1, 2, 4] {
        let mut rec = MemorySink::new();
        let out = three_by_three(&model, threads, &mut rec);
        assert_eq!(out.runs, 9);
        assert_eq!(out.failures.len(), 1, "{threads} threads");
        let f = &out.failures[0];
        assert_eq!((f.subset, f.run, f.timestep, f.substep), (1, 2, 3, 1));
        match &f.error {
            RunError::Panic { message, location } => {
                assert_eq!(
                    message,
                    "index out of bounds: the len is 0 but the index is 2"
                );
                assert!(
                    location.starts_with("crates/sim-core/tests/engine.rs:"),
                    "{location}"
                );
            }
            other => panic!("expected a panic, got {other:?}"),
        }
        assert!(f.to_string().starts_with(
            "subset 1 run 2 failed at timestep 3 substep 1: panicked at crates/sim-core/tests/engine.rs:"
        ));
        // Every other run's rows, and the failed run's rows before the panic.
        assert_eq!(rec.meta(), want.meta());
        assert_eq!(rec.f64_column("x"), want.f64_column("x"));
    }
}

#[test]
fn threads_are_capped_and_sizes_checked_before_running() {
    let model = history_model();
    assert!(matches!(
        Experiment::new(&model, vec![P::default()])
            .threads(sim_core::MAX_THREADS + 1)
            .run(&mut NullSink::default()),
        Err(EngineError::TooManyThreads {
            got: 1025,
            max: 1024
        })
    ));
    // 1024 threads asked for one run: one thread is used, and the result is the same.
    let mut one = MemorySink::new();
    Experiment::new(&model, vec![P::default()])
        .timesteps(3)
        .threads(1024)
        .run(&mut one)
        .unwrap();
    assert_eq!(one.len(), 7);
    // A run whose history cannot fit is refused before any work, with its size.
    let err = Experiment::new(&model, vec![P::default()])
        .timesteps(1_000_000_000_000)
        .threads(1)
        .memory_limit(1 << 30)
        .run(&mut NullSink::default())
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, EngineError::TooLarge { .. }));
    assert!(
        msg.contains(
            "1000000000000 timesteps × 2 substeps is 2000000000001 records of about 16 bytes (the state), 29.1 TiB per run and 29.1 TiB for the 1 run(s) held at once"
        ),
        "{msg}"
    );
    // (subset, run) pairs past usize are refused too, and expected_rows saturates.
    let huge = Experiment::new(&model, vec![P::default(), P::default()]).runs(usize::MAX);
    assert_eq!(huge.expected_rows(), u64::MAX);
    assert!(matches!(
        huge.run(&mut NullSink::default()),
        Err(EngineError::TooLarge { .. })
    ));
    let product = Sweep::new()
        .param("a", 0..200i64)
        .param("b", 0..200i64)
        .param("c", 0..200i64)
        .param("d", 0..200i64);
    let err = product.count(SweepRule::Product).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the experiment is too large: the sweep has 1.600e9 subsets, more than the 16777216 a sweep may have"
    );
}

#[test]
fn a_model_refuses_bad_parameters_before_anything_runs() {
    let model = history_model().validate(|genesis: &S, p: &P| {
        if !p.k.is_finite() || p.k < 0.0 {
            return Err(format!("parameter `k` = {}: it must be finite and ≥ 0", p.k).into());
        }
        if genesis.x < 0.0 {
            return Err("genesis `x` is negative".into());
        }
        Ok(())
    });
    let subsets = Sweep::new()
        .param("k", [1.0, f64::NAN])
        .subsets(&P::default(), SweepRule::Zip)
        .unwrap();
    let mut rec = MemorySink::new();
    let err = Experiment::new(&model, subsets).run(&mut rec).unwrap_err();
    assert!(matches!(err, EngineError::Invalid { subset: 1, .. }));
    assert_eq!(
        err.to_string(),
        "subset 1: parameter `k` = NaN: it must be finite and ≥ 0"
    );
    // Nothing reached the sink, not even the header.
    assert!(rec.is_empty() && rec.header().is_none());
    assert!(model.check(&P::default()).is_ok());
}

#[test]
fn a_cancelled_experiment_stops() {
    struct CancelAfter(AtomicUsize);
    impl Hooks for CancelAfter {
        fn progress(&self, done: usize, _: usize) {
            self.0.store(done, Ordering::SeqCst);
        }
        fn cancelled(&self) -> bool {
            self.0.load(Ordering::SeqCst) >= 3
        }
    }
    let model = history_model();
    for threads in [1, 2] {
        let hooks = CancelAfter(AtomicUsize::new(0));
        let err = Experiment::new(&model, vec![P::default()])
            .runs(1000)
            .timesteps(10)
            .threads(threads)
            .hooks(&hooks)
            .run(&mut NullSink::default())
            .unwrap_err();
        assert!(matches!(err, EngineError::Cancelled), "{err}");
        assert!(hooks.0.load(Ordering::SeqCst) < 1000);
    }
}

#[test]
fn check_finite_names_the_variable() {
    fn nan(_: &P, _: &Ctx<'_, S>, _: &mut SimRng) -> R<G> {
        emit(f64::NAN)
    }
    let model = Model::new(S::default()).block(Block::new().policy("nan", nan).update("x", add_dx));
    let out = Experiment::new(&model, vec![P::default()])
        .timesteps(3)
        .check_finite(true)
        .run(&mut NullSink::default())
        .unwrap();
    let f = &out.failures[0];
    assert_eq!((f.timestep, f.run), (1, 1));
    assert!(matches!(f.error, RunError::NonFinite { variable: "x", .. }));
    // Without the check the NaN is kept.
    let out = Experiment::new(&model, vec![P::default()])
        .timesteps(3)
        .run(&mut NullSink::default())
        .unwrap();
    assert!(out.is_success());
}

#[test]
fn setup_errors() {
    let empty: Model<S, P, G> = Model::new(S::default());
    assert!(matches!(
        Experiment::new(&empty, vec![P::default()]).run(&mut NullSink::default()),
        Err(EngineError::NoBlocks)
    ));
    let model = history_model();
    assert!(matches!(
        Experiment::new(&model, vec![]).run(&mut NullSink::default()),
        Err(EngineError::NoSubsets)
    ));
    assert!(matches!(
        Experiment::new(&model, vec![P::default()])
            .runs(0)
            .run(&mut NullSink::default()),
        Err(EngineError::Zero { what: "runs", .. })
    ));
    assert!(matches!(
        Experiment::new(&model, vec![P::default()])
            .timesteps(0)
            .run(&mut NullSink::default()),
        Err(EngineError::Zero {
            what: "timesteps",
            ..
        })
    ));
}

// ---- randomness and threads ----

/// One block; x takes a fresh uniform draw, y a normal one.
fn random_model() -> Model<S, P, G> {
    fn draw(_: &P, _: &Ctx<'_, S>, rng: &mut SimRng) -> R<G> {
        emit(rng.uniform())
    }
    fn set_x(_: &P, _: &Ctx<'_, S>, i: &G, n: &mut S) -> R<()> {
        n.x = need(i.dx, "dx")?;
        Ok(())
    }
    Model::new(S::default()).block(Block::new().policy("draw", draw).update("x", set_x))
}

fn nine_subsets() -> Vec<P> {
    Sweep::new()
        .param("k", (0..9).map(f64::from))
        .subsets(&P::default(), SweepRule::Zip)
        .unwrap()
}

#[test]
fn every_run_gets_its_own_stream() {
    let model = random_model();
    for kind in [RngKind::ChaCha8, RngKind::Numpy, RngKind::NumpyShared] {
        let mut rec = MemorySink::new();
        Experiment::new(&model, nine_subsets())
            .runs(10)
            .timesteps(5)
            .seed(42)
            .rng(kind)
            .run(&mut rec)
            .unwrap();
        let x = rec.f64_column("x").unwrap();
        // 90 runs × 5 draws: all distinct (cadCAD's multi_proc gives 1–3 distinct streams).
        let mut draws: Vec<u64> = rec
            .meta()
            .iter()
            .zip(&x)
            .filter(|(m, _)| m.timestep > 0)
            .map(|(_, v)| v.to_bits())
            .collect();
        assert_eq!(draws.len(), 450);
        draws.sort_unstable();
        draws.dedup();
        assert_eq!(draws.len(), 450, "{kind:?}");
    }
}

#[test]
fn numpy_shared_is_cadcads_single_process_stream() {
    // np.random.seed(0); then runs 1, 2, 3 each draw one random(): the first three values.
    let model = random_model();
    let mut rec = MemorySink::new();
    Experiment::new(&model, vec![P::default()])
        .runs(3)
        .seed(0)
        .rng(RngKind::NumpyShared)
        .threads(4)
        .run(&mut rec)
        .unwrap();
    let x = rec.f64_column("x").unwrap();
    assert_eq!(
        [x[1], x[3], x[5]],
        [
            0.548_813_503_927_324_8,
            0.715_189_366_372_419_5,
            0.602_763_376_071_643_9
        ]
    );
}

fn bits(rec: &MemorySink) -> Vec<u64> {
    S::NAMES
        .iter()
        .flat_map(|n| rec.f64_column(n).unwrap())
        .map(f64::to_bits)
        .collect()
}

#[test]
fn records_do_not_depend_on_threads() {
    let model = random_model();
    let run = |threads, seed| {
        let mut rec = MemorySink::new();
        Experiment::new(&model, nine_subsets())
            .runs(7)
            .timesteps(11)
            .seed(seed)
            .threads(threads)
            .run(&mut rec)
            .unwrap();
        rec
    };
    let one = run(1, 9);
    for threads in [2, 3, 0] {
        let many = run(threads, 9);
        assert_eq!(one.meta(), many.meta());
        assert_eq!(bits(&one), bits(&many), "threads = {threads}");
    }
    assert_ne!(bits(&one), bits(&run(1, 10)), "another seed, other records");
}

// ---- records ----

#[test]
fn record_order_and_drop_substeps() {
    let model = history_model();
    let subsets = Sweep::new()
        .param("k", [0.0, 1.0])
        .subsets(&P::default(), SweepRule::Zip)
        .unwrap();
    let mut rec = MemorySink::new();
    let exp = Experiment::new(&model, subsets.clone())
        .runs(2)
        .timesteps(2)
        .simulation(3);
    assert_eq!(exp.expected_rows(), 2 * 2 * 5);
    exp.run(&mut rec).unwrap();
    let idx: Vec<[usize; 5]> = rec
        .meta()
        .iter()
        .map(|m| [m.simulation, m.subset, m.run, m.timestep, m.substep])
        .collect();
    assert_eq!(
        &idx[..6],
        &[
            [3, 0, 1, 0, 0],
            [3, 0, 1, 1, 1],
            [3, 0, 1, 1, 2],
            [3, 0, 1, 2, 1],
            [3, 0, 1, 2, 2],
            [3, 0, 2, 0, 0],
        ]
    );
    assert_eq!(idx[19], [3, 1, 2, 2, 2]);
    let mut dropped = MemorySink::new();
    let out = Experiment::new(&model, subsets)
        .runs(2)
        .timesteps(2)
        .drop_substeps(true)
        .run(&mut dropped)
        .unwrap();
    assert_eq!(out.rows, 2 * 2 * 3);
    let kept: Vec<(usize, usize)> = dropped.meta()[..3]
        .iter()
        .map(|m| (m.timestep, m.substep))
        .collect();
    assert_eq!(kept, vec![(0, 0), (1, 2), (2, 2)]);
    assert_eq!(&dropped.f64_column("x").unwrap()[..3], &[0.0, 2.0, 4.0]);
    assert_eq!(dropped.column("m").unwrap()[0], Value::I64(0));
}

#[test]
fn csv_has_cadcads_columns_and_the_parameters() {
    let model = history_model();
    let subsets = vec![P { k: 0.25, m: 3 }];
    let mut sink = CsvSink::new(Vec::new());
    Experiment::new(&model, subsets)
        .timesteps(1)
        .run(&mut sink)
        .unwrap();
    let text = String::from_utf8(sink.into_inner().unwrap()).unwrap();
    assert_eq!(
        text,
        "simulation,subset,run,substep,timestep,x,y,k,m\n\
         0,0,1,0,0,0.0,0.0,0.25,3\n\
         0,0,1,1,1,1.0,0.0,0.25,3\n\
         0,0,1,2,1,2.0,999.0,0.25,3\n"
    );
}

#[test]
fn csv_formatted_on_workers_is_the_sequential_csv() {
    // With a pool the engine formats each run on its worker through the sink's encoder; the
    // file must be byte for byte the one the sink writes alone, substeps kept or dropped.
    let model = history_model();
    let subsets = vec![P { k: 0.25, m: 3 }, P { k: 1e17, m: -2 }];
    for drop in [false, true] {
        let csv = |threads| {
            let mut sink = CsvSink::new(Vec::new());
            Experiment::new(&model, subsets.clone())
                .runs(5)
                .timesteps(4)
                .drop_substeps(drop)
                .threads(threads)
                .run(&mut sink)
                .unwrap();
            String::from_utf8(sink.into_inner().unwrap()).unwrap()
        };
        let one = csv(1);
        assert_eq!(one.lines().count(), 1 + 2 * 5 * if drop { 5 } else { 9 });
        assert!(one.contains(",1e17,-2\n"), "{one}");
        assert_eq!(csv(2), one);
        assert_eq!(csv(3), one);
    }
}

/// Hands out the CSV encoder and keeps what arrives: rows through `row`, runs through
/// `encoded_run`, checking each run's accessors against one another.
struct EncodedRuns {
    csv: CsvSink<Vec<u8>>,
    /// The bytes of every run, in order.
    bytes: Vec<u8>,
    /// Each run's last record and its values.
    finals: Vec<(sim_core::RowMeta, Vec<Value>)>,
    rows_through_row: usize,
}

impl Sink for EncodedRuns {
    fn begin(&mut self, header: &sim_core::Header) -> Result<(), sim_core::SinkError> {
        self.csv.begin(header)
    }
    fn row(
        &mut self,
        _: &sim_core::RowMeta,
        _: &[Value],
        _: &[Value],
    ) -> Result<(), sim_core::SinkError> {
        self.rows_through_row += 1;
        Ok(())
    }
    fn encoder(&self) -> Option<std::sync::Arc<dyn sim_core::RowEncoder>> {
        self.csv.encoder()
    }
    fn encoded_run(&mut self, run: &sim_core::EncodedRun<'_>) -> Result<(), sim_core::SinkError> {
        let n = run.len();
        assert!(!run.is_empty());
        assert!(!run.rearranged(), "the CSV encoder keeps records in order");
        let joined: Vec<u8> = (0..n)
            .flat_map(|i| run.record_bytes(i).unwrap().to_vec())
            .collect();
        assert_eq!(joined, run.bytes());
        assert!(run.meta(n).is_none() && run.record_bytes(n).is_none());
        let mut values = vec![Value::F64(1.0)];
        run.values(n, &mut values);
        assert!(values.is_empty(), "past the end leaves the values empty");
        run.values(n - 1, &mut values);
        // Each record's bytes begin with its index, as the CSV does.
        let meta = run.meta(n - 1).unwrap();
        let line = String::from_utf8(run.record_bytes(n - 1).unwrap().to_vec()).unwrap();
        assert!(line.starts_with(&format!(
            "0,{},{},{},{},",
            meta.subset, meta.run, meta.substep, meta.timestep
        )));
        assert_eq!(run.params(), &[Value::F64(0.25), Value::I64(3)]);
        self.bytes.extend_from_slice(run.bytes());
        self.finals.push((meta, values));
        Ok(())
    }
    fn finish(&mut self) -> Result<(), sim_core::SinkError> {
        Ok(())
    }
}

#[test]
fn encoded_runs_carry_bytes_indices_and_values() {
    let model = history_model();
    let mut sink = EncodedRuns {
        csv: CsvSink::new(Vec::new()),
        bytes: Vec::new(),
        finals: Vec::new(),
        rows_through_row: 0,
    };
    Experiment::new(&model, vec![P { k: 0.25, m: 3 }])
        .runs(4)
        .timesteps(3)
        .threads(2)
        .run(&mut sink)
        .unwrap();
    assert_eq!(sink.rows_through_row, 0);
    let mut alone = CsvSink::new(Vec::new());
    Experiment::new(&model, vec![P { k: 0.25, m: 3 }])
        .runs(4)
        .timesteps(3)
        .threads(1)
        .run(&mut alone)
        .unwrap();
    let text = String::from_utf8(alone.into_inner().unwrap()).unwrap();
    let (_, records) = text.split_once('\n').unwrap();
    assert_eq!(String::from_utf8(sink.bytes).unwrap(), records);
    // history_model: x counts substeps (6 at timestep 3); y = 1000·len(sH) + sH[-2][-1].x.
    assert_eq!(sink.finals.len(), 4);
    for (run, (meta, values)) in (1..).zip(&sink.finals) {
        assert_eq!((meta.run, meta.timestep, meta.substep), (run, 3, 2));
        assert_eq!(values, &[Value::F64(6.0), Value::F64(3002.0)]);
    }
}

/// Lays each run out last record first (as a columnar sink lays columns out, not records).
struct Reversed(std::sync::Arc<dyn sim_core::RowEncoder>);

impl sim_core::RowEncoder for Reversed {
    fn encode_params(&self, params: &[Value]) -> Vec<u8> {
        self.0.encode_params(params)
    }
    fn encode_row(
        &self,
        meta: &sim_core::RowMeta,
        state: &[Value],
        params: &[u8],
        out: &mut Vec<u8>,
    ) {
        self.0.encode_row(meta, state, params, out);
    }
    fn encode_run(
        &self,
        metas: &[sim_core::RowMeta],
        states: &[Value],
        params: &[u8],
        out: &mut Vec<u8>,
    ) -> Option<Vec<usize>> {
        let width = states.len() / metas.len();
        for (i, meta) in metas.iter().enumerate().rev() {
            self.encode_row(meta, &states[i * width..(i + 1) * width], params, out);
        }
        None
    }
}

#[test]
fn an_encoder_may_lay_a_run_out_otherwise() {
    struct Runs(CsvSink<Vec<u8>>, Vec<Vec<u8>>);
    impl Sink for Runs {
        fn begin(&mut self, h: &sim_core::Header) -> Result<(), sim_core::SinkError> {
            self.0.begin(h)
        }
        fn row(
            &mut self,
            _: &sim_core::RowMeta,
            _: &[Value],
            _: &[Value],
        ) -> Result<(), sim_core::SinkError> {
            panic!("every run comes encoded")
        }
        fn encoder(&self) -> Option<std::sync::Arc<dyn sim_core::RowEncoder>> {
            Some(std::sync::Arc::new(Reversed(self.0.encoder()?)))
        }
        fn encoded_run(
            &mut self,
            run: &sim_core::EncodedRun<'_>,
        ) -> Result<(), sim_core::SinkError> {
            assert!(run.rearranged());
            assert_eq!(run.record_bytes(0), None);
            assert_eq!(run.len(), 7, "genesis and 3 timesteps of 2 substeps");
            self.1.push(run.bytes().to_vec());
            Ok(())
        }
        fn finish(&mut self) -> Result<(), sim_core::SinkError> {
            Ok(())
        }
    }
    let model = history_model();
    let mut sink = Runs(CsvSink::new(Vec::new()), Vec::new());
    Experiment::new(&model, vec![P { k: 0.25, m: 3 }])
        .runs(2)
        .timesteps(3)
        .threads(2)
        .run(&mut sink)
        .unwrap();
    let mut alone = CsvSink::new(Vec::new());
    Experiment::new(&model, vec![P { k: 0.25, m: 3 }])
        .runs(2)
        .timesteps(3)
        .run(&mut alone)
        .unwrap();
    let text = String::from_utf8(alone.into_inner().unwrap()).unwrap();
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(lines.len(), 14);
    for (run, bytes) in lines.chunks(7).zip(&sink.1) {
        let reversed: String = run.iter().rev().map(|l| format!("{l}\n")).collect();
        assert_eq!(String::from_utf8(bytes.clone()).unwrap(), reversed);
    }
}

#[test]
fn a_sink_that_does_not_read_encoded_runs_gets_rows() {
    // A sink that hands out an encoder but keeps `encoded_run`'s default receives every
    // record through `row`, the same records as without a pool.
    struct Rows(MemorySink, CsvSink<Vec<u8>>);
    impl Sink for Rows {
        fn begin(&mut self, h: &sim_core::Header) -> Result<(), sim_core::SinkError> {
            self.1.begin(h)?;
            self.0.begin(h)
        }
        fn row(
            &mut self,
            m: &sim_core::RowMeta,
            s: &[Value],
            p: &[Value],
        ) -> Result<(), sim_core::SinkError> {
            self.0.row(m, s, p)
        }
        fn encoder(&self) -> Option<std::sync::Arc<dyn sim_core::RowEncoder>> {
            self.1.encoder()
        }
        fn finish(&mut self) -> Result<(), sim_core::SinkError> {
            self.0.finish()
        }
    }
    let model = history_model();
    let run = |threads, sink: &mut dyn Sink| {
        Experiment::new(&model, vec![P::default(), P { k: 2.0, m: 1 }])
            .runs(3)
            .timesteps(4)
            .drop_substeps(true)
            .threads(threads)
            .run(sink)
            .unwrap()
    };
    let mut pooled = Rows(MemorySink::new(), CsvSink::new(Vec::new()));
    let mut alone = MemorySink::new();
    assert_eq!(run(2, &mut pooled).rows, 2 * 3 * 5);
    run(1, &mut alone);
    assert_eq!(pooled.0.meta(), alone.meta());
    assert_eq!(pooled.0.f64_column("y"), alone.f64_column("y"));
    assert_eq!(pooled.0.column("m"), alone.column("m"));
}

/// A sink that gives room for its records as word columns: the timestep, `y`, and `m`.
#[derive(Default)]
struct Room {
    filled: Option<Vec<Vec<u64>>>,
    lengths: Vec<usize>,
    in_place: usize,
    rows: usize,
}

impl Sink for Room {
    fn begin(&mut self, _: &sim_core::Header) -> Result<(), sim_core::SinkError> {
        Ok(())
    }
    fn row(
        &mut self,
        _: &sim_core::RowMeta,
        _: &[Value],
        _: &[Value],
    ) -> Result<(), sim_core::SinkError> {
        self.rows += 1;
        Ok(())
    }
    fn word_columns(&mut self, _: usize, _: usize) -> Option<Vec<sim_core::WordSource>> {
        use sim_core::WordSource::{Index, Param, State};
        Some(vec![Index(4), State(1), Param(1)])
    }
    fn encoded_run(&mut self, run: &sim_core::EncodedRun<'_>) -> Result<(), sim_core::SinkError> {
        assert!(run.is_in_place() && run.bytes().is_empty());
        self.in_place += 1;
        Ok(())
    }
    fn filled_columns(
        &mut self,
        columns: sim_core::WordColumns,
    ) -> Result<(), sim_core::SinkError> {
        self.lengths = columns.lengths().to_vec();
        self.filled = Some(columns.into_columns());
        Ok(())
    }
    fn finish(&mut self) -> Result<(), sim_core::SinkError> {
        assert!(self.filled.is_some(), "the columns come back before finish");
        Ok(())
    }
}

#[test]
fn a_sink_with_room_gets_its_records_in_place() {
    let model = history_model();
    for (threads, drop_substeps) in [(1, false), (2, false), (2, true)] {
        let run = |sink: &mut dyn Sink| {
            Experiment::new(&model, vec![P::default(), P { k: 2.0, m: -4 }])
                .runs(3)
                .timesteps(4)
                .drop_substeps(drop_substeps)
                .threads(threads)
                .run(sink)
                .unwrap()
        };
        let (mut room, mut rows) = (Room::default(), MemorySink::new());
        assert_eq!(run(&mut room).rows, run(&mut rows).rows);
        assert_eq!(
            (room.rows, room.in_place),
            (0, 6),
            "every run in place, none by row"
        );
        let per_run = if drop_substeps { 5 } else { 9 };
        assert_eq!(room.lengths, vec![per_run; 6]);
        let filled = room.filled.unwrap();
        let timesteps: Vec<u64> = rows.meta().iter().map(|m| m.timestep as u64).collect();
        assert_eq!(filled[0], timesteps);
        let y: Vec<u64> = rows
            .f64_column("y")
            .unwrap()
            .iter()
            .map(|y| y.to_bits())
            .collect();
        assert_eq!(filled[1], y);
        // m: 0 for subset 0's runs, -4 for subset 1's.
        let m = [0i64, -4].map(|m| m.cast_unsigned());
        assert_eq!(
            filled[2],
            [vec![m[0]; 3 * per_run], vec![m[1]; 3 * per_run]].concat()
        );
    }
}

// ---- hooks ----

#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<String>>,
    runs: AtomicUsize,
}

impl Hooks for Recorder {
    fn before_experiment(&self, subsets: usize, runs: usize) {
        self.events
            .lock()
            .unwrap()
            .push(format!("start {subsets}×{runs}"));
    }
    fn after_experiment(&self, outcome: &sim_core::Outcome) {
        self.events
            .lock()
            .unwrap()
            .push(format!("end {}", outcome.rows));
    }
    fn before_subset(&self, subset: usize) {
        self.events.lock().unwrap().push(format!("subset {subset}"));
    }
    fn after_subset(&self, subset: usize) {
        self.events
            .lock()
            .unwrap()
            .push(format!("/subset {subset}"));
    }
    fn before_run(&self, _: usize, _: usize) {
        self.runs.fetch_add(1, Ordering::Relaxed);
    }
    fn progress(&self, done: usize, total: usize) {
        self.events.lock().unwrap().push(format!("{done}/{total}"));
    }
}

#[test]
fn hooks_and_progress() {
    let model = history_model();
    let subsets = Sweep::new()
        .param("k", [0.0, 1.0])
        .subsets(&P::default(), SweepRule::Zip)
        .unwrap();
    let hooks = Recorder::default();
    Experiment::new(&model, subsets)
        .runs(2)
        .timesteps(1)
        .threads(1)
        .hooks(&hooks)
        .run(&mut NullSink::default())
        .unwrap();
    assert_eq!(hooks.runs.load(Ordering::Relaxed), 4);
    assert_eq!(
        hooks.events.lock().unwrap().join(" "),
        "start 2×2 subset 0 1/4 2/4 /subset 0 subset 1 3/4 4/4 /subset 1 end 12"
    );
}

#[test]
fn params_without_columns() {
    #[derive(Default)]
    struct NoInput;
    impl sim_core::Signals for NoInput {
        type Value = f64;
        fn combine(&mut self, _: Self, _: sim_core::PolicyOp<f64>) -> Result<(), &'static str> {
            Ok(())
        }
    }
    fn inc(_: &NoParams, c: &Ctx<'_, S>, _: &NoInput, n: &mut S) -> R<()> {
        n.x = c.state.x + 1.0;
        Ok(())
    }
    let model = Model::new(S::default()).block(Block::new().update("x", inc));
    let mut rec = MemorySink::new();
    Experiment::new(&model, vec![NoParams])
        .timesteps(2)
        .run(&mut rec)
        .unwrap();
    assert_eq!(rec.f64_column("x").unwrap(), vec![0.0, 1.0, 2.0]);
    assert_eq!(rec.header().unwrap().params.len(), 0);
}

// ---- shards ----

fn noisy(p: &P, _: &Ctx<'_, S>, rng: &mut SimRng) -> R<G> {
    emit(rng.normal(0.0, 1.0) * p.k)
}

/// `(subset, run, timestep, substep, x)` of every record.
fn rows_of(e: &Experiment<'_, S, P, G>) -> Vec<(usize, usize, usize, usize, f64)> {
    let mut sink = MemorySink::new();
    e.run(&mut sink).unwrap();
    let x = sink.f64_column("x").unwrap();
    sink.meta()
        .iter()
        .zip(x)
        .map(|(m, x)| (m.subset, m.run, m.timestep, m.substep, x))
        .collect()
}

#[test]
fn shards_partition_the_full_experiment() {
    let model =
        Model::new(S::default()).block(Block::new().policy("noisy", noisy).update("x", add_dx));
    let subsets = Sweep::new()
        .param("k", [1.0, 2.0, 3.0])
        .subsets(&P::default(), SweepRule::Zip)
        .unwrap();
    let full_exp = Experiment::new(&model, subsets.clone())
        .runs(4)
        .timesteps(5)
        .seed(9);
    let full = rows_of(&full_exp);
    assert_eq!(full.len(), 3 * 4 * 6);
    let mut joined = Vec::new();
    for i in 0..5 {
        let e = Experiment::new(&model, subsets.clone())
            .runs(4)
            .timesteps(5)
            .seed(9)
            .threads(2)
            .shard(i, 5);
        // Pairs 0..12 in record order, every fifth from i.
        let pairs: Vec<(usize, usize)> = (0..12usize)
            .filter(|k| k % 5 == i)
            .map(|k| (k / 4, k % 4 + 1))
            .collect();
        assert_eq!(e.jobs().collect::<Vec<_>>(), pairs);
        assert_eq!(e.expected_rows(), 6 * pairs.len() as u64);
        joined.extend(rows_of(&e));
    }
    joined.sort_by_key(|r| (r.0, r.1, r.2, r.3));
    assert_eq!(joined, full);
    // Shards that do not exist, and a shared numpy stream, are refused.
    let bad = Experiment::new(&model, subsets.clone()).shard(3, 3);
    assert!(matches!(
        bad.run(&mut NullSink::default()),
        Err(EngineError::Shard { index: 3, count: 3 })
    ));
    let shared = Experiment::new(&model, subsets)
        .rng(RngKind::NumpyShared)
        .shard(0, 2);
    assert!(matches!(
        shared.run(&mut NullSink::default()),
        Err(EngineError::ShardSharedStream)
    ));
}
