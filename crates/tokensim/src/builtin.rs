//! The built-in experiments: the seeds' own runs and the analyses their notebooks plan.

use std::collections::BTreeMap;

use crate::config::{ExperimentFile, OutputSection, RuleName, Scalar, SimSection};
use tokensim_models::Fidelity;

/// What a built-in experiment computes beyond the records and the per-subset statistics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Analysis {
    /// Nothing more.
    None,
    /// Honey step 1: the productivity range over which the final market saturation goes from
    /// below `low` to above `high`.
    SaturationRange { low: f64, high: f64 },
}

/// A built-in experiment.
pub(crate) struct Builtin {
    pub(crate) name: &'static str,
    pub(crate) description: &'static str,
    pub(crate) analysis: Analysis,
    /// Builds the experiment file (a function: some built-ins depend on another's result).
    pub(crate) file: fn() -> ExperimentFile,
}

fn steps(from: f64, to: f64, by: f64) -> Vec<Scalar> {
    // Every from + k·by up to `to` (tolerating rounding), each rounded to 6 decimals so that
    // 0.1 + k·0.025 prints as 0.125, not 0.12500000000000003.
    let n = ((to - from) / by + 1e-9).floor() as i64;
    (0..=n)
        .map(|k| {
            let v = from + by * k as f64;
            Scalar::Float((v * 1e6).round() / 1e6)
        })
        .collect()
}

fn floats(v: &[f64]) -> Vec<Scalar> {
    v.iter().copied().map(Scalar::Float).collect()
}

/// A built-in's experiment file: seed 1, the default output, no genesis overrides.
fn file(
    model: &str,
    fidelity: Fidelity,
    (runs, timesteps): (usize, usize),
    rule: RuleName,
    params: Vec<(&str, Vec<Scalar>)>,
) -> ExperimentFile {
    ExperimentFile {
        model: model.into(),
        fidelity,
        sim: SimSection {
            runs,
            timesteps,
            seed: 1,
            sweep: rule,
        },
        params: params
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<BTreeMap<_, _>>(),
        genesis: BTreeMap::new(),
        output: OutputSection::default(),
    }
}

fn honey_file(runs: usize, rule: RuleName, params: Vec<(&str, Vec<Scalar>)>) -> ExperimentFile {
    file(
        "honey",
        Fidelity::Corrected,
        (runs, tokensim_models::honey::SEED_TIMESTEPS),
        rule,
        params,
    )
}

/// The seed's sweep: throttle {0.002, 0.004, 0.008} × target reserve ratio {0.1, 0.2, 0.3},
/// written zipped as the notebook writes it.
fn honey() -> ExperimentFile {
    let t = [0.002, 0.004, 0.008];
    let r = [0.1, 0.2, 0.3];
    honey_file(
        tokensim_models::honey::SEED_RUNS,
        RuleName::Zip,
        vec![
            (
                "throttle",
                floats(&r.iter().flat_map(|_| t).collect::<Vec<_>>()),
            ),
            (
                "target_reserve_ratio",
                floats(&r.iter().flat_map(|x| [*x; 3]).collect::<Vec<_>>()),
            ),
        ],
    )
}

/// Step 1's fixed parameters: the seed's outflow rate 0.05 (its notebook names a historic
/// average without giving it), target 0.2, throttle 0.008 (9.6 % a year), variance 0.25, pull
/// 0.75.
fn honey_productivity() -> ExperimentFile {
    honey_file(
        tokensim_models::honey::SEED_RUNS,
        RuleName::Zip,
        vec![
            ("outflow_rate", floats(&[0.05])),
            ("target_reserve_ratio", floats(&[0.2])),
            ("throttle", floats(&[0.008])),
            ("p_variance", floats(&[0.25])),
            ("p_pull", floats(&[0.75])),
            ("productivity", steps(0.70, 1.00, 0.0025)),
        ],
    )
}

/// Step 1's productivity range `(low, median, high)`, computed by running it (a quarter of a
/// second), the median rounded to 6 decimals; the seed's 0.88 throughout if step 1 does not
/// bracket both crossings.
pub(crate) fn step1_productivity_range() -> (f64, f64, f64) {
    let found = crate::run::productivity_crossings(&honey_productivity(), 0.1, 0.8);
    let (low, high) = found.unwrap_or((0.88, 0.88));
    (low, (((low + high) / 2.0) * 1e6).round() / 1e6, high)
}

