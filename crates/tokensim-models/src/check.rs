//! The one check the models' validators share: a value within its range, or refused with its
//! name, the value and the range in words ([`ModelError::InvalidParameter`]).

use std::fmt::Display;
use std::ops::{Bound, RangeBounds};

use crate::ModelError;

/// `v` within `range`; for floats, also finite (NaN is in no range, but infinity is in an
/// unbounded one). `reason` says the range in words.
pub(crate) fn in_range<T: PartialOrd + Display + Finite>(
    name: &'static str,
    v: T,
    range: impl RangeBounds<T>,
    reason: &'static str,
) -> Result<(), ModelError> {
    if v.is_finite_value() && range.contains(&v) {
        Ok(())
    } else {
        Err(ModelError::InvalidParameter {
            name,
            value: v.to_string(),
            reason,
        })
    }
}

/// Above zero: `(0, ∞)`.
pub(crate) fn positive<T: Default>() -> Above<T> {
    Above(T::default())
}

/// The range `(bound, ∞)`, which `std::ops` has no literal for.
pub(crate) struct Above<T>(T);

impl<T> RangeBounds<T> for Above<T> {
    fn start_bound(&self) -> Bound<&T> {
        Bound::Excluded(&self.0)
    }
    fn end_bound(&self) -> Bound<&T> {
        Bound::Unbounded
    }
}

/// Whether a value is a finite number (always, but for floats).
pub(crate) trait Finite {
    fn is_finite_value(&self) -> bool;
}

impl Finite for f64 {
    fn is_finite_value(&self) -> bool {
        self.is_finite()
    }
}

impl Finite for i64 {
    fn is_finite_value(&self) -> bool {
        true
    }
}

impl Finite for rust_decimal::Decimal {
    fn is_finite_value(&self) -> bool {
        true
    }
}
