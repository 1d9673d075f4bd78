//! Parameter sweeps: cadCAD's `M`, from lists of values to subsets.
//!
//! cadCAD (`config_sim`) zips the lists of `M` into subsets: lists of equal length give one
//! subset per position, single-element lists are broadcast, any other mix is an error. radCAD
//! instead pads shorter lists with their last value, and a cartesian product is the other sweep
//! users write by hand (`itertools.product`). All three are here, as [`SweepRule`].

use crate::error::EngineError;
use crate::value::{Scalar, Value};
use crate::vars::Vars;

/// Subsets a sweep may have at most ([`Sweep::count`]): each subset is a parameter struct held
/// for the whole experiment.
pub const MAX_SUBSETS: usize = 1 << 24;

/// How the value lists of a sweep combine into subsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SweepRule {
    /// cadCAD: lists of equal length zip; lists of length 1 broadcast; nothing else.
    #[default]
    Zip,
    /// radCAD: lists are padded to the longest with their last value.
    PadLast,
    /// Every combination; the first parameter varies slowest (`itertools.product` order).
    Product,
}

/// cadCAD's `M`: each parameter's list of values, in insertion order.
///
/// ```
/// use sim_core::{Sweep, SweepRule};
///
/// // cadCAD's M = {'a': [1, 2], 'b': [10, 20]}: zipped, two subsets; as a product, four.
/// let m = Sweep::new().param("a", [1.0, 2.0]).param("b", [10.0, 20.0]);
/// assert_eq!(m.count(SweepRule::Zip)?, 2);
/// assert_eq!(m.count(SweepRule::Product)?, 4);
/// // Lists of different lengths: cadCAD refuses them, radCAD pads with the last value.
/// let m = Sweep::new().param("a", [1.0, 2.0, 3.0]).param("b", [10.0, 20.0]);
/// assert!(m.count(SweepRule::Zip).is_err());
/// assert_eq!(m.count(SweepRule::PadLast)?, 3);
/// # Ok::<(), sim_core::EngineError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sweep {
    entries: Vec<(String, Vec<Value>)>,
    /// Swept genesis variables (radCAD #47): combined with the parameters by the same rule,
    /// after them.
    genesis: Vec<(String, Vec<Value>)>,
}

impl Sweep {
    /// An empty sweep: one subset, the base parameters.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a parameter's list of values.
    #[must_use]
    pub fn param<T: Scalar>(mut self, name: &str, values: impl IntoIterator<Item = T>) -> Self {
        self.entries.push((
            name.to_owned(),
            values.into_iter().map(|v| v.to_value()).collect(),
        ));
        self
    }

    /// Adds a parameter's list of already-converted values (from JSON, say).
    #[must_use]
    pub fn param_values(mut self, name: &str, values: Vec<Value>) -> Self {
        self.entries.push((name.to_owned(), values));
        self
    }

    /// Adds a genesis variable's list of values: each subset starts from its own genesis state
    /// ([`genesis_states`](Self::genesis_states)). The lists of parameters and genesis
    /// variables combine by one rule, the genesis variables after the parameters.
    ///
    /// ```
    /// use sim_core::{Sweep, SweepRule};
    ///
    /// #[derive(Clone)]
    /// struct State { price: f64, supply: f64 }
    /// sim_core::vars!(State { price, supply });
    /// #[derive(Clone)]
    /// struct Params { fee: f64 }
    /// sim_core::vars!(Params { fee });
    ///
    /// // Two fees × two starting prices: four subsets, the fee varying slowest.
    /// let m = Sweep::new().param("fee", [0.001, 0.003]).genesis("price", [1.0, 2.0]);
    /// let params = m.subsets(&Params { fee: 0.0 }, SweepRule::Product)?;
    /// let genesis = m.genesis_states(&State { price: 0.0, supply: 100.0 }, SweepRule::Product)?;
    /// let pairs: Vec<(f64, f64)> = params.iter().zip(&genesis).map(|(p, g)| (p.fee, g.price)).collect();
    /// assert_eq!(pairs, [(0.001, 1.0), (0.001, 2.0), (0.003, 1.0), (0.003, 2.0)]);
    /// assert!(genesis.iter().all(|g| g.supply == 100.0));
    /// # Ok::<(), sim_core::EngineError>(())
    /// ```
    #[must_use]
    pub fn genesis<T: Scalar>(mut self, name: &str, values: impl IntoIterator<Item = T>) -> Self {
        self.genesis.push((
            name.to_owned(),
            values.into_iter().map(|v| v.to_value()).collect(),
        ));
        self
    }

    /// Adds a genesis variable's list of already-converted values.
    #[must_use]
    pub fn genesis_values(mut self, name: &str, values: Vec<Value>) -> Self {
        self.genesis.push((name.to_owned(), values));
        self
    }

    /// The parameters and their lists.
    #[must_use]
    pub fn entries(&self) -> &[(String, Vec<Value>)] {
        &self.entries
    }

    /// The swept genesis variables and their lists.
    #[must_use]
    pub fn genesis_entries(&self) -> &[(String, Vec<Value>)] {
        &self.genesis
    }

