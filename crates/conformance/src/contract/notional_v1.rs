//! placeholder during development
use super::Harness;
pub(super) const HARNESS: Harness = Harness { suite: "notional-v1-evm", dir: "notional-v1", contract: "x", functions: &[] };
