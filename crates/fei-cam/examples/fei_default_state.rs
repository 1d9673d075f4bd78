//! Fei's default user-FEI allocation (idle 195 M, money market 30 M) rebalanced daily toward
//! fixed targets for 30 days, with the corrected rebalance and with the seed's, side by side.
//!
//! `cargo run -p fei-cam --example fei_default_state`

#![expect(clippy::print_stdout, reason = "an example prints its result")]

use fei_cam::{CamError, CamParams, Fidelity, rebalance};

const NAMES: [&str; 4] = ["liquidity pool", "money market", "savings", "idle"];

fn main() -> Result<(), CamError> {
    let start = [0.0, 30e6, 0.0, 195e6];
    let targets = [0.05, 0.55, 0.40, 1e-18];
    let rate = CamParams::default().rebalance_rate()?;
    println!("targets {targets:?}, rate √(1/30) = {rate:.6}\n");
    for fidelity in [Fidelity::Corrected, Fidelity::Faithful] {
        let mut balances = start.to_vec();
        let mut first_pool_gain = 0.0;
        for day in 1..=30 {
            let step = rebalance(&balances, &targets, rate, fidelity)?;
            if day == 1 {
                first_pool_gain = step.balances_after[0] - balances[0];
            }
            balances = step.balances_after;
        }
        let total: f64 = balances.iter().sum();
        println!("{fidelity:?}: after 30 days (total {:.0} FEI)", total);
        for (name, b) in NAMES.iter().zip(&balances) {
            println!("  {name:<15} {:>14.0}  {:>6.2} %", b, 100.0 * b / total);
        }
        println!(
            "  day 1: the liquidity pool gained {:.0} FEI ({:.2} % of the total)\n",
            first_pool_gain,
            100.0 * first_pool_gain / total
        );
    }
    Ok(())
}
