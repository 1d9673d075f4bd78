//! The experiment file: what `tokensim show` prints and `tokensim run FILE.toml` reads, for
//! any registered model.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim_core::{Fidelity, InvariantCheck, Layout, Sweep, SweepRule, Value};

use crate::error::Error;
use crate::model::{Job, ModelEntry};

/// An experiment, as TOML:
///
/// ```toml
/// model = "predprey"      # a registered model's name
/// fidelity = "corrected"   # or "faithful": a reference's defects included
///
/// [sim]
/// runs = 10
/// timesteps = 120
/// seed = 1
/// sweep = "zip"            # cadCAD's rule; "pad-last" (radCAD) or "product"
///
/// [params]                 # lists, combined by the sweep rule; unnamed ones keep defaults
/// predation_rate = [0.015, 0.02]
///
/// [genesis]                # genesis variables: one value, or a list swept with [params]
/// predators = 2.0
/// prey = [5.0, 10.0]
///
/// [invariants]             # the model's invariants: checked after every substep by default
/// check = "substep"        # or "timestep" (each timestep's end) or "off"
/// only = ["prey_non_negative"]   # a subset of them, by name; all when left out
///
/// [search]                 # `tokensim falsify`: the space searched for a counterexample
/// cases = 256
/// predation_rate = { min = 0.0, max = 0.05 }
/// birth_rate = [0.1, 0.2]
///
/// [output]
/// format = "csv"           # or "parquet"
/// layout = "tokensim"      # or "cadcad": cadCAD's DataFrame columns
/// plots = ["prey"]
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentFile {
    /// The registered model's name.
    pub model: String,
    /// The corrected behaviour or the reference's own.
    #[serde(default, with = "words")]
    pub fidelity: Fidelity,
    /// Runs, timesteps, seed and sweep rule.
    pub sim: SimSection,
    /// Swept parameters: each a list, combined by the sweep rule; unnamed ones keep defaults.
    #[serde(default)]
    pub params: BTreeMap<String, Vec<Scalar>>,
    /// Genesis variables overridden: a value for every subset, or a list swept with the
    /// parameters (by the same rule, after them; recorded as `genesis_NAME` columns).
    #[serde(default)]
    pub genesis: BTreeMap<String, GenesisValue>,
    /// Which invariants are checked, and how often.
    #[serde(default, skip_serializing_if = "InvariantsSection::is_default")]
    pub invariants: InvariantsSection,
    /// The space `tokensim falsify` searches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<SearchSection>,
    /// The records' format and the plots.
    #[serde(default)]
    pub output: OutputSection,
}

/// `[invariants]`: how often the model's invariants are checked, and which.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvariantsSection {
    /// `substep` (the default), `timestep` or `off`.
    #[serde(default, with = "words")]
    pub check: InvariantCheck,
    /// The invariants checked, by name; empty for all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only: Vec<String>,
}

impl InvariantsSection {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// A setting written as its word: [`Fidelity`] (`fidelity = "corrected" | "faithful"`) and
/// [`InvariantCheck`] (`check = "substep" | "timestep" | "off"`), each read with its own
/// `FromStr` and written with its `Display`, whose errors name the words there are.
mod words {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(super) fn serialize<T: Display, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub(super) fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: FromStr<Err: Display>,
        D: Deserializer<'de>,
    {
        let word = String::deserialize(d)?;
        word.parse().map_err(D::Error::custom)
    }
}

/// `[sim]`: how much to run, from which seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimSection {
    /// Monte Carlo runs per subset.
    pub runs: usize,
    /// Timesteps per run.
    pub timesteps: usize,
    /// The experiment's seed.
    #[serde(default)]
    pub seed: u64,
    /// How the parameter lists combine.
    #[serde(default)]
    pub sweep: RuleName,
}

/// The sweep rule's words: `zip` (cadCAD), `pad-last` (radCAD), `product`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleName {
    /// cadCAD's: equal lengths zip, single values broadcast.
    #[default]
    Zip,
    /// radCAD's: shorter lists padded with their last value.
    PadLast,
    /// Every combination.
    Product,
}

/// The records' format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// `records.csv`.
    #[default]
    Csv,
    /// `records.parquet`.
    Parquet,
}

/// `[output]`: the records' format and the plots.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSection {
    /// The records' format.
    #[serde(default)]
    pub format: Format,
    /// The state variables to plot over time; empty for the model's own choice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plots: Vec<String>,
    /// The state variables whose final mean gets a heatmap when two parameters vary; empty for
    /// the model's own choice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub heatmaps: Vec<String>,
    /// The records' columns: `tokensim` (index, state, parameters; the default) or `cadcad`
    /// (cadCAD's DataFrame: state, then index, no parameters).
    #[serde(default, with = "layout_words", skip_serializing_if = "is_default")]
    pub layout: Layout,
}

