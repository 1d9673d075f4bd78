//! The suites: one module per folder of the conformance directory, each with a `SUITE` constant
//! named after its file (`carbon_trade.rs` runs `carbon-trade/`; `cargo xtask tidy` reads these
//! files to check docs/CONFORMANCE.md), and the helpers they share (`decimal`, `records`).

mod carbon_evm;
mod carbon_match;
mod carbon_strategy;
mod carbon_trade;
mod carbon_ui;
mod decimal;
mod engine_records;
mod evm_cases;
mod fei_dirichlet;
mod fei_rebalance;
mod flash;
mod honey_transitions;
mod notional_gist;
mod notional_v1_evm;
mod notional_v2_evm;
mod records;

use crate::runner::Suite;

/// Every suite the project implements so far; adding a suite is adding its module here.
pub(crate) const SUITES: &[Suite] = &[
    carbon_evm::SUITE,
    carbon_match::SUITE,
    carbon_strategy::SUITE,
    carbon_trade::SUITE,
    carbon_ui::SUITE,
    engine_records::SUITE,
    fei_dirichlet::SUITE,
    fei_rebalance::SUITE,
    flash::SUITE,
    honey_transitions::SUITE,
    notional_gist::SUITE,
    notional_v1_evm::SUITE,
    notional_v2_evm::SUITE,
];

#[cfg(test)]
mod tests {
    use super::SUITES;

    /// Tidy finds a suite's module by its name (`-` → `_`); this keeps the two in step.
    #[test]
    fn every_suite_lives_in_the_module_named_after_it() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/suites");
        for suite in SUITES {
            let file = format!("{dir}/{}.rs", suite.name.replace('-', "_"));
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            assert!(
                text.contains(&format!("name: \"{}\"", suite.name)),
                "{file} should define the suite `{}`",
                suite.name
            );
        }
    }
}
