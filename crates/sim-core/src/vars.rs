//! Typed state and parameters: the [`Vars`] trait and the [`vars!`](crate::vars) macro.
//!
//! cadCAD keeps state and parameters in dicts keyed by name. Here they are the user's own
//! structs, and [`Vars`] is the small bridge the engine needs to write them as record columns
//! and to read a genesis state or a sweep by name. The macro writes the impl from a list of the
//! struct's fields; fields left out of the list are not columns (a model's options, say).

use crate::value::Value;

/// A struct whose listed fields are named scalar variables: a model's state or parameters.
pub trait Vars: Clone + Send + Sync + 'static {
    /// The variables' names, in column order.
    const NAMES: &'static [&'static str];

    /// Appends the variables' values to `out`, in the order of [`NAMES`](Self::NAMES).
    fn write_values(&self, out: &mut Vec<Value>);

    /// Sets the variable `name` to `value`.
    ///
    /// # Errors
    ///
    /// [`VarError::Unknown`] when no variable has that name, [`VarError::Type`] when the value
    /// does not convert to the variable's type. `self` is unchanged on error.
    fn set(&mut self, name: &str, value: Value) -> Result<(), VarError>;

    /// The position and value of the first variable that is NaN or infinite, if any (the
    /// engine's `check_finite`, after every substep). The default reads
    /// [`values`](Self::values); [`vars!`](crate::vars) writes one that reads the fields.
    #[must_use]
    fn first_non_finite(&self) -> Option<(usize, Value)> {
        let values = self.values();
        let i = values.iter().position(|v| !v.is_finite())?;
        values.get(i).map(|v| (i, *v))
    }

    /// Appends the variables' values as 64-bit words ([`Value::to_word`]), in the order of
    /// [`NAMES`](Self::NAMES): what a sink's [`WordColumns`](crate::sink::WordColumns) hold.
    /// The default reads [`values`](Self::values); [`vars!`](crate::vars) writes one that
    /// reads the fields.
    fn write_words(&self, out: &mut Vec<u64>) {
        out.extend(self.values().iter().map(Value::to_word));
    }

    /// The variables' values as a new vector (the engine uses [`write_values`](Self::write_values)).
    #[must_use]
    fn values(&self) -> Vec<Value> {
        let mut v = Vec::with_capacity(Self::NAMES.len());
        self.write_values(&mut v);
        v
    }
}

/// Why a variable could not be set by name.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum VarError {
    /// No variable of that name.
    #[error("no variable named `{name}` (known: {known})")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The names that exist, comma-separated.
        known: String,
    },
    /// The value's type does not convert to the variable's.
    #[error("variable `{name}` cannot take the {got} value {value}")]
    Type {
        /// The variable.
        name: String,
        /// The type of the value given.
        got: &'static str,
        /// The value given.
        value: String,
    },
}

/// Implements [`Vars`] for a struct from the list of its variable fields.
///
/// Each listed field's type must implement [`Scalar`](crate::Scalar) (`f64`, `i64`, `u64`,
/// `bool`, `rust_decimal::Decimal`).
///
/// ```
/// #[derive(Clone)]
/// struct State { a: f64, n: i64, label_not_a_column: &'static str }
/// sim_core::vars!(State { a, n });
///
/// use sim_core::{Vars, Value};
/// let mut s = State { a: 1.0, n: 2, label_not_a_column: "x" };
/// s.set("a", Value::I64(3))?;
/// assert_eq!(State::NAMES, &["a", "n"]);
/// assert_eq!(s.values(), vec![Value::F64(3.0), Value::I64(2)]);
/// let mut words = Vec::new();
/// s.write_words(&mut words);
/// assert_eq!(words, [3.0f64.to_bits(), 2]);
/// assert_eq!(s.first_non_finite(), None);
/// s.a = f64::NAN;
/// assert!(matches!(s.first_non_finite(), Some((0, Value::F64(x))) if x.is_nan()));
/// assert!(s.set("b", Value::F64(1.0)).is_err());
/// # Ok::<(), sim_core::VarError>(())
/// ```
#[macro_export]
macro_rules! vars {
    ($ty:ty { $($field:ident),* $(,)? }) => {
        impl $crate::Vars for $ty {
            const NAMES: &'static [&'static str] = &[$(stringify!($field)),*];

            fn write_values(&self, out: &mut ::std::vec::Vec<$crate::Value>) {
                // One reservation for all, not one check a variable.
                out.extend_from_slice(&[$($crate::Scalar::to_value(&self.$field)),*]);
            }

            fn write_words(&self, out: &mut ::std::vec::Vec<u64>) {
                out.extend_from_slice(&[$($crate::Scalar::to_value(&self.$field).to_word()),*]);
            }

            fn first_non_finite(
                &self,
            ) -> ::std::option::Option<(usize, $crate::Value)> {
                let values: &[$crate::Value] = &[$($crate::Scalar::to_value(&self.$field)),*];
                let i = values.iter().position(|v| !v.is_finite())?;
                values.get(i).map(|v| (i, *v))
            }

            fn set(
                &mut self,
                name: &str,
                value: $crate::Value,
            ) -> ::std::result::Result<(), $crate::VarError> {
                match name {
                    $(
                        stringify!($field) => {
                            self.$field = $crate::Scalar::from_value(value).ok_or_else(|| {
                                $crate::VarError::Type {
                                    name: name.to_owned(),
                                    got: value.type_name(),
                                    value: value.to_string(),
                                }
                            })?;
                            Ok(())
                        }
                    )*
                    _ => Err($crate::VarError::Unknown {
                        name: name.to_owned(),
                        known: <Self as $crate::Vars>::NAMES.join(", "),
                    }),
                }
            }
        }
    };
}

/// No parameters: for a model without any (cadCAD's empty `M`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoParams;

impl Vars for NoParams {
    const NAMES: &'static [&'static str] = &[];
    fn write_values(&self, _out: &mut Vec<Value>) {}
    fn set(&mut self, name: &str, _value: Value) -> Result<(), VarError> {
        Err(VarError::Unknown {
            name: name.to_owned(),
            known: String::new(),
        })
    }
}
