//! The Parquet sink (feature `parquet`): a file written by an experiment reads back with the
//! same rows, columns and values.
#![cfg(feature = "parquet")]

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use sim_core::sink::ParquetSink;
use sim_core::{Block, BoxError, Ctx, Experiment, Model, SimRng, Sink, Value, need};

#[derive(Debug, Clone, Default)]
struct S {
    x: f64,
    n: i64,
}
sim_core::vars!(S { x, n });

#[derive(Debug, Clone, Default)]
struct P {
    k: f64,
}
sim_core::vars!(P { k });

#[derive(Default)]
struct G {
    dx: Option<f64>,
}
sim_core::signals!(G: f64 { dx });

fn half(p: &P, _: &Ctx<'_, S>, _: &mut SimRng) -> Result<G, BoxError> {
    Ok(G {
        dx: Some(p.k / 2.0),
    })
}
fn step(_: &P, c: &Ctx<'_, S>, i: &G, n: &mut S) -> Result<(), BoxError> {
    n.x = c.state.x + need(i.dx, "dx")?;
    n.n = c.state.n + 1;
    Ok(())
}

/// The bytes in a temporary file (parquet reads from a `File` without extra crates).
fn file_of(bytes: &[u8], tag: u32) -> std::fs::File {
    let path = std::env::temp_dir().join(format!(
        "sim-core-parquet-{}-{tag}.parquet",
        std::process::id()
    ));
    std::fs::write(&path, bytes).unwrap();
    let f = std::fs::File::open(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    f
}

#[test]
fn parquet_round_trip() {
    let model = Model::new(S::default()).block(Block::new().policy("half", half).update("x", step));
    let mut sink = ParquetSink::new(Vec::new()).with_row_group(5);
    let out = Experiment::new(&model, vec![P { k: 1.0 }, P { k: 3.0 }])
        .runs(2)
        .timesteps(3)
        .run(&mut sink)
        .unwrap();
    assert_eq!(out.rows, 16);
    let bytes = sink.into_inner().unwrap();

    let reader = SerializedFileReader::new(file_of(&bytes, line!())).unwrap();
    let meta = reader.metadata();
    assert_eq!(meta.file_metadata().num_rows(), 16);
    assert_eq!(meta.num_row_groups(), 4); // 5 + 5 + 5 + 1 rows
    let names: Vec<String> = meta
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "simulation",
            "subset",
            "run",
            "substep",
            "timestep",
            "x",
            "n",
            "k"
        ]
    );
    let rows: Vec<Vec<Field>> = reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| {
            r.unwrap()
                .get_column_iter()
                .map(|(_, f)| f.clone())
                .collect()
        })
        .collect();
    // Subset 1 (k = 3), run 2, timestep 3: x = 3·1.5, n = 3.
    assert_eq!(
        rows[15],
        vec![
            Field::Long(0),
            Field::Long(1),
            Field::Long(2),
            Field::Long(1),
            Field::Long(3),
            Field::Double(4.5),
            Field::Long(3),
            Field::Double(3.0),
        ]
    );
}

#[test]
fn a_column_keeps_its_type() {
    let mut sink = ParquetSink::new(Vec::new());
    let header = sim_core::Header {
        state: &["x"],
        params: Vec::new(),
        example: Vec::new(),
    };
    sink.begin(&header).unwrap();
    let meta = sim_core::RowMeta {
        simulation: 0,
        subset: 0,
        run: 1,
        substep: 0,
        timestep: 0,
    };
    sink.row(&meta, &[Value::F64(1.0)], &[]).unwrap();
    let err = sink.row(&meta, &[Value::I64(1)], &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "column `x` holds f64 values but got a i64 value"
    );
    sink.row(&meta, &[Value::F64(2.0)], &[]).unwrap();
    sink.finish().unwrap();
    let bytes = sink.into_inner().unwrap();
    let reader = SerializedFileReader::new(file_of(&bytes, line!())).unwrap();
    assert_eq!(reader.metadata().file_metadata().num_rows(), 2);
}

#[test]
fn an_empty_shard_is_a_valid_file_with_the_schema() {
    let model = Model::new(S::default()).block(Block::new().policy("half", half).update("x", step));
    let mut sink = ParquetSink::new(Vec::new());
    // 2 pairs, shard 999 of 1000: nothing to run.
    let out = Experiment::new(&model, vec![P { k: 1.0 }])
        .runs(2)
        .shard(999, 1000)
        .run(&mut sink)
        .unwrap();
    assert_eq!(out.rows, 0);
    let bytes = sink.into_inner().unwrap();
    assert!(!bytes.is_empty());
    let reader = SerializedFileReader::new(file_of(&bytes, 99)).unwrap();
    let meta = reader.metadata().file_metadata();
    assert_eq!(meta.num_rows(), 0);
    let columns: Vec<String> = meta
        .schema_descr()
        .columns()
        .iter()
        .map(|c| format!("{} {:?}", c.name(), c.physical_type()))
        .collect();
    // The types come from the genesis state and the first subset, as a full file's would.
    assert_eq!(
        columns[..5],
        [
            "simulation INT64",
            "subset INT64",
            "run INT64",
            "substep INT64",
            "timestep INT64"
        ]
    );
    assert_eq!(columns[5..], ["x DOUBLE", "n INT64", "k DOUBLE"]);
}

#[test]
fn a_finished_file_refuses_a_second_experiment_and_stays_whole() {
    let model = Model::new(S::default()).block(Block::new().policy("half", half).update("x", step));
    let mut sink = ParquetSink::new(Vec::new());
    let run = |sink: &mut ParquetSink<Vec<u8>>| {
        Experiment::new(&model, vec![P { k: 1.0 }])
            .timesteps(2)
            .run(sink)
    };
    run(&mut sink).unwrap();
    assert!(matches!(
        run(&mut sink),
        Err(sim_core::EngineError::Sink(sim_core::SinkError::Finished))
    ));
    let bytes = sink.into_inner().unwrap();
    let reader = SerializedFileReader::new(file_of(&bytes, line!())).unwrap();
    assert_eq!(reader.metadata().file_metadata().num_rows(), 3);
}
