//! The seed models and their experiments (the seeds' own runs and the analyses their notebooks
//! plan), registered through the same public interface as a user's model: the `tokensim`
//! binary and the Python package call [`register`]. Behind the `builtins` feature.
//!
//! ```
//! let mut registry = tokensim::Registry::new();
//! tokensim::builtins::register(&mut registry);
//! assert!(registry.find_model("honey").is_some());
//! assert!(registry.find_experiment("honey-productivity").is_some());
//! ```

mod fei;
mod flash;
mod honey;

use std::collections::BTreeMap;

use crate::{
    ExperimentFile, Fidelity, InvariantsSection, OutputSection, Registry, RuleName, Scalar,
    SimSection,
};

/// Registers Honey, Flash and Fei and their experiments.
pub fn register(registry: &mut Registry) {
    honey::register(registry);
    flash::register(registry);
    fei::register(registry);
}

/// Every `from + k·by` up to `to` (tolerating rounding), each rounded to 6 decimals so that
/// 0.1 + k·0.025 prints as 0.125, not 0.12500000000000003.
fn steps(from: f64, to: f64, by: f64) -> Vec<Scalar> {
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
        invariants: InvariantsSection::default(),
        search: None,
        output: OutputSection::default(),
    }
}
