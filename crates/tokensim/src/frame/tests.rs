//! The frame's sink: its two paths (in place, by row) agree, also when runs end early; the
//! layouts, the budget, any values round-trip.

use super::*;
use sim_core::{Block, BoxError, Ctx, Experiment, MemorySink, Model, NoSignals};
use sim_core::{Header, Layout, RowMeta, Sink, Value, Vars};

#[derive(Clone)]
struct State {
    x: f64,
    n: i64,
    up: bool,
}
sim_core::vars!(State { x, n, up });
#[derive(Clone)]
struct Params {
    step: i64,
    rate: f64,
}
sim_core::vars!(Params { step, rate });

fn grow(p: &Params, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
    n.x = c.state.x * (1.0 + p.rate);
    n.n = c.state.n + p.step;
    n.up = !c.state.up;
    Ok(())
}

/// As [`grow`], but the run ends (an error) once `n` has fallen to -6.
fn grow_or_fail(
    p: &Params,
    c: &Ctx<'_, State>,
    s: &NoSignals,
    n: &mut State,
) -> Result<(), BoxError> {
    if c.state.n <= -6 {
        return Err("n fell to -6".into());
    }
    grow(p, c, s, n)
}

/// An update of the model's state.
type Update = fn(&Params, &Ctx<'_, State>, &NoSignals, &mut State) -> Result<(), BoxError>;

/// The model, `x` updated by `x_update`.
fn model_with(x_update: Update) -> Model<State, Params, NoSignals> {
    Model::new(State {
        x: 1.0,
        n: 0,
        up: false,
    })
    .block(
        Block::new()
            .update("x", x_update)
            .update("n", grow)
            .update("up", grow),
    )
}

fn model() -> Model<State, Params, NoSignals> {
    model_with(grow)
}

/// The model whose runs of the second subset end after timestep 2.
fn failing_model() -> Model<State, Params, NoSignals> {
    model_with(grow_or_fail)
}

fn subsets() -> Vec<Params> {
    vec![
        Params { step: 2, rate: 0.5 },
        Params {
            step: -3,
            rate: 0.25,
        },
    ]
}

/// The frame of a two-thread run (written in place by the workers) and of the row path.
fn both(layout: Layout) -> (Frame, Frame) {
    both_of(&model(), layout, 2)
}

/// The frame of `m`'s run on `threads` threads, written in place, and of the row path.
fn both_of(m: &Model<State, Params, NoSignals>, layout: Layout, threads: usize) -> (Frame, Frame) {
    let mut encoded = FrameSink::new(layout, 6, u64::MAX);
    let mut placed = FrameSink::new(layout, 6, u64::MAX);
    // The room: every run's five records, ten columns (or eight without the parameters).
    let room = placed.begin(&Header {
        state: State::NAMES,
        params: Params::NAMES.to_vec(),
        example: vec![
            Value::F64(0.0),
            Value::I64(0),
            Value::Bool(false),
            Value::I64(0),
            Value::F64(0.0),
        ],
    });
    assert!(room.is_ok());
    assert_eq!(
        placed.word_columns(6, 5).map(|s| s.len()),
        Some(if layout == Layout::Cadcad { 8 } else { 10 }),
        "a typed sink within its budget asks for room"
    );
    Experiment::new(m, subsets())
        .runs(3)
        .timesteps(4)
        .threads(threads)
        .run(&mut encoded)
        .unwrap();
    let mut rows = MemorySink::new();
    Experiment::new(m, subsets())
        .runs(3)
        .timesteps(4)
        .run(&mut rows)
        .unwrap();
    let mut by_row = FrameSink::new(layout, 6, u64::MAX);
    by_row.begin(rows.header().unwrap()).unwrap();
    let header = rows.header().unwrap().clone();
    for (i, meta) in rows.meta().iter().enumerate() {
        let state: Vec<Value> = header
            .state
            .iter()
            .map(|n| rows.column(n).unwrap()[i])
            .collect();
        let params: Vec<Value> = header
            .params
            .iter()
            .map(|n| rows.column(n).unwrap()[i])
            .collect();
        by_row.row(meta, &state, &params).unwrap();
    }
    (encoded.into_frame(), by_row.into_frame())
}

#[test]
fn runs_that_end_early_leave_no_gap_in_place() {
    for threads in [1, 2] {
        let (placed, rows) = both_of(&failing_model(), Layout::Tokensim, threads);
        assert_eq!(placed, rows, "{threads} threads");
        // Subset 0's three runs of five records, then subset 1's three of three.
        assert_eq!(placed.len(), 3 * 5 + 3 * 3);
        let Some(Column::Int(n)) = placed.column("n") else {
            panic!("n is an integer column")
        };
        assert_eq!(&n[12..21], [4, 6, 8, 0, -3, -6, 0, -3, -6]);
        assert_eq!(
            placed.column("run"),
            Some(&Column::Int(
                [
                    1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 1, 1, 1, 2, 2, 2, 3, 3, 3
                ]
                .to_vec()
            ))
        );
    }
}

#[test]
fn in_place_and_row_paths_give_one_frame() {
    let (encoded, rows) = both(Layout::Tokensim);
    assert_eq!(encoded, rows);
    assert_eq!(
        encoded.names(),
        [
            "simulation",
            "subset",
            "run",
            "substep",
            "timestep",
            "x",
            "n",
            "up",
            "step",
            "rate"
        ]
    );
    assert_eq!(encoded.len(), 2 * 3 * 5);
    // Subset 1, run 1: n goes 0, -3, -6, …; up flips; x grows by a quarter.
    let at = 15;
    assert_eq!(
        encoded.column("subset"),
        Some(&Column::Int([0; 15].into_iter().chain([1; 15]).collect()))
    );
    let Some(Column::Int(n)) = encoded.column("n") else {
        panic!("n is an integer column")
    };
    assert_eq!(&n[at..at + 5], [0, -3, -6, -9, -12]);
    let Some(Column::Bool(up)) = encoded.column("up") else {
        panic!("up is boolean")
    };
    assert_eq!(&up[at..at + 3], [false, true, false]);
    let Some(Column::Float(x)) = encoded.column("x") else {
        panic!("x is a float")
    };
    assert_eq!(&x[at..at + 3], [1.0, 1.25, 1.5625]);
}

#[test]
fn a_run_writes_over_the_columns_given_back() {
    static RECYCLED: recycle::Recycled = recycle::Recycled::new(1 << 20);
    let run = || {
        let mut sink = FrameSink::new(Layout::Tokensim, 6, u64::MAX).recycling(&RECYCLED);
        Experiment::new(&failing_model(), subsets())
            .runs(3)
            .timesteps(4)
            .threads(2)
            .run(&mut sink)
            .unwrap();
        sink.into_frame()
    };
    let first = run();
    let expected = first.clone();
    let words: Vec<_> = first
        .columns
        .iter()
        .filter_map(|c| match c {
            Column::Int(v) => Some(v.as_ptr().cast::<u64>()),
            Column::Float(v) => Some(v.as_ptr().cast::<u64>()),
            Column::Bool(_) => None,
        })
        .collect();
    // Nine 64-bit columns (the boolean one is freed), each with room for 6 runs of 5.
    assert_eq!(words.len(), 9);
    for column in first.columns {
        column.recycle_to(&RECYCLED);
    }
    let again = run();
    assert_eq!(again, expected);
    let reused = again
        .columns
        .iter()
        .filter(|c| match c {
            Column::Int(v) => words.contains(&v.as_ptr().cast::<u64>()),
            Column::Float(v) => words.contains(&v.as_ptr().cast::<u64>()),
            Column::Bool(_) => false,
        })
        .count();
    // Ten columns, nine buffers given back: the first nine columns take them, and the boolean
    // column's words are freed once they are booleans.
    assert_eq!(
        reused, 8,
        "the 64-bit columns but one written over those given back"
    );
    assert!(RECYCLED.take().is_empty(), "all were taken");
}

#[test]
fn the_cadcad_layout_has_no_parameters() {
    let (encoded, rows) = both(Layout::Cadcad);
    assert_eq!(encoded, rows);
    assert_eq!(
        encoded.names(),
        [
            "x",
            "n",
            "up",
            "simulation",
            "subset",
            "run",
            "substep",
            "timestep"
        ]
    );
}

#[test]
fn a_budget_refuses_records_and_a_wrong_type_is_named() {
    let m = model();
    let mut small = FrameSink::new(Layout::Tokensim, 6, 8 * 10 * 7);
    let err = Experiment::new(&m, subsets())
        .runs(3)
        .timesteps(4)
        .run(&mut small)
        .unwrap_err();
    assert!(
        err.to_string().contains("more than this machine's"),
        "{err}"
    );
    let mut sink = FrameSink::new(Layout::Tokensim, 1, u64::MAX);
    let header = Header {
        state: &["x"],
        params: vec![],
        example: vec![Value::F64(0.0)],
    };
    sink.begin(&header).unwrap();
    let err = sink
        .row(&RowMeta::default(), &[Value::I64(1)], &[])
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("column `x` holds float values but got a integer value")
            || err.to_string().contains("`x`"),
        "{err}"
    );
}

