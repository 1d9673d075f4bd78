//! The experiment file: what `tokensim show` prints and `tokensim run FILE.toml` reads.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sim_core::{Sweep, SweepRule, Value};
use tokensim_models::Fidelity;
use tokensim_models::catalog::{Job, ModelEntry};

/// An experiment, as TOML:
///
/// ```toml
/// model = "honey"
/// fidelity = "corrected"   # or "faithful": the seed's defects included
///
/// [sim]
/// runs = 10
/// timesteps = 120
/// seed = 1
/// sweep = "zip"            # cadCAD's rule; "pad-last" (radCAD) or "product"
///
/// [params]                 # lists, combined by the sweep rule; unnamed ones keep defaults
/// throttle = [0.002, 0.004]
///
/// [genesis]                # genesis variables overridden
/// price = 12.0
///
/// [output]
/// format = "csv"           # or "parquet"
/// plots = ["saturation", "price"]
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExperimentFile {
    pub(crate) model: String,
    #[serde(default, with = "fidelity_words")]
    pub(crate) fidelity: Fidelity,
    pub(crate) sim: SimSection,
    #[serde(default)]
    pub(crate) params: BTreeMap<String, Vec<Scalar>>,
    #[serde(default)]
    pub(crate) genesis: BTreeMap<String, Scalar>,
    #[serde(default)]
    pub(crate) output: OutputSection,
}

/// `fidelity = "corrected" | "faithful"`: [`Fidelity`]'s own words ([`Fidelity::name`]).
mod fidelity_words {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    use tokensim_models::Fidelity;

    pub(super) fn serialize<S: Serializer>(f: &Fidelity, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(f.name())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Fidelity, D::Error> {
        let word = String::deserialize(d)?;
        word.parse().map_err(D::Error::custom)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SimSection {
    pub(crate) runs: usize,
    pub(crate) timesteps: usize,
    #[serde(default)]
    pub(crate) seed: u64,
    #[serde(default)]
    pub(crate) sweep: RuleName,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RuleName {
    #[default]
    Zip,
    PadLast,
    Product,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Format {
    #[default]
    Csv,
    Parquet,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutputSection {
    #[serde(default)]
    pub(crate) format: Format,
    /// The state variables to plot over time; empty for the model's key variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) plots: Vec<String>,
}

/// A TOML scalar: a float, an integer or a boolean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
}

impl From<Scalar> for Value {
    fn from(s: Scalar) -> Self {
        match s {
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => Value::I64(i),
            Scalar::Float(f) => Value::F64(f),
        }
    }
}

impl From<Value> for Scalar {
    fn from(v: Value) -> Self {
        match v {
            Value::Bool(b) => Scalar::Bool(b),
            Value::I64(i) => Scalar::Int(i),
            other => Scalar::Float(other.as_f64()),
        }
    }
}

impl ExperimentFile {
    /// Parses TOML; syntax errors name the line and column.
    pub(crate) fn parse(text: &str, origin: &str) -> Result<Self> {
        toml::from_str(text).map_err(|e| {
            let place = e
                .span()
                .map(|span| {
                    let before = &text[..span.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                    format!(" at line {line}, column {column}")
                })
                .unwrap_or_default();
            anyhow::anyhow!("{origin}{place}: {}", e.message())
        })
    }

    pub(crate) fn to_toml(&self) -> Result<String> {
        toml::to_string(self).context("cannot print the experiment as TOML")
    }

    /// The job for `model`, every name checked against it.
    pub(crate) fn job(&self, model: &dyn ModelEntry) -> Result<Job> {
        let names = model.param_names();
        let mut sweep = Sweep::new();
        for (name, values) in &self.params {
            if !names.contains(&name.as_str()) {
                bail!(
                    "model `{}` has no parameter `{name}` (parameters: {})",
                    model.name(),
                    names.join(", ")
                );
            }
            sweep = sweep.param_values(name, values.iter().map(|&v| v.into()).collect());
        }
        let states = model.state_names();
        let mut genesis = Vec::new();
        for (name, value) in &self.genesis {
            if !states.contains(&name.as_str()) {
                bail!(
                    "model `{}` has no state variable `{name}` (variables: {})",
                    model.name(),
                    states.join(", ")
                );
            }
            genesis.push((name.clone(), Value::from(*value)));
        }
        // Zero runs or timesteps are refused by the engine's check, which `subsets` makes
        // before anything is written.
        Ok(Job {
            sweep,
            rule: match self.sim.sweep {
                RuleName::Zip => SweepRule::Zip,
                RuleName::PadLast => SweepRule::PadLast,
                RuleName::Product => SweepRule::Product,
            },
            genesis,
            fidelity: self.fidelity,
            runs: self.sim.runs,
            timesteps: self.sim.timesteps,
            seed: self.sim.seed,
            threads: 0,
            shard: (0, 1),
            check_finite: true,
        })
    }
}
