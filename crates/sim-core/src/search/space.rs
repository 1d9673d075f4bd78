//! The space a [`Search`](super::Search) explores: for each parameter or genesis variable, a
//! range or a set of values, and the proptest strategy that draws (and shrinks) its points.

use proptest::strategy::{BoxedStrategy, Just, Strategy};

use crate::error::EngineError;
use crate::value::{Scalar, Value};
use crate::vars::Vars;

/// What a dimension sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A parameter.
    Param,
    /// A genesis state variable.
    Genesis,
}

/// A dimension's values, and where shrinking takes them.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    /// Floats in `[min, max]`, shrunk toward `min` (toward 0 when the range holds it).
    Range {
        /// The least value.
        min: f64,
        /// The greatest value.
        max: f64,
    },
    /// Integers in `[min, max]`, shrunk toward `min` (toward 0 when the range holds it).
    Ints {
        /// The least value.
        min: i64,
        /// The greatest value.
        max: i64,
    },
    /// One of these values, shrunk toward the first.
    Set(Vec<Value>),
}

/// One dimension of a [`Space`].
#[derive(Debug, Clone, PartialEq)]
pub struct Dim {
    /// The parameter's or genesis variable's name.
    pub name: String,
    /// Which of the two it is.
    pub target: Target,
    /// Its values.
    pub domain: Domain,
}

/// The dimensions of a search, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Space {
    dims: Vec<Dim>,
}

impl Space {
    /// A space of no dimensions: the search draws only seeds and horizons.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a dimension.
    #[must_use]
    pub fn dim(mut self, dim: Dim) -> Self {
        self.dims.push(dim);
        self
    }

    fn add(self, name: &str, target: Target, domain: Domain) -> Self {
        self.dim(Dim {
            name: name.to_owned(),
            target,
            domain,
        })
    }

    /// The parameter `name`, a float in `[min, max]`.
    #[must_use]
    pub fn param_range(self, name: &str, min: f64, max: f64) -> Self {
        self.add(name, Target::Param, Domain::Range { min, max })
    }

    /// The parameter `name`, an integer in `[min, max]`.
    #[must_use]
    pub fn param_ints(self, name: &str, min: i64, max: i64) -> Self {
        self.add(name, Target::Param, Domain::Ints { min, max })
    }

    /// The parameter `name`, one of `values` (the first is the simplest).
    #[must_use]
    pub fn param_set<T: Scalar>(self, name: &str, values: impl IntoIterator<Item = T>) -> Self {
        let values = values.into_iter().map(|v| v.to_value()).collect();
        self.add(name, Target::Param, Domain::Set(values))
    }

    /// The genesis variable `name`, a float in `[min, max]`.
    #[must_use]
    pub fn genesis_range(self, name: &str, min: f64, max: f64) -> Self {
        self.add(name, Target::Genesis, Domain::Range { min, max })
    }

    /// The genesis variable `name`, one of `values` (the first is the simplest).
    #[must_use]
    pub fn genesis_set<T: Scalar>(self, name: &str, values: impl IntoIterator<Item = T>) -> Self {
        let values = values.into_iter().map(|v| v.to_value()).collect();
        self.add(name, Target::Genesis, Domain::Set(values))
    }

    /// The dimensions, in order.
    #[must_use]
    pub fn dims(&self) -> &[Dim] {
        &self.dims
    }

    /// Every name known to the model, once; every range non-empty and finite; every set
    /// non-empty.
    pub(super) fn check<S: Vars, P: Vars>(&self) -> Result<(), EngineError> {
        let bad = |reason: String| Err(EngineError::Search { reason });
        for (i, d) in self.dims.iter().enumerate() {
            let known = match d.target {
                Target::Param => P::NAMES,
                Target::Genesis => S::NAMES,
            };
            if !known.contains(&d.name.as_str()) {
                return bad(format!(
                    "the model has no {} `{}` (known: {})",
                    kind(d.target),
                    d.name,
                    known.join(", ")
                ));
            }
            if self.dims[..i]
                .iter()
                .any(|e| e.name == d.name && e.target == d.target)
            {
                return bad(format!("{} `{}` is searched twice", kind(d.target), d.name));
            }
            match &d.domain {
                Domain::Range { min, max }
                    if !(min.is_finite()
                        && max.is_finite()
                        && min <= max
                        && (max - min).is_finite()) =>
                {
                    return bad(format!(
                        "`{}`: a range needs finite bounds with min ≤ max and a finite width, got [{}, {}]",
                        d.name,
                        Value::F64(*min),
                        Value::F64(*max)
                    ));
                }
                Domain::Ints { min, max } if min > max => {
                    return bad(format!(
                        "`{}`: a range needs min ≤ max, got [{min}, {max}]",
                        d.name
                    ));
                }
                Domain::Set(v) if v.is_empty() => {
                    return bad(format!("`{}`: an empty set of values", d.name));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The strategy of the space's points: one value per dimension, in order.
    pub(super) fn strategy(&self) -> Vec<BoxedStrategy<Value>> {
        self.dims
            .iter()
            .map(|d| match &d.domain {
                Domain::Range { min, max } if min < max => {
                    (*min..=*max).prop_map(Value::F64).boxed()
                }
                // One point (proptest refuses an empty float range).
                Domain::Range { min, .. } => Just(Value::F64(*min)).boxed(),
                Domain::Ints { min, max } => (*min..=*max).prop_map(Value::I64).boxed(),
                Domain::Set(values) => proptest::sample::select(values.clone()).boxed(),
            })
            .collect()
    }

    /// `params` and `genesis` with the point's values set.
    pub(super) fn apply<S: Vars, P: Vars>(
        &self,
        params: &P,
        genesis: &S,
        values: &[Value],
    ) -> Result<(P, S), EngineError> {
        let (mut p, mut g) = (params.clone(), genesis.clone());
        for (d, v) in self.dims.iter().zip(values) {
            match d.target {
                Target::Param => p.set(&d.name, *v)?,
                Target::Genesis => g.set(&d.name, *v)?,
            }
        }
        Ok((p, g))
    }
}

fn kind(t: Target) -> &'static str {
    match t {
        Target::Param => "parameter",
        Target::Genesis => "genesis variable",
    }
}

impl std::fmt::Display for Space {
    /// `harvest in [0, 40], regrowth in {0.05, 0.1}, genesis stock in [50, 150]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.dims.is_empty() {
            return f.write_str("the seeds and horizons only");
        }
        for (i, d) in self.dims.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if d.target == Target::Genesis {
                f.write_str("genesis ")?;
            }
            match &d.domain {
                Domain::Range { min, max } => {
                    write!(
                        f,
                        "{} in [{}, {}]",
                        d.name,
                        Value::F64(*min),
                        Value::F64(*max)
                    )?;
                }
                Domain::Ints { min, max } => write!(f, "{} in [{min}, {max}]", d.name)?,
                Domain::Set(values) => {
                    let v: Vec<String> = values.iter().map(ToString::to_string).collect();
                    write!(f, "{} in {{{}}}", d.name, v.join(", "))?;
                }
            }
        }
        Ok(())
    }
}
