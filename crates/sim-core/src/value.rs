//! One cell of a record: the few scalar types a state variable or a parameter can hold.
//!
//! cadCAD's records are pandas columns of Python objects; ours are typed. Every state variable
//! and parameter converts to a [`Value`] for output (CSV, Parquet, in-memory columns) and back
//! from one when a genesis state or a sweep is read from JSON or TOML.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// A scalar cell of a record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A float (Python `float`).
    F64(f64),
    /// An integer (Python `int` within 64 bits).
    I64(i64),
    /// A boolean.
    Bool(bool),
    /// A decimal (Python `decimal.Decimal`, within rust_decimal's 28 digits).
    Decimal(Decimal),
}

impl Value {
    /// The value as an `f64`, converting integers, booleans (0/1) and decimals (nearest float).
    #[must_use]
    pub fn as_f64(&self) -> f64 {
        match *self {
            Value::F64(v) => v,

            Value::I64(v) => v as f64,
            Value::Bool(b) => f64::from(u8::from(b)),
            Value::Decimal(d) => d.to_f64().unwrap_or(f64::NAN),
        }
    }

    /// Whether the value is a finite number (integers, booleans and decimals always are).
    #[must_use]
    pub fn is_finite(&self) -> bool {
        match *self {
            Value::F64(v) => v.is_finite(),
            _ => true,
        }
    }

    /// The value as one 64-bit word, as a typed in-memory column holds it
    /// ([`WordColumns`](crate::sink::WordColumns)): a float's bits (a decimal's nearest
    /// float's), an integer's two's complement, a boolean's 0 or 1.
    ///
    /// ```
    /// use sim_core::Value;
    /// assert_eq!(Value::F64(1.5).to_word(), 1.5f64.to_bits());
    /// assert_eq!(Value::I64(-1).to_word(), u64::MAX);
    /// assert_eq!(Value::Bool(true).to_word(), 1);
    /// assert_eq!(Value::Decimal(rust_decimal::Decimal::new(15, 1)).to_word(), 1.5f64.to_bits());
    /// ```
    #[must_use]
    pub fn to_word(&self) -> u64 {
        match *self {
            Value::F64(f) => f.to_bits(),
            Value::I64(i) => i.cast_unsigned(),
            Value::Bool(b) => u64::from(b),
            Value::Decimal(_) => self.as_f64().to_bits(),
        }
    }

    /// The name of the value's type, for error messages.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::F64(_) => "f64",
            Value::I64(_) => "i64",
            Value::Bool(_) => "bool",
            Value::Decimal(_) => "Decimal",
        }
    }
}

impl std::fmt::Display for Value {
    /// Floats print as the shortest string that reads back to the same float (as Python's
    /// `repr` does, with `ryu`'s exponent style).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::F64(v) => {
                if v.is_finite() {
                    f.write_str(ryu::Buffer::new().format_finite(*v))
                } else if v.is_nan() {
                    f.write_str("nan")
                } else if *v > 0.0 {
                    f.write_str("inf")
                } else {
                    f.write_str("-inf")
                }
            }
            Value::I64(v) => write!(f, "{v}"),
            Value::Bool(v) => f.write_str(if *v { "True" } else { "False" }),
            Value::Decimal(v) => write!(f, "{v}"),
        }
    }
}

/// A type a state variable or parameter can have: it converts to and from a [`Value`].
pub trait Scalar: Sized {
    /// The value of `self` as a record cell.
    fn to_value(&self) -> Value;
    /// Reads `self` from a cell; `None` when the cell's type cannot convert without loss.
    fn from_value(value: Value) -> Option<Self>;
}

impl Scalar for f64 {
    fn to_value(&self) -> Value {
        Value::F64(*self)
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::F64(v) => Some(v),
            // JSON and TOML write whole-number floats as integers (`"reserve": 7473`).
            Value::I64(v) => {
                let f = v as f64;
                // `as` saturates, so 2⁶³ would compare equal to i64::MAX: exclude it.

                (f < 9_223_372_036_854_775_808.0 && (f as i64) == v).then_some(f)
            }
            Value::Decimal(d) => d.to_f64(),
            Value::Bool(_) => None,
        }
    }
}

impl Scalar for i64 {
    fn to_value(&self) -> Value {
        Value::I64(*self)
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::I64(v) => Some(v),
            Value::F64(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => Some(v as i64),
            _ => None,
        }
    }
}

impl Scalar for u64 {
    fn to_value(&self) -> Value {
        i64::try_from(*self).map_or_else(|_| Value::Decimal(Decimal::from(*self)), Value::I64)
    }
    fn from_value(value: Value) -> Option<Self> {
        i64::from_value(value).and_then(|v| u64::try_from(v).ok())
    }
}

impl Scalar for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
}

impl Scalar for Decimal {
    fn to_value(&self) -> Value {
        Value::Decimal(*self)
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Decimal(d) => Some(d),
            Value::I64(v) => Some(Decimal::from(v)),
            // Through the float's shortest decimal string, as Python's Decimal(repr(x)).
            Value::F64(v) if v.is_finite() => ryu::Buffer::new()
                .format_finite(v)
                .parse::<Decimal>()
                .ok()
                .or_else(|| Decimal::from_scientific(ryu::Buffer::new().format_finite(v)).ok()),
            _ => None,
        }
    }
}

#[cfg(test)]
#[expect(clippy::float_cmp, reason = "the conversions are exact")]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(f64::from_value(Value::I64(7473)), Some(7473.0));
        assert_eq!(f64::from_value(Value::Bool(true)), None);
        assert_eq!(f64::from_value(Value::I64(i64::MAX)), None); // would round to 2⁶³
        assert_eq!(i64::from_value(Value::F64(2.0)), Some(2));
        assert_eq!(i64::from_value(Value::F64(2.5)), None);
        assert_eq!(
            Decimal::from_value(Value::F64(0.1)),
            Some(Decimal::new(1, 1))
        );
        assert_eq!(
            Decimal::from_value(Value::F64(1e-7)),
            Some(Decimal::new(1, 7))
        );
        assert_eq!(Value::F64(0.1).to_string(), "0.1");
        assert_eq!(Value::F64(10.0).to_string(), "10.0");
        assert_eq!(Value::F64(f64::NAN).to_string(), "nan");
        assert_eq!(Value::Bool(false).as_f64(), 0.0);
        assert!(!Value::F64(f64::INFINITY).is_finite());
    }
}
