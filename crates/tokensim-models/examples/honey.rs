//! The 1Hive Honey notebook's experiment: the seed's sweep (throttle × target reserve ratio,
//! 9 subsets × 10 runs × 120 months), records to CSV, and a summary per subset.
//!
//! ```text
//! cargo run --release -p tokensim-models --example honey -- [--out honey.csv] [--runs 10] [--seed 1]
//!                                                  [--threads 0] [--faithful]
//! ```
//!
//! `--faithful` runs the seed's own behaviour (inflow at the target price, no price guard,
//! unbounded burns); the default is the corrected model.

#![expect(clippy::print_stdout, reason = "an example reports on stdout")]

use std::fs::File;
use std::io::BufWriter;
use std::time::Instant;

use sim_core::{CsvSink, Experiment, Hooks, Outcome, Sink, SweepRule, Value};
use tokensim_models::honey::{self, HoneyOptions, HoneyParams};

/// Keeps each run's final state (for the summary) while the CSV sink writes every row.
struct Tee<'a> {
    csv: &'a mut dyn Sink,
    finals: Vec<(usize, usize, Vec<Value>)>,
    last: Option<(usize, usize, Vec<Value>)>,
}

impl Sink for Tee<'_> {
    fn begin(&mut self, header: &sim_core::Header) -> Result<(), sim_core::SinkError> {
        self.csv.begin(header)
    }
    fn row(
        &mut self,
        meta: &sim_core::RowMeta,
        state: &[Value],
        params: &[Value],
    ) -> Result<(), sim_core::SinkError> {
        if meta.timestep == 0 {
            self.finals.extend(self.last.take());
        }
        self.last = Some((meta.subset, meta.run, state.to_vec()));
        self.csv.row(meta, state, params)
    }
    fn finish(&mut self) -> Result<(), sim_core::SinkError> {
        self.finals.extend(self.last.take());
        self.csv.finish()
    }
}

struct Progress;
impl Hooks for Progress {
    fn after_experiment(&self, outcome: &Outcome) {
        eprintln!(
            "{} rows, {} runs, {} failed",
            outcome.rows,
            outcome.runs,
            outcome.failures.len()
        );
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut out = String::from("honey.csv");
    let (mut runs, mut seed, mut threads, mut faithful) = (honey::SEED_RUNS, 1u64, 0usize, false);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--out" => out = value()?,
            "--runs" => runs = value()?.parse()?,
            "--seed" => seed = value()?.parse()?,
            "--threads" => threads = value()?.parse()?,
            "--faithful" => faithful = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }

    let base = HoneyParams {
        options: if faithful {
            HoneyOptions::faithful()
        } else {
            HoneyOptions::default()
        },
        ..HoneyParams::default()
    };
    let subsets = honey::seed_sweep().subsets(&base, SweepRule::Zip)?;
    let model = honey::model();
    let mut csv = CsvSink::new(BufWriter::new(File::create(&out)?));
    let mut tee = Tee {
        csv: &mut csv,
        finals: Vec::new(),
        last: None,
    };
    let started = Instant::now();
    let outcome = Experiment::new(&model, subsets.clone())
        .runs(runs)
        .timesteps(honey::SEED_TIMESTEPS)
        .seed(seed)
        .threads(threads)
        .hooks(&Progress)
        .run(&mut tee)?;
    let elapsed = started.elapsed();
    let finals = tee.finals;
    drop(csv.into_inner()?);

    println!(
        "{} rows to {out} in {:.1} ms ({} model, seed {seed})",
        outcome.rows,
        elapsed.as_secs_f64() * 1e3,
        if faithful { "seed's" } else { "corrected" }
    );
    for f in &outcome.failures {
        println!("  {f}");
    }
    println!(
        "subset  throttle  target ratio  mean final saturation  mean final price  (completed runs)"
    );
    let sat = 3; // HoneyState::NAMES: reserve, circulation, size, saturation, ..., price
    let price = 6;
    for (i, p) in subsets.iter().enumerate() {
        // Completed runs only: a failed run's last state is not a final one.
        let failed =
            |s: usize, r: usize| outcome.failures.iter().any(|f| f.subset == s && f.run == r);
        let mine: Vec<&Vec<Value>> = finals
            .iter()
            .filter(|(s, r, _)| *s == i && !failed(*s, *r))
            .map(|(_, _, v)| v)
            .collect();
        let n = mine.len().max(1) as f64;
        let mean = |k: usize| mine.iter().map(|v| v[k].as_f64()).sum::<f64>() / n;
        println!(
            "{i:>6}  {:>8}  {:>12}  {:>21.4}  {:>16.2}",
            p.throttle,
            p.target_reserve_ratio,
            mean(sat),
            mean(price)
        );
    }
    Ok(())
}