fn is_default(layout: &Layout) -> bool {
    *layout == Layout::default()
}

/// `layout = "tokensim" | "cadcad"`.
pub(crate) mod layout_words {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    use sim_core::Layout;

    /// Each layout's word.
    pub(crate) const WORDS: [(&str, Layout); 2] =
        [("tokensim", Layout::Tokensim), ("cadcad", Layout::Cadcad)];

    pub(super) fn serialize<S: Serializer>(l: &Layout, s: S) -> Result<S::Ok, S::Error> {
        let word = WORDS
            .iter()
            .find(|(_, x)| x == l)
            .map_or("tokensim", |(w, _)| *w);
        s.serialize_str(word)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Layout, D::Error> {
        parse(&String::deserialize(d)?).map_err(D::Error::custom)
    }

    /// The layout named `word`, or why there is none.
    pub(crate) fn parse(word: &str) -> Result<Layout, String> {
        WORDS
            .iter()
            .find(|(w, _)| *w == word)
            .map(|(_, l)| *l)
            .ok_or_else(|| format!("unknown layout `{word}` (expected `tokensim` or `cadcad`)"))
    }
}

/// A genesis variable's value in an experiment file: one value for every subset, or a list to
/// sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum GenesisValue {
    /// `price = 12.0`: every subset starts there.
    One(Scalar),
    /// `price = [8.0, 12.0]`: swept with the parameters.
    Sweep(Vec<Scalar>),
}

/// A TOML scalar: a float, an integer or a boolean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
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

/// What a run's flags (`tokensim run --runs …`) or keyword arguments (Python's
/// `tokensim.run(…, runs=…)`) change in an experiment file; `None` leaves a setting as the file
/// has it. Zero runs or timesteps are refused when the experiment starts
/// ([`sim_core::EngineError::Zero`]).
///
/// ```
/// use tokensim::{ExperimentFile, Overrides};
/// let text = "model = \"honey\"\n[sim]\nruns = 10\ntimesteps = 120\nseed = 1\n";
/// let mut file = ExperimentFile::parse(text, "e.toml")?;
/// file.apply(&Overrides { runs: Some(100), layout: Some(sim_core::Layout::Cadcad), ..Overrides::default() });
/// assert_eq!((file.sim.runs, file.output.layout), (100, sim_core::Layout::Cadcad));
/// # Ok::<(), tokensim::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Monte Carlo runs per subset.
    pub runs: Option<usize>,
    /// Timesteps per run.
    pub timesteps: Option<usize>,
    /// The experiment's seed.
    pub seed: Option<u64>,
    /// The models' behaviour: corrected or faithful to the seed.
    pub fidelity: Option<Fidelity>,
    /// The records' columns: tokensim's or cadCAD's.
    pub layout: Option<Layout>,
    /// The records file's format.
    pub format: Option<Format>,
    /// When the model's invariants are checked.
    pub invariants: Option<InvariantCheck>,
}

impl ExperimentFile {
    /// Applies `o`: each setting it gives replaces the file's.
    pub fn apply(&mut self, o: &Overrides) {
        let Overrides {
            runs,
            timesteps,
            seed,
            fidelity,
            layout,
            format,
            invariants,
        } = *o;
        self.sim.runs = runs.unwrap_or(self.sim.runs);
        self.sim.timesteps = timesteps.unwrap_or(self.sim.timesteps);
        self.sim.seed = seed.unwrap_or(self.sim.seed);
        self.fidelity = fidelity.unwrap_or(self.fidelity);
        self.output.layout = layout.unwrap_or(self.output.layout);
        self.output.format = format.unwrap_or(self.output.format);
        self.invariants.check = invariants.unwrap_or(self.invariants.check);
    }

