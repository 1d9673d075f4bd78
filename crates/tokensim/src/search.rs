//! `[search]` in an experiment file, and `tokensim falsify`'s search: the space it explores,
//! the job each case runs, and the counterexample written back as an experiment file.
//!
//! ```toml
//! [search]
//! cases = 512                               # default 256
//! p_variance = { min = 0.0, max = 0.5 }     # a range: floats, or integers when both are
//! throttle = [0.002, 0.004, 0.008]          # a set, shrunk toward its first value
//!
//! [search.genesis]
//! price = { min = 1.0, max = 20.0 }
//! ```
//!
//! A parameter (or genesis variable) the `[search]` table does not name, but that the
//! experiment lists with several values, is searched as the set of those values, each list on
//! its own. The other parameters keep their one value.

use sim_core::Value;
use sim_core::search::{Counterexample, Dim, Domain, Space, Target};

use crate::error::Error;
use crate::experiment::{
    DEFAULT_CASES, ExperimentFile, GenesisValue, NameKind, Scalar, SearchDomain, SimSection, known,
};
use crate::model::{Job, ModelEntry};

impl SearchDomain {
    fn domain(&self, name: &str) -> Result<Domain, Error> {
        Ok(match self {
            SearchDomain::Range {
                min: Scalar::Int(a),
                max: Scalar::Int(b),
            } => Domain::Ints { min: *a, max: *b },
            SearchDomain::Range { min, max } => {
                let number = |s: &Scalar| match s {
                    Scalar::Bool(_) => Err(Error::Command(format!(
                        "[search] `{name}`: a range's bounds are numbers"
                    ))),
                    other => Ok(Value::from(*other).as_f64()),
                };
                Domain::Range {
                    min: number(min)?,
                    max: number(max)?,
                }
            }
            SearchDomain::Set(values) => set(values),
        })
    }
}

/// What `falsify` runs: the job of one subset (every parameter at one value), and the space.
pub(crate) struct Plan {
    pub(crate) job: Job,
    pub(crate) space: Space,
    pub(crate) cases: u32,
}

/// The plan for `file` on `model`: `[search]`'s dimensions, then the experiment's other lists
/// of several values as sets; the job keeps every other value.
///
/// # Errors
/// A name the model does not have, or a range of booleans.
pub(crate) fn plan(file: &ExperimentFile, model: &dyn ModelEntry) -> Result<Plan, Error> {
    let section = file.search.clone().unwrap_or_default();
    let mut space = Space::new();
    let mut fixed = file.clone();
    fixed.params.clear();
    fixed.genesis.clear();
    for (name, d) in &section.params {
        space = space.dim(dim(name, Target::Param, d.domain(name)?));
    }
    for (name, values) in &file.params {
        match values.as_slice() {
            [one] => {
                fixed.params.insert(name.clone(), vec![*one]);
            }
            _ if section.params.contains_key(name) => {}
            many => space = space.dim(dim(name, Target::Param, set(many))),
        }
    }
    for (name, d) in &section.genesis {
        space = space.dim(dim(name, Target::Genesis, d.domain(name)?));
    }
    for (name, value) in &file.genesis {
        match value {
            GenesisValue::One(v) => {
                fixed.genesis.insert(name.clone(), GenesisValue::One(*v));
            }
            GenesisValue::Sweep(many) if !section.genesis.contains_key(name) => {
                space = space.dim(dim(name, Target::Genesis, set(many)));
            }
            GenesisValue::Sweep(_) => {}
        }
    }
    // The fixed values' names are checked by the job, the space's here.
    let job = fixed.job(model)?;
    check_names(&space, model)?;
    Ok(Plan {
        job,
        space,
        cases: section.cases.unwrap_or(DEFAULT_CASES),
    })
}

fn dim(name: &str, target: Target, domain: Domain) -> Dim {
    Dim {
        name: name.to_owned(),
        target,
        domain,
    }
}

/// The distinct values of a list, in their first order (a zipped sweep repeats them).
fn set(values: &[Scalar]) -> Domain {
    let mut distinct: Vec<Value> = Vec::new();
    for &v in values {
        let v = Value::from(v);
        if !distinct.contains(&v) {
            distinct.push(v);
        }
    }
    Domain::Set(distinct)
}

fn check_names(space: &Space, model: &dyn ModelEntry) -> Result<(), Error> {
    for d in space.dims() {
        let kind = match d.target {
            Target::Param => NameKind::Parameter,
            Target::Genesis => NameKind::StateVariable,
        };
        known(model, kind, &d.name)?;
    }
    Ok(())
}

/// The counterexample as an ordinary experiment file: one run of its seed and timesteps,
/// every parameter at its value (decimal ones keep their defaults), its genesis values, the
/// invariants checked as in the search, the original's output settings.
pub(crate) fn counterexample_file(file: &ExperimentFile, c: &Counterexample) -> ExperimentFile {
    let mut out = file.clone();
    out.search = None;
    out.sim = SimSection {
        runs: 1,
        timesteps: c.timesteps,
        seed: c.seed,
        sweep: file.sim.sweep,
    };
    out.params = c
        .params
        .iter()
        .filter(|(_, v)| !matches!(v, Value::Decimal(_)))
        .map(|(n, v)| ((*n).to_owned(), vec![Scalar::from(*v)]))
        .collect();
    out.genesis.retain(|_, v| matches!(v, GenesisValue::One(_)));
    for (n, v) in c.genesis() {
        out.genesis
            .insert(n.clone(), GenesisValue::One(Scalar::from(*v)));
    }
    out.invariants.check = c.check;
    out.invariants.only.clone_from(&c.only);
    out
}
