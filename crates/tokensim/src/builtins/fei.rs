//! Fei capital allocation: Fei's defaults, and the savings-rate sweep of its second notebook.

use crate::{ExperimentFile, Fidelity, ModelSpec, NamedExperiment, Registry, RuleName, Scalar};
use tokensim_models::fei;

use super::{file, floats, steps};

pub(super) fn register(registry: &mut Registry) {
    registry.model(
        ModelSpec::new(
            "fei",
            "Fei capital allocation: user FEI moves between pool, money market, savings and idle toward yield- and risk-weighted targets",
            fei::model,
            fei::FeiParams::with_fidelity,
        )
        .plots(&[
            "liquidity_pool",
            "money_market",
            "savings",
            "idle",
            "mm_rate",
            "lp_rate",
            "eth_price",
        ]),
    );
    registry.experiment(NamedExperiment::new(
        "fei",
        "Fei capital allocation with Fei's defaults: 20 runs × 365 days, savings rate 1.5 %",
        defaults,
    ));
    registry.experiment(NamedExperiment::new(
        "fei-savings-rate",
        "Fei capital allocation, savings rate 0.005..0.03: the allocation per deposit over time for each rate",
        savings_rate,
    ));
}

fn fei_file(runs: usize, params: Vec<(&str, Vec<Scalar>)>) -> ExperimentFile {
    file(
        "fei",
        Fidelity::Corrected,
        (runs, fei::TIMESTEPS),
        RuleName::Zip,
        params,
    )
}

/// Fei's defaults: 365 days, savings rate 0.015.
fn defaults() -> ExperimentFile {
    fei_file(20, vec![("savings_rate", floats(&[0.015]))])
}

/// The savings rate over 0.005..0.03 by 0.005, as Fei's second notebook sweeps it.
fn savings_rate() -> ExperimentFile {
    fei_file(20, vec![("savings_rate", steps(0.005, 0.03, 0.005))])
}
