//! The `notional-v1-evm` suite: the harness bytecode's own outputs on random inputs; see `evm_cases`
//! and `conformance::contract::notional_v1`.

use std::path::Path;

use anyhow::Result;

use crate::runner::{FileReport, Suite};

pub(crate) const SUITE: Suite = Suite {
    name: "notional-v1-evm",
    run_file,
};

fn run_file(path: &Path) -> Result<FileReport> {
    super::evm_cases::run_file(path, SUITE.name)
}
