//! Flash V3: the corrected model on the seed's parameters, and the notebook as written.

use crate::{ExperimentFile, Fidelity, ModelSpec, NamedExperiment, Registry, RuleName, Scalar};
use sim_core::InvariantCheck;
use tokensim_models::flash;

use super::{file, floats};

pub(super) fn register(registry: &mut Registry) {
    registry.model(
        ModelSpec::new(
            "flash",
            "Flash V3: external and internal constant-product pools, arbitrage, staking whose mint is sold on the market",
            flash::model,
            flash::FlashParams::with_fidelity,
        )
        .plots(&["ext_price", "int_price", "staked", "market_apy"]),
    );
    registry.experiment(NamedExperiment::new(
        "flash",
        "Flash V3, corrected: the seed's pools and parameters with each defect fixed, 100 runs × 10 days",
        corrected,
    ));
    registry.experiment(NamedExperiment::new(
        "flash-seed",
        "Flash V3 as the notebook runs it, defects included: 2 runs × 10 days",
        seed,
    ));
}

/// The Flash V3 seed's experiment (its one subset: swap factor 100, market APY 10..25 %).
fn flash_file(fidelity: Fidelity, runs: usize) -> ExperimentFile {
    file(
        "flash",
        fidelity,
        (runs, flash::SEED_TIMESTEPS),
        RuleName::Zip,
        vec![
            ("ext_swap_rand_factor", floats(&[100.0])),
            ("market_apy_low", vec![Scalar::Int(10)]),
            ("market_apy_high", vec![Scalar::Int(25)]),
        ],
    )
}

/// The notebook as written: its 2 runs of 10 days, defects included.
///
/// The seed checks nothing, and its defects break `product_never_falls` on the first day
/// (defect 6 puts FLASH into the internal pool as ALT): its invariants are off, so that its
/// records are the notebook's; `--invariants substep` shows the violations.
fn seed() -> ExperimentFile {
    let mut file = flash_file(Fidelity::Faithful, flash::SEED_RUNS);
    file.invariants.check = InvariantCheck::Off;
    file
}

/// The corrected model on the seed's parameters and horizon, with 100 runs so the bands mean
/// something.
fn corrected() -> ExperimentFile {
    flash_file(Fidelity::Corrected, 100)
}