    /// Every list, parameters first: the order the rule combines them in.
    fn lists(&self) -> impl Iterator<Item = &(String, Vec<Value>)> + Clone {
        self.entries.iter().chain(&self.genesis)
    }

    /// The subsets as `(name, value)` lists, without applying them to a parameter struct.
    ///
    /// # Errors
    ///
    /// [`EngineError::EmptySweep`] for an empty list, [`EngineError::DuplicateParam`] for a name
    /// given twice, and under [`SweepRule::Zip`] [`EngineError::SweepLength`] naming the first
    /// parameter whose length is neither 1 nor the others' length; [`EngineError::TooLarge`]
    /// above [`MAX_SUBSETS`] subsets.
    pub fn assignments(&self, rule: SweepRule) -> Result<Vec<Vec<(&str, Value)>>, EngineError> {
        self.count(rule)?;
        let longest = self.lists().map(|(_, v)| v.len()).max().unwrap_or(1);
        match rule {
            SweepRule::Zip | SweepRule::PadLast => Ok(self.padded(longest)),
            SweepRule::Product => {
                let mut out: Vec<Vec<(&str, Value)>> = vec![Vec::new()];
                for (name, values) in self.lists() {
                    out = out
                        .into_iter()
                        .flat_map(|prefix| {
                            values.iter().map(move |v| {
                                let mut p = prefix.clone();
                                p.push((name.as_str(), *v));
                                p
                            })
                        })
                        .collect();
                }
                Ok(out)
            }
        }
    }

    /// The number of subsets the sweep gives under `rule`, without building them.
    ///
    /// # Errors
    ///
    /// As [`assignments`](Self::assignments), and [`EngineError::TooLarge`] above
    /// [`MAX_SUBSETS`] (a product of long lists grows fast: 4 lists of 200 values are
    /// 1.6·10⁹ subsets).
    pub fn count(&self, rule: SweepRule) -> Result<usize, EngineError> {
        for list in [&self.entries, &self.genesis] {
            for (i, (name, values)) in list.iter().enumerate() {
                if values.is_empty() {
                    return Err(EngineError::EmptySweep {
                        param: name.clone(),
                    });
                }
                if list[..i].iter().any(|(n, _)| n == name) {
                    return Err(EngineError::DuplicateParam {
                        param: name.clone(),
                    });
                }
            }
        }
        let longest = self.lists().map(|(_, v)| v.len()).max().unwrap_or(1);
        let count = match rule {
            SweepRule::Zip => {
                if let Some((name, values)) = self
                    .lists()
                    .find(|(_, v)| v.len() != 1 && v.len() != longest)
                {
                    return Err(EngineError::SweepLength {
                        param: name.clone(),
                        len: values.len(),
                        expected: longest,
                    });
                }
                Some(longest)
            }
            SweepRule::PadLast => Some(longest),
            SweepRule::Product => self
                .lists()
                .try_fold(1usize, |n, (_, v)| n.checked_mul(v.len())),
        };
        match count {
            Some(n) if n <= MAX_SUBSETS => Ok(n),
            _ => {
                // The true count, as a float, for the message.
                #[expect(clippy::cast_precision_loss, reason = "a count shown in a message")]
                let approx: f64 = match rule {
                    SweepRule::Product => self.lists().map(|(_, v)| v.len() as f64).product(),
                    _ => longest as f64,
                };
                Err(EngineError::TooLarge {
                    what: format!(
                        "the sweep has {approx:.3e} subsets, more than the {MAX_SUBSETS} a sweep may have"
                    ),
                })
            }
        }
    }

    fn padded(&self, longest: usize) -> Vec<Vec<(&str, Value)>> {
        (0..longest)
            .map(|i| {
                self.lists()
                    .map(|(name, values)| (name.as_str(), values[i.min(values.len() - 1)]))
                    .collect()
            })
            .collect()
    }

    /// The subsets: `base` with each subset's values set, in subset order.
    ///
    /// # Errors
    ///
    /// As [`assignments`](Self::assignments), and [`EngineError::Var`] for a parameter `P` does
    /// not have or a value of the wrong type.
    pub fn subsets<P: Vars>(&self, base: &P, rule: SweepRule) -> Result<Vec<P>, EngineError> {
        self.apply(base, rule, 0..self.entries.len())
    }

    /// Each subset's genesis state: `base` with the subset's swept genesis values set, in
    /// subset order (every one `base` when no genesis variable is swept).
    ///
    /// # Errors
    ///
    /// As [`subsets`](Self::subsets), for the genesis variables.
    pub fn genesis_states<S: Vars>(
        &self,
        base: &S,
        rule: SweepRule,
    ) -> Result<Vec<S>, EngineError> {
        let n = self.entries.len();
        self.apply(base, rule, n..n + self.genesis.len())
    }

    /// `base` with the assignments' values at positions `which` set, per subset.
    fn apply<V: Vars>(
        &self,
        base: &V,
        rule: SweepRule,
        which: std::ops::Range<usize>,
    ) -> Result<Vec<V>, EngineError> {
        self.assignments(rule)?
            .into_iter()
            .map(|assignment| {
                let mut v = base.clone();
                for (name, value) in &assignment[which.clone()] {
                    v.set(name, *value)?;
                }
                Ok(v)
            })
            .collect()
    }
}
