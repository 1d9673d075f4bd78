//! Policy signals and how a block combines them (cadCAD's `_input` dict and `policy_ops`).
//!
//! In cadCAD each policy returns a dict; the dicts of one block are merged key by key, the
//! values of a key emitted by several policies being reduced with `policy_ops` (a sum by
//! default), and the state update functions read the merged dict as `_input`. Here a block's
//! signals are one struct whose fields are `Option`s: `None` is "no policy emitted this key".
//! The [`signals!`](crate::signals) macro writes the merge.

use rust_decimal::Decimal;

/// The value type of a model's signals: a number that has a checked default reduction.
pub trait SignalValue: Copy + Send + Sync + 'static {
    /// cadCAD's default reduction, `a + b`; `None` when the sum does not exist (an integer or
    /// decimal overflow). Floats follow IEEE 754 and always give a result.
    fn try_sum(a: Self, b: Self) -> Option<Self>;
}

impl SignalValue for f64 {
    fn try_sum(a: Self, b: Self) -> Option<Self> {
        Some(a + b)
    }
}

impl SignalValue for i64 {
    fn try_sum(a: Self, b: Self) -> Option<Self> {
        a.checked_add(b)
    }
}

impl SignalValue for Decimal {
    fn try_sum(a: Self, b: Self) -> Option<Self> {
        a.checked_add(b)
    }
}

/// A binary reduction of two values of one key (cadCAD's `policy_ops`); `None` means it failed.
pub type PolicyOp<V> = fn(V, V) -> Option<V>;

/// A block's combined policy output (cadCAD's `_input`).
///
/// `Default` is "nothing emitted", what a block without policies passes to its updates.
pub trait Signals: Default + Send + 'static {
    /// The type of every signal value.
    type Value: SignalValue;

    /// Merges `other` (one more policy's output) into `self`: keys only one side emitted are
    /// kept as they are; keys both emitted are reduced with `op`.
    ///
    /// # Errors
    ///
    /// The name of the key whose reduction failed; `self` may then be partly merged, and the
    /// engine ends the run.
    fn combine(&mut self, other: Self, op: PolicyOp<Self::Value>) -> Result<(), &'static str>;
}

/// Implements [`Signals`] for a struct whose listed fields are all `Option<V>`.
///
/// ```
/// #[derive(Default)]
/// struct Input { da: Option<f64>, db: Option<f64> }
/// sim_core::signals!(Input: f64 { da, db });
///
/// use sim_core::Signals;
/// let mut a = Input { da: Some(1.0), db: None };
/// a.combine(Input { da: Some(0.5), db: Some(2.0) }, |x, y| Some(x + y)).unwrap();
/// assert_eq!((a.da, a.db), (Some(1.5), Some(2.0)));
/// ```
#[macro_export]
macro_rules! signals {
    ($ty:ty : $v:ty { $($field:ident),* $(,)? }) => {
        impl $crate::Signals for $ty {
            type Value = $v;

            #[inline]
            fn combine(
                &mut self,
                other: Self,
                op: $crate::PolicyOp<$v>,
            ) -> ::std::result::Result<(), &'static str> {
                $(
                    if let Some(b) = other.$field {
                        self.$field = Some(match self.$field {
                            Some(a) => op(a, b).ok_or(stringify!($field))?,
                            None => b,
                        });
                    }
                )*
                Ok(())
            }
        }
    };
}

/// A signal no policy of the block emitted, read by an update (cadCAD raises `KeyError`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no policy emitted the signal `{0}`")]
pub struct MissingSignal(pub &'static str);

/// Reads a signal, or says which one is missing: `need(input.da, "da")?`.
///
/// ```
/// use sim_core::need;
///
/// assert_eq!(need(Some(1.5), "da"), Ok(1.5));
/// assert_eq!(need::<f64>(None, "da").unwrap_err().to_string(), "no policy emitted the signal `da`");
/// ```
///
/// # Errors
///
/// [`MissingSignal`] when `value` is `None`.
pub fn need<T>(value: Option<T>, key: &'static str) -> Result<T, MissingSignal> {
    value.ok_or(MissingSignal(key))
}

/// No signals: for blocks whose updates read only the state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoSignals;

impl Signals for NoSignals {
    type Value = f64;
    fn combine(&mut self, _other: Self, _op: PolicyOp<f64>) -> Result<(), &'static str> {
        Ok(())
    }
}