    /// Parses TOML; syntax errors name the line and column.
    ///
    /// # Errors
    /// [`Error::ExperimentFile`]: not TOML, or not an experiment.
    pub fn parse(text: &str, origin: &str) -> Result<Self, Error> {
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
            Error::ExperimentFile {
                origin: origin.to_owned(),
                place,
                message: e.message().to_owned(),
            }
        })
    }

    /// The experiment as TOML, as `tokensim show` prints it.
    ///
    /// # Errors
    /// A value TOML cannot hold (a non-finite float).
    pub fn to_toml(&self) -> Result<String, Error> {
        toml::to_string(self)
            .map_err(|e| Error::Command(format!("cannot print the experiment as TOML: {e}")))
    }

    /// A starting experiment for `model`: 10 runs of 100 timesteps from seed 1, every
    /// parameter listed at its default (decimal ones left out: they keep theirs), to edit.
    #[must_use]
    pub fn for_model(model: &dyn ModelEntry) -> Self {
        let params = model
            .defaults(Fidelity::Corrected)
            .into_iter()
            .filter(|(_, v)| !matches!(v, Value::Decimal(_)))
            .map(|(k, v)| (k.to_owned(), vec![Scalar::from(v)]))
            .collect();
        Self {
            model: model.name().to_owned(),
            fidelity: Fidelity::Corrected,
            sim: SimSection {
                runs: 10,
                timesteps: 100,
                seed: 1,
                sweep: RuleName::Zip,
            },
            params,
            genesis: BTreeMap::new(),
            invariants: InvariantsSection::default(),
            search: None,
            output: OutputSection::default(),
        }
    }

    /// The job for `model`, every name checked against it.
    ///
    /// # Errors
    /// [`Error::UnknownName`] for a parameter or genesis variable the model does not have.
    pub fn job(&self, model: &dyn ModelEntry) -> Result<Job, Error> {
        let mut sweep = Sweep::new();
        for (name, values) in &self.params {
            known(model, NameKind::Parameter, name)?;
            sweep = sweep.param_values(name, values.iter().map(|&v| v.into()).collect());
        }
        let mut genesis = Vec::new();
        for (name, value) in &self.genesis {
            known(model, NameKind::StateVariable, name)?;
            match value {
                GenesisValue::One(v) => genesis.push((name.clone(), Value::from(*v))),
                GenesisValue::Sweep(values) => {
                    sweep = sweep.genesis_values(name, values.iter().map(|&v| v.into()).collect());
                }
            }
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
            invariants: self.invariants.check,
            only_invariants: self.invariants.only.clone(),
        })
    }
}

/// What a name in an experiment file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameKind {
    /// A parameter (`[params]`, `[search]`).
    Parameter,
    /// A state variable (`[genesis]`, `[search.genesis]`).
    StateVariable,
}

/// `Ok` when `model` has the `kind` named `name`; else [`Error::UnknownName`], listing those
/// it has.
pub(crate) fn known(model: &dyn ModelEntry, kind: NameKind, name: &str) -> Result<(), Error> {
    let (word, names) = match kind {
        NameKind::Parameter => ("parameter", model.param_names()),
        NameKind::StateVariable => ("state variable", model.state_names()),
    };
    if names.contains(&name) {
        return Ok(());
    }
    Err(Error::UnknownName {
        model: model.name().to_owned(),
        kind: word,
        name: name.to_owned(),
        known: names.join(", "),
    })
}

/// The cases `tokensim falsify` tries when neither the file nor the command line says.
pub const DEFAULT_CASES: u32 = 256;

/// `[search]`: the space `tokensim falsify` explores.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchSection {
    /// Cases to try (default 256; `--cases` overrides it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cases: Option<u32>,
    /// `[search.genesis]`: genesis variables to explore.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub genesis: BTreeMap<String, SearchDomain>,
    /// The parameters to explore, by name.
    #[serde(flatten)]
    pub params: BTreeMap<String, SearchDomain>,
}

/// One dimension's values in `[search]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SearchDomain {
    /// `{ min = 0.0, max = 0.5 }`.
    Range {
        /// The least value.
        min: Scalar,
        /// The greatest value.
        max: Scalar,
    },
    /// `[0.002, 0.004]`: one of these.
    Set(Vec<Scalar>),
}

#[cfg(test)]
mod tests {
    use super::layout_words;
    use sim_core::Layout;

    #[test]
    fn a_layout_is_read_by_its_word_and_an_unknown_word_is_named() {
        assert_eq!(layout_words::parse("cadcad"), Ok(Layout::Cadcad));
        assert_eq!(layout_words::parse("tokensim"), Ok(Layout::Tokensim));
        assert_eq!(
            layout_words::parse("radcad"),
            Err("unknown layout `radcad` (expected `tokensim` or `cadcad`)".to_owned())
        );
        let file: Result<super::ExperimentFile, _> =
            toml::from_str("model = \"honey\"\n[output]\nlayout = \"csv\"\n");
        let err = file.map(|_| ()).unwrap_err().to_string();
        assert!(err.contains("unknown layout `csv`"), "{err}");
    }
}
