//! Sweeping the genesis state (radCAD #47): each subset starts from its own genesis, the swept
//! values are record columns after the parameters, and the lists combine with the parameters'
//! by the same rule. And the workaround it replaces, one experiment per initial state into one
//! sink, no longer corrupts the sink's output.

use sim_core::{
    Block, BoxError, CsvSink, Ctx, EngineError, Experiment, MemorySink, Model, NoSignals,
    SinkError, Sweep, SweepRule, Value,
};

#[derive(Debug, Clone, Copy, PartialEq)]
struct State {
    price: f64,
    supply: i64,
}
sim_core::vars!(State { price, supply });

#[derive(Debug, Clone, Copy, PartialEq)]
struct Params {
    growth: f64,
}
sim_core::vars!(Params { growth });

fn grow(p: &Params, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
    n.price = c.state.price * (1.0 + p.growth);
    Ok(())
}

fn model() -> Model<State, Params, NoSignals> {
    Model::new(State {
        price: 1.0,
        supply: 100,
    })
    .block(Block::new().update("price", grow))
}

fn run(sweep: &Sweep, rule: SweepRule) -> Result<MemorySink, EngineError> {
    let model = model();
    let params = sweep.subsets(&Params { growth: 0.0 }, rule)?;
    let genesis = sweep.genesis_states(&model.genesis, rule)?;
    let swept: Vec<&str> = sweep
        .genesis_entries()
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    let mut records = MemorySink::new();
    Experiment::new(&model, params)
        .genesis(genesis, &swept)
        .runs(1)
        .timesteps(2)
        .run(&mut records)?;
    Ok(records)
}

#[test]
fn each_subset_starts_from_its_own_genesis_and_records_it() {
    let sweep = Sweep::new()
        .param("growth", [0.5, 1.0])
        .genesis("price", [2.0, 4.0])
        .genesis("supply", [7_i64]);
    // Product: growth slowest, then price; supply broadcast.
    let records = run(&sweep, SweepRule::Product).unwrap();
    let header = records.header().unwrap();
    assert_eq!(header.params, ["growth", "genesis_price", "genesis_supply"]);
    let price = records.f64_column("price").unwrap();
    // 4 subsets × (genesis + 2 timesteps): 2·1.5², 4·1.5², 2·2², 4·2².
    #[rustfmt::skip]
    let expected = [2.0, 3.0, 4.5,  4.0, 6.0, 9.0,  2.0, 4.0, 8.0,  4.0, 8.0, 16.0];
    assert_eq!(price, expected);
    let column = records.column("genesis_price").unwrap();
    assert_eq!(column[0], Value::F64(2.0));
    assert_eq!(column[3], Value::F64(4.0));
    assert_eq!(records.column("genesis_supply").unwrap()[0], Value::I64(7));
    assert_eq!(records.column("supply").unwrap()[11], Value::I64(7));
}

#[test]
fn genesis_lists_follow_the_parameters_rules() {
    let sweep = Sweep::new()
        .param("growth", [0.5, 1.0, 2.0])
        .genesis("price", [2.0, 4.0]);
    // cadCAD's zip refuses lists of 3 and 2; radCAD pads the shorter with its last value.
    assert!(matches!(
        run(&sweep, SweepRule::Zip),
        Err(EngineError::SweepLength { ref param, len: 2, expected: 3 }) if param == "price"
    ));
    let padded = run(&sweep, SweepRule::PadLast).unwrap();
    let starts: Vec<f64> = padded
        .f64_column("price")
        .unwrap()
        .iter()
        .step_by(3)
        .copied()
        .collect();
    assert_eq!(starts, [2.0, 4.0, 4.0]);
}

#[test]
fn a_bad_genesis_sweep_is_refused_before_anything_runs() {
    let unknown = Sweep::new().genesis("prise", [1.0]);
    assert!(matches!(
        run(&unknown, SweepRule::Zip),
        Err(EngineError::Var(sim_core::VarError::Unknown { ref name, .. })) if name == "prise"
    ));
    let model = model();
    let err = Experiment::new(&model, vec![Params { growth: 0.1 }; 2])
        .genesis(vec![model.genesis], &[])
        .run(&mut MemorySink::new())
        .unwrap_err();
    assert!(matches!(
        err,
        EngineError::GenesisCount {
            states: 1,
            subsets: 2
        }
    ));
}

#[test]
fn a_second_experiment_continues_the_same_csv_table() {
    let model = model();
    let mut csv = CsvSink::new(Vec::new());
    for (i, price) in [2.0, 3.0].into_iter().enumerate() {
        let genesis = State { price, supply: 1 };
        Experiment::new(&model, vec![Params { growth: 1.0 }])
            .genesis(vec![genesis], &[])
            .simulation(i)
            .run(&mut csv)
            .unwrap();
    }
    let text = String::from_utf8(csv.into_inner().unwrap()).unwrap();
    assert_eq!(
        text,
        "simulation,subset,run,substep,timestep,price,supply,growth\n\
         0,0,1,0,0,2.0,1,1.0\n\
         0,0,1,1,1,4.0,1,1.0\n\
         1,0,1,0,0,3.0,1,1.0\n\
         1,0,1,1,1,6.0,1,1.0\n"
    );
    // Other columns are refused, and the table is unchanged.
    let mut csv = CsvSink::new(Vec::new());
    Experiment::new(&model, vec![Params { growth: 1.0 }])
        .run(&mut csv)
        .unwrap();
    let swept = Experiment::new(&model, vec![Params { growth: 1.0 }])
        .genesis(vec![model.genesis], &["price"])
        .run(&mut csv);
    assert!(matches!(
        swept,
        Err(EngineError::Sink(SinkError::OtherColumns { .. }))
    ));
    let text = String::from_utf8(csv.into_inner().unwrap()).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
}

#[test]
fn a_memory_sink_keeps_both_experiments() {
    let model = model();
    let mut records = MemorySink::new();
    for i in 0..2 {
        Experiment::new(&model, vec![Params { growth: 1.0 }])
            .simulation(i)
            .run(&mut records)
            .unwrap();
    }
    assert_eq!(records.len(), 4);
    assert_eq!(records.meta()[2].simulation, 1);
}
