//! The last pass of shrinking, once the seed and the horizon are chosen: each dimension in
//! turn is moved toward its simplest value (0 when its range holds it, else its lower end; a
//! set's first value) as far as the run still fails within the horizon, by bisection.
//!
//! Proptest shrinks the point under the case's first seed; the seed chosen after it can fail
//! with simpler values still, which this pass finds.

use super::space::Domain;
use super::{Case, Search};
use crate::error::EngineError;
use crate::outcome::RunFailure;
use crate::signals::Signals;
use crate::value::Value;
use crate::vars::Vars;

/// Bisection steps per float dimension, at most.
const STEPS: u32 = 48;

/// A case being shrunk: its values, seed and horizon, and the failure they give.
pub(super) struct Shrinking {
    pub(super) values: Vec<Value>,
    pub(super) seed: u64,
    pub(super) horizon: usize,
    pub(super) failure: RunFailure,
}

impl<S: Vars, P: Vars, G: Signals> Search<'_, S, P, G> {
    /// Moves each dimension of `case` toward its simplest value while it still fails.
    pub(super) fn refine(
        &self,
        case: &mut Shrinking,
        past: &dyn Fn() -> bool,
    ) -> Result<(), EngineError> {
        for (i, dim) in self.space.dims().iter().enumerate() {
            let Some(current) = case.values.get(i).copied() else {
                break;
            };
            match &dim.domain {
                Domain::Range { min, max } => {
                    let target = if *min <= 0.0 && 0.0 <= *max {
                        0.0
                    } else {
                        *min
                    };
                    let (mut pass, mut fail) = (target, current.as_f64());
                    for _ in 0..STEPS {
                        let mid = pass + (fail - pass) / 2.0;
                        if past()
                            || mid.to_bits() == fail.to_bits()
                            || mid.to_bits() == pass.to_bits()
                        {
                            break;
                        }
                        if self.try_value(case, i, Value::F64(mid))? {
                            fail = mid;
                        } else {
                            pass = mid;
                        }
                    }
                    // The target itself last: bisection never tries it.
                    if !past() && pass.to_bits() == target.to_bits() {
                        self.try_value(case, i, Value::F64(target))?;
                    }
                }
                Domain::Ints { min, max } => {
                    let target = if *min <= 0 && 0 <= *max { 0 } else { *min };
                    let Value::I64(mut fail) = current else {
                        continue;
                    };
                    if !past() && self.try_value(case, i, Value::I64(target))? {
                        continue;
                    }
                    let mut pass = target;
                    while !past() && fail.abs_diff(pass) > 1 {
                        let mid = pass + (fail - pass) / 2;
                        if self.try_value(case, i, Value::I64(mid))? {
                            fail = mid;
                        } else {
                            pass = mid;
                        }
                    }
                }
                Domain::Set(values) => {
                    let at = values
                        .iter()
                        .position(|v| *v == current)
                        .unwrap_or(values.len());
                    for v in values.iter().take(at) {
                        if past() || self.try_value(case, i, *v)? {
                            break;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether the case still fails within its horizon with dimension `i` at `value`; if it
    /// does, the case takes it (and the failure's earlier horizon).
    fn try_value(&self, case: &mut Shrinking, i: usize, value: Value) -> Result<bool, EngineError> {
        let mut values = case.values.clone();
        let Some(slot) = values.get_mut(i) else {
            return Ok(false);
        };
        *slot = value;
        let tried: Case = (values, case.seed, case.horizon);
        match self.run_case(&tried) {
            Ok(Some(f)) => {
                case.horizon = f.timestep.clamp(1, case.horizon);
                case.values = tried.0;
                case.failure = f;
                Ok(true)
            }
            Ok(None) | Err(EngineError::Invalid { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }
}
