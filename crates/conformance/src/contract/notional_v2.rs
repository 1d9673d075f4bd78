//! placeholder during development
use super::Harness;
pub(super) const HARNESS: Harness = Harness { suite: "notional-v2-evm", dir: "notional-v2", contract: "x", functions: &[] };
