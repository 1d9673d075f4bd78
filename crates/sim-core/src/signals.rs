//! Policy signals and how a block combines them (cadCAD's `_input` dict and `policy_ops`).
//!
//! In cadCAD each policy returns a dict; the dicts of one block are merged key by key, the
//! values of a key emitted by several policies being reduced with `policy_ops` (a sum by
//! default), and the state update functions read the merged dict as `_input`. Here a block's
//! signals are one struct whose fields are `Option`s: `None` is "no policy emitted this key".
//! The [`signals!`](crate::signals) macro writes the merge.

use rust_decimal::Decimal;

/// A signal's value: anything with a rule for merging two policies' values of one key.
///
/// Numbers merge by cadCAD's default, `a + b` (checked: `None` when the sum does not exist, an
/// integer or decimal overflow; floats follow IEEE 754). Booleans merge by `a || b` (cadCAD's
/// `True + True` would be the integer 2). A type of your own implements its merge:
///
/// ```
/// use sim_core::SignalValue;
///
/// // The larger of two bids wins.
/// #[derive(Debug, Clone, Copy, PartialEq)]
/// struct Bid { price: f64, size: f64 }
/// impl SignalValue for Bid {
///     fn try_sum(a: Self, b: Self) -> Option<Self> {
///         Some(if b.price > a.price { b } else { a })
///     }
/// }
/// let a = Bid { price: 2.0, size: 1.0 };
/// let b = Bid { price: 3.0, size: 5.0 };
/// assert_eq!(Bid::try_sum(a, b), Some(b));
/// ```
pub trait SignalValue: Clone + Send + Sync + 'static {
    /// Merges two policies' values of one key; `None` when they cannot be merged (the engine
    /// then ends the run, naming the key).
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

impl SignalValue for bool {
    fn try_sum(a: Self, b: Self) -> Option<Self> {
        Some(a || b)
    }
}

/// A binary reduction of two values of one key (cadCAD's `policy_ops`); `None` means it failed.
pub type PolicyOp<V> = fn(V, V) -> Option<V>;

/// A block's combined policy output (cadCAD's `_input`).
///
/// `Default` is "nothing emitted", what a block without policies passes to its updates.
pub trait Signals: Default + Send + 'static {
    /// The type the block's `policy_ops` reduces; signals of other types merge by their own
    /// [`SignalValue::try_sum`].
    type Value: SignalValue + Copy;

    /// Merges `other` (one more policy's output) into `self`: keys only one side emitted are
    /// kept as they are; keys both emitted are reduced with `op` (those of type
    /// [`Value`](Self::Value)) or their own merge (the others).
    ///
    /// # Errors
    ///
    /// The name of the key whose reduction failed; `self` may then be partly merged, and the
    /// engine ends the run.
    fn combine(&mut self, other: Self, op: PolicyOp<Self::Value>) -> Result<(), &'static str>;
}

/// Merges one key's two values: with `op` when the key's type is `V` (the block's
/// `policy_ops`), by the type's own [`SignalValue::try_sum`] otherwise. Used by
/// [`signals!`](crate::signals); the type test is resolved at compile time.
#[doc(hidden)]
#[inline]
pub fn merge_field<T: SignalValue, V: SignalValue + Copy>(
    a: T,
    b: T,
    op: PolicyOp<V>,
) -> Option<T> {
    use std::any::Any;
    let (x, y): (&dyn Any, &dyn Any) = (&a, &b);
    if let (Some(&x), Some(&y)) = (x.downcast_ref::<V>(), y.downcast_ref::<V>()) {
        let merged = op(x, y)?;
        return (&merged as &dyn Any).downcast_ref::<T>().cloned();
    }
    T::try_sum(a, b)
}

/// Implements [`Signals`] for a struct of `Option` fields, every field listed: a field left
/// out is a compile error, never a signal silently dropped.
///
/// Two forms:
/// - `signals!(Input: f64 { da, db })`: every field is an `Option<f64>` (or of the type named),
///   reduced by the block's `policy_ops` (default `a + b`);
/// - `signals!(Input { delta: f64, minted: i64, mint: bool, bid: Bid })`: each field of its own
///   type. Fields of type `f64` are reduced by `policy_ops`, the others by their type's
///   [`SignalValue`] merge (a sum for numbers, `||` for booleans, yours for your types). Write
///   `signals!(Input: Decimal { … })` to apply `policy_ops` to the `Decimal` fields instead.
///
/// ```
/// use sim_core::Signals;
///
/// #[derive(Default)]
/// struct Input { da: Option<f64>, db: Option<f64> }
/// sim_core::signals!(Input: f64 { da, db });
///
/// let mut a = Input { da: Some(1.0), db: None };
/// a.combine(Input { da: Some(0.5), db: Some(2.0) }, |x, y| Some(x + y)).unwrap();
/// assert_eq!((a.da, a.db), (Some(1.5), Some(2.0)));
///
/// // Mixed types: the second policy's `mint` reaches the updates.
/// #[derive(Default)]
/// struct Mixed { delta: Option<f64>, burned: Option<i64>, mint: Option<bool> }
/// sim_core::signals!(Mixed { delta: f64, burned: i64, mint: bool });
///
/// let mut m = Mixed { delta: Some(1.0), burned: Some(2), mint: None };
/// m.combine(Mixed { delta: Some(3.0), burned: Some(5), mint: Some(true) }, |x, y| Some(x.max(y))).unwrap();
/// assert_eq!((m.delta, m.burned, m.mint), (Some(3.0), Some(7), Some(true)));
/// ```
///
/// A field left out does not compile:
///
/// ```compile_fail
/// #[derive(Default)]
/// struct Input { da: Option<f64>, mint: Option<bool> }
/// sim_core::signals!(Input: f64 { da });
/// ```
#[macro_export]
macro_rules! signals {
    ($ty:ty : $v:ty { $($field:ident : $t:ty),* $(,)? }) => {
        impl $crate::Signals for $ty {
            type Value = $v;

            #[inline]
            fn combine(
                &mut self,
                other: Self,
                op: $crate::PolicyOp<$v>,
            ) -> ::std::result::Result<(), &'static str> {
                // Every field, or this does not compile.
                let Self { $($field),* } = other;
                $(
                    if let Some(b) = $field {
                        self.$field = Some(match self.$field.take() {
                            Some(a) => $crate::merge_field::<$t, $v>(a, b, op)
                                .ok_or(stringify!($field))?,
                            None => b,
                        });
                    }
                )*
                Ok(())
            }
        }
    };
    ($ty:ty { $($field:ident : $t:ty),* $(,)? }) => {
        $crate::signals!($ty : f64 { $($field : $t),* });
    };
    ($ty:ty : $v:ty { $($field:ident),* $(,)? }) => {
        impl $crate::Signals for $ty {
            type Value = $v;

            #[inline]
            fn combine(
                &mut self,
                other: Self,
                op: $crate::PolicyOp<$v>,
            ) -> ::std::result::Result<(), &'static str> {
                // Every field, or this does not compile.
                let Self { $($field),* } = other;
                $(
                    if let Some(b) = $field {
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
