//! Small checks the models' validators share: each refuses a value with its name, the value
//! and the valid range ([`ModelError::InvalidParameter`]).

use crate::ModelError;

fn bad(name: &'static str, value: impl ToString, reason: &'static str) -> ModelError {
    ModelError::InvalidParameter {
        name,
        value: value.to_string(),
        reason,
    }
}

/// `v` finite and in `[lo, hi]`; `range` says so in words.
pub(crate) fn within(
    name: &'static str,
    v: f64,
    lo: f64,
    hi: f64,
    range: &'static str,
) -> Result<(), ModelError> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(bad(name, v, range))
    }
}

/// `v` finite and at least `lo`.
pub(crate) fn at_least(
    name: &'static str,
    v: f64,
    lo: f64,
    range: &'static str,
) -> Result<(), ModelError> {
    within(name, v, lo, f64::MAX, range)
}

/// `v` finite and above zero.
pub(crate) fn positive(name: &'static str, v: f64) -> Result<(), ModelError> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(bad(name, v, "it must be finite and > 0"))
    }
}

/// `v` finite.
pub(crate) fn finite(name: &'static str, v: f64) -> Result<(), ModelError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(bad(name, v, "it must be finite"))
    }
}

/// An integer at least `lo`.
pub(crate) fn int_at_least(
    name: &'static str,
    v: i64,
    lo: i64,
    range: &'static str,
) -> Result<(), ModelError> {
    if v >= lo {
        Ok(())
    } else {
        Err(bad(name, v, range))
    }
}

/// A decimal in `[lo, hi)`.
pub(crate) fn decimal_below(
    name: &'static str,
    v: rust_decimal::Decimal,
    lo: rust_decimal::Decimal,
    hi: rust_decimal::Decimal,
    range: &'static str,
) -> Result<(), ModelError> {
    if (lo..hi).contains(&v) {
        Ok(())
    } else {
        Err(bad(name, v, range))
    }
}
