//! Arbitrary input to every public entry point of sim-core: sweeps of any shape, any values,
//! any seeds, any run and timestep counts, any history index. Nothing panics; errors are typed;
//! the records have the shape the settings imply.

use proptest::prelude::*;
use rust_decimal::Decimal;
use sim_core::{
    Block, BoxError, CsvSink, Ctx, EngineError, Experiment, MemorySink, Model, RngKind, Scalar,
    SimRng, Sweep, SweepRule, Value, Vars,
};

#[derive(Debug, Clone, Default)]
struct S {
    x: f64,
    n: i64,
    d: Decimal,
    flag: bool,
}
sim_core::vars!(S { x, n, d, flag });

#[derive(Debug, Clone, Default)]
struct P {
    a: f64,
    b: i64,
}
sim_core::vars!(P { a, b });

#[derive(Default)]
struct G {
    v: Option<f64>,
}
sim_core::signals!(G: f64 { v });

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<f64>().prop_map(Value::F64),
        any::<i64>().prop_map(Value::I64),
        any::<bool>().prop_map(Value::Bool),
        (any::<i64>(), 0u32..28).prop_map(|(m, e)| Value::Decimal(Decimal::new(m, e))),
        Just(Value::F64(f64::NAN)),
        Just(Value::F64(f64::INFINITY)),
    ]
}

fn draw(p: &P, c: &Ctx<'_, S>, rng: &mut SimRng) -> Result<G, BoxError> {
    let back = c
        .history
        .back(usize::try_from(p.b.unsigned_abs() % 5).unwrap_or(0));
    let u = rng.uniform();
    if p.a.is_nan() {
        return Err("a is NaN".into());
    }
    Ok(G {
        v: Some(u * p.a + back.map_or(0.0, |t| t[0].x)),
    })
}

fn set(_: &P, c: &Ctx<'_, S>, i: &G, n: &mut S) -> Result<(), BoxError> {
    n.x = i.v.unwrap_or_default();
    n.n = c.state.n.checked_add(1).ok_or("overflow")?;
    n.flag = !c.state.flag;
    Ok(())
}

proptest! {
    #[test]
    fn sweeps_of_any_shape(
        lists in proptest::collection::vec(proptest::collection::vec(any_value(), 0..5), 0..4),
        names in proptest::collection::vec(prop_oneof![Just("a"), Just("b"), Just("c")], 4),
    ) {
        let mut sweep = Sweep::new();
        for (name, values) in names.iter().zip(&lists) {
            sweep = sweep.param_values(name, values.clone());
        }
        for rule in [SweepRule::Zip, SweepRule::PadLast, SweepRule::Product] {
            match sweep.subsets(&P::default(), rule) {
                Ok(subsets) => {
                    let expected = match rule {
                        SweepRule::Product => lists.iter().map(Vec::len).product::<usize>(),
                        _ => lists.iter().map(Vec::len).max().unwrap_or(1),
                    };
                    prop_assert_eq!(subsets.len(), expected.max(usize::from(lists.is_empty())));
                }
                Err(e) => {
                    let typed = matches!(
                        e,
                        EngineError::SweepLength { .. }
                            | EngineError::EmptySweep { .. }
                            | EngineError::DuplicateParam { .. }
                            | EngineError::Var(_)
                    );
                    prop_assert!(typed, "{}", e);
                }
            }
        }
    }

    #[test]
    fn values_convert_or_refuse(v in any_value()) {
        let _ = f64::from_value(v);
        let _ = i64::from_value(v);
        let _ = u64::from_value(v);
        let _ = bool::from_value(v);
        let _ = Decimal::from_value(v);
        let _ = v.to_string();
        let _ = v.as_f64();
        let mut s = S::default();
        for name in ["x", "n", "d", "flag", "nope"] {
            let before = s.values();
            if s.set(name, v).is_err() {
                // A refused value leaves the struct as it was.
                prop_assert_eq!(format!("{before:?}"), format!("{:?}", s.values()));
            }
        }
    }

    #[test]
    fn experiments_of_any_size(
        a in prop_oneof![any::<f64>(), Just(f64::NAN), -10.0..10.0f64],
        b in any::<i64>(),
        runs in 0usize..4,
        timesteps in 0usize..6,
        threads in 0usize..4,
        seed in any::<u64>(),
        kind in prop_oneof![Just(RngKind::ChaCha8), Just(RngKind::Numpy), Just(RngKind::NumpyShared)],
        drop in any::<bool>(),
        check in any::<bool>(),
        genesis in any_value(),
    ) {
        let mut model = Model::new(S::default()).block(Block::new().policy("draw", draw).update("set", set));
        let _ = model.genesis.set("x", genesis);
        let exp = Experiment::new(&model, vec![P { a, b }; 2])
            .runs(runs)
            .timesteps(timesteps)
            .threads(threads)
            .seed(seed)
            .rng(kind)
            .drop_substeps(drop)
            .check_finite(check);
        let mut rec = MemorySink::new();
        match exp.run(&mut rec) {
            Ok(out) => {
                prop_assert_eq!(out.runs, 2 * runs);
                prop_assert_eq!(out.rows, rec.len() as u64);
                if out.is_success() {
                    prop_assert_eq!(out.rows, exp.expected_rows());
                }
            }
            Err(e) => prop_assert!(runs == 0 || timesteps == 0, "{e}"),
        }
        let mut csv = CsvSink::new(Vec::new());
        let _ = exp.run(&mut csv);
        prop_assert!(csv.into_inner().is_ok());
    }

    #[test]
    fn streams_from_any_seed(seed in any::<u64>(), subset in any::<usize>(), run in any::<usize>()) {
        for kind in [RngKind::ChaCha8, RngKind::Numpy, RngKind::NumpyShared] {
            let mut r = SimRng::for_run(kind, seed, subset, run);
            let u = r.uniform();
            prop_assert!((0.0..1.0).contains(&u));
            prop_assert!(r.standard_normal().is_finite());
            let mut again = SimRng::for_run(kind, seed, subset, run);
            prop_assert_eq!(again.uniform().to_bits(), u.to_bits());
        }
    }
}