proptest::proptest! {
    /// Any values, NaN, infinities and extremes included, come back bit for bit in their
    /// columns' types, whatever the layout.
    #[test]
    fn any_values_round_trip(
        rows in proptest::collection::vec(
            (proptest::num::f64::ANY, proptest::num::i64::ANY, proptest::bool::ANY, 0usize..1 << 40),
            1..40,
        ),
        cadcad in proptest::bool::ANY,
    ) {
        let layout = if cadcad { Layout::Cadcad } else { Layout::Tokensim };
        let mut sink = FrameSink::new(layout, 1, u64::MAX);
        let header = Header {
            state: &["f", "i"],
            params: vec!["b"],
            example: vec![Value::F64(0.0), Value::I64(0), Value::Bool(false)],
        };
        sink.begin(&header).unwrap();
        for (f, i, b, t) in &rows {
            let meta = RowMeta { timestep: *t, ..RowMeta::default() };
            sink.row(&meta, &[Value::F64(*f), Value::I64(*i)], &[Value::Bool(*b)]).unwrap();
        }
        let frame = sink.into_frame();
        let Some(Column::Float(f)) = frame.column("f") else { panic!("f") };
        let bits: Vec<u64> = f.iter().map(|x| x.to_bits()).collect();
        let want: Vec<u64> = rows.iter().map(|r| r.0.to_bits()).collect();
        proptest::prop_assert_eq!(bits, want);
        proptest::prop_assert_eq!(
            frame.column("i"),
            Some(&Column::Int(rows.iter().map(|r| r.1).collect()))
        );
        proptest::prop_assert_eq!(
            frame.column("timestep"),
            Some(&Column::Int(rows.iter().map(|r| i64::try_from(r.3).unwrap()).collect()))
        );
        let params = frame.column("b");
        if cadcad {
            proptest::prop_assert_eq!(params, None);
        } else {
            proptest::prop_assert_eq!(
                params,
                Some(&Column::Bool(rows.iter().map(|r| r.2).collect()))
            );
        }
    }
}