/// Step 2: the median productivity of step 1's range, and target reserve ratio 0.1..0.3 by
/// 0.025 against throttle 0.002..0.032 by 0.004 (0.030 is the last on that lattice), every
/// pair (72 subsets).
fn honey_grid() -> ExperimentFile {
    let (_, median, _) = step1_productivity_range();
    honey_file(
        tokensim_models::honey::SEED_RUNS,
        RuleName::Product,
        vec![
            ("productivity", floats(&[median])),
            ("target_reserve_ratio", steps(0.1, 0.3, 0.025)),
            ("throttle", steps(0.002, 0.032, 0.004)),
        ],
    )
}

/// Step 3: reserve ratio and throttle narrowed to where step 2's grid saturates the market
/// (ratio 0.2..0.3, throttle 0.002..0.014), with productivity over step 1's range, variance
/// 0.15..0.35 and pull 0.65..0.85 added, every combination (243 subsets).
fn honey_sensitivity() -> ExperimentFile {
    let (low, median, high) = step1_productivity_range();
    honey_file(
        tokensim_models::honey::SEED_RUNS,
        RuleName::Product,
        vec![
            ("target_reserve_ratio", floats(&[0.2, 0.25, 0.3])),
            ("throttle", floats(&[0.002, 0.008, 0.014])),
            ("productivity", floats(&[low, median, high])),
            ("p_variance", floats(&[0.15, 0.25, 0.35])),
            ("p_pull", floats(&[0.65, 0.75, 0.85])),
        ],
    )
}

/// The Flash V3 seed's experiment (its one subset: swap factor 100, market APY 10..25 %).
fn flash_file(fidelity: Fidelity, runs: usize) -> ExperimentFile {
    file(
        "flash",
        fidelity,
        (runs, tokensim_models::flash::SEED_TIMESTEPS),
        RuleName::Zip,
        vec![
            ("ext_swap_rand_factor", floats(&[100.0])),
            ("market_apy_low", vec![Scalar::Int(10)]),
            ("market_apy_high", vec![Scalar::Int(25)]),
        ],
    )
}

/// The notebook as written: its 2 runs of 10 days, defects included.
fn flash_seed() -> ExperimentFile {
    flash_file(Fidelity::Faithful, tokensim_models::flash::SEED_RUNS)
}

/// The corrected model on the seed's parameters and horizon, with 100 runs so the bands mean
/// something.
fn flash() -> ExperimentFile {
    flash_file(Fidelity::Corrected, 100)
}

fn fei_file(runs: usize, params: Vec<(&str, Vec<Scalar>)>) -> ExperimentFile {
    file(
        "fei",
        Fidelity::Corrected,
        (runs, tokensim_models::fei::TIMESTEPS),
        RuleName::Zip,
        params,
    )
}

/// Fei's defaults: 365 days, savings rate 0.015.
fn fei() -> ExperimentFile {
    fei_file(20, vec![("savings_rate", floats(&[0.015]))])
}

/// The savings rate over 0.005..0.03 by 0.005, as Fei's second notebook sweeps it.
fn fei_savings_rate() -> ExperimentFile {
    fei_file(20, vec![("savings_rate", steps(0.005, 0.03, 0.005))])
}

pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "honey",
        description: "the Honey seed's sweep: throttle × target reserve ratio, 9 subsets × 10 runs × 120 months",
        analysis: Analysis::None,
        file: honey,
    },
    Builtin {
        name: "honey-productivity",
        description: "Honey step 1: the productivity range where final market saturation goes from below 0.1 to above 0.8",
        analysis: Analysis::SaturationRange {
            low: 0.1,
            high: 0.8,
        },
        file: honey_productivity,
    },
    Builtin {
        name: "honey-grid",
        description: "Honey step 2: target reserve ratio 0.1..0.3 × throttle 0.002..0.032 at step 1's median productivity, heatmaps",
        analysis: Analysis::None,
        file: honey_grid,
    },
    Builtin {
        name: "honey-sensitivity",
        description: "Honey step 3: narrowed reserve ratio and throttle, with productivity, variance and pull swept",
        analysis: Analysis::None,
        file: honey_sensitivity,
    },
    Builtin {
        name: "flash",
        description: "Flash V3, corrected: the seed's pools and parameters with each defect fixed, 100 runs × 10 days",
        analysis: Analysis::None,
        file: flash,
    },
    Builtin {
        name: "flash-seed",
        description: "Flash V3 as the notebook runs it, defects included: 2 runs × 10 days",
        analysis: Analysis::None,
        file: flash_seed,
    },
    Builtin {
        name: "fei",
        description: "Fei capital allocation with Fei's defaults: 20 runs × 365 days, savings rate 1.5 %",
        analysis: Analysis::None,
        file: fei,
    },
    Builtin {
        name: "fei-savings-rate",
        description: "Fei capital allocation, savings rate 0.005..0.03: the allocation per deposit over time for each rate",
        analysis: Analysis::None,
        file: fei_savings_rate,
    },
];

pub(crate) fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}
