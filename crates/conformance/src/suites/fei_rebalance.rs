//! The `fei-rebalance` suite: the seed's constrained incidence matrix, pseudo-inverse rebalance
//! and transfer loop (`fei_capital_allocation.py`, run with numpy and NetworkX).
//!
//! A case passes when the incidence matrix is equal exactly and every float output (net
//! changes, deltas, the rebalance matrix, and the seed-order transfer simulation's transfers,
//! balances after and remainder) agrees to `1e-9 · max(1, total_fei)` absolute.
//!
//! Two readings of the contract, made explicit: the vectors list transfers "for non-zero
//! entries only", and an entry that numpy's SVD leaves at exactly zero may come out of ours as
//! a few ulps, so transfers asked for less than the tolerance on either side are left out of the
//! comparison (they move less than the tolerance). And the vectors' remainder is taken before
//! the seed's `np.isclose(r, 0)` zeroing, ours after it; the two differ by at most `1e-8`, well
//! inside the tolerance for every case with `total_fei ≥ 10`.

use std::path::Path;

use anyhow::{Context, Result};
use fei_cam::nalgebra::DMatrix;
use fei_cam::{
    Transfer, compute_capital_allocation_rebalance_matrix, constrained_incidence_matrix,
    seed_remainder, seed_transfer_loop,
};
use serde::Deserialize;

use crate::runner::{FieldDiffs, FileReport, Suite};

pub(crate) const SUITE: Suite = Suite {
    name: "fei-rebalance",
    run_file,
};

#[derive(Deserialize)]
struct File {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: serde_json::Value,
    n: usize,
    inputs: Inputs,
    outputs: Outputs,
    transfer_simulation: Simulation,
}

#[derive(Deserialize)]
struct Inputs {
    target_weights: Vec<f64>,
    current_weights: Vec<f64>,
    total_fei: f64,
    rebalance_rate: f64,
}

#[derive(Deserialize)]
struct Outputs {
    total_fei_deposit_balance_change: Vec<f64>,
    constrained_incidence_matrix: Vec<Vec<f64>>,
    deltas: Vec<f64>,
    rebalance_matrix: Vec<Vec<f64>>,
}

#[derive(Deserialize)]
struct Simulation {
    current_balances: Vec<f64>,
    /// `[from, to, amount_moved, abs_requested]`.
    transfers: Vec<(usize, usize, f64, f64)>,
    balances_after: Vec<f64>,
    rebalance_remainder: Vec<f64>,
}

/// Gaps over a file, for the notes.
#[derive(Default)]
struct Tally {
    floats: usize,
    identical: usize,
    /// Largest gap as a fraction of the case's tolerance.
    worst: f64,
}

/// The mismatches of one case.
struct Check<'a> {
    tol: f64,
    tally: &'a mut Tally,
    diffs: FieldDiffs,
}

impl Check<'_> {
    fn float(&mut self, field: &str, expected: f64, got: f64) {
        self.tally.floats += 1;
        if expected.to_bits() == got.to_bits() {
            self.tally.identical += 1;
        }
        let gap = (expected - got).abs();
        if gap <= self.tol {
            self.tally.worst = self.tally.worst.max(gap / self.tol);
        } else {
            self.diffs.push(field, expected, got);
        }
    }

    fn floats(&mut self, field: &str, expected: &[f64], got: &[f64]) {
        if expected.len() != got.len() {
            self.diffs
                .push(&format!("{field}.len"), expected.len(), got.len());
            return;
        }
        for (i, (e, g)) in expected.iter().zip(got).enumerate() {
            self.float(&format!("{field}[{i}]"), *e, *g);
        }
    }
}

fn rows(m: &DMatrix<f64>) -> Vec<Vec<f64>> {
    (0..m.nrows())
        .map(|r| (0..m.ncols()).map(|c| m[(r, c)]).collect())
        .collect()
}

fn run_case(case: &Case, tally: &mut Tally) -> Result<FieldDiffs> {
    let tol = 1e-9 * case.inputs.total_fei.abs().max(1.0);
    let mut check = Check {
        tol,
        tally,
        diffs: FieldDiffs::default(),
    };

    let m = constrained_incidence_matrix(case.n).context("incidence matrix")?;
    let m = rows(&m);
    if m != case.outputs.constrained_incidence_matrix {
        check.diffs.push(
            "constrained_incidence_matrix",
            format!("{:?}", case.outputs.constrained_incidence_matrix),
            format!("{m:?}"),
        );
    }

    let i = &case.inputs;
    let plan = compute_capital_allocation_rebalance_matrix(
        &i.target_weights,
        &i.current_weights,
        i.total_fei,
        i.rebalance_rate,
    )
    .context("compute_capital_allocation_rebalance_matrix")?;
    let o = &case.outputs;
    check.floats(
        "total_fei_deposit_balance_change",
        &o.total_fei_deposit_balance_change,
        &plan.change,
    );
    check.floats("deltas", &o.deltas, &plan.deltas);
    let matrix = rows(&plan.matrix);
    if matrix.len() == o.rebalance_matrix.len() {
        for (r, (e, g)) in o.rebalance_matrix.iter().zip(&matrix).enumerate() {
            check.floats(&format!("rebalance_matrix[{r}]"), e, g);
        }
    } else {
        check.diffs.push(
            "rebalance_matrix.rows",
            o.rebalance_matrix.len(),
            matrix.len(),
        );
    }

    let sim = &case.transfer_simulation;
    let (transfers, after) = seed_transfer_loop(&plan.matrix, &sim.current_balances, 1.0)
        .context("seed transfer loop")?;
    let significant = |requested: f64| requested > tol;
    let expected: Vec<_> = sim.transfers.iter().filter(|t| significant(t.3)).collect();
    let got: Vec<&Transfer> = transfers
        .iter()
        .filter(|t| significant(t.requested))
        .collect();
    if expected.len() == got.len() {
        for (k, (e, g)) in expected.iter().zip(&got).enumerate() {
            if (e.0, e.1) != (g.from, g.to) {
                check.diffs.push(
                    &format!("transfers[{k}].from_to"),
                    format!("{}->{}", e.0, e.1),
                    format!("{}->{}", g.from, g.to),
                );
            }
            check.float(&format!("transfers[{k}].amount"), e.2, g.amount);
            check.float(&format!("transfers[{k}].requested"), e.3, g.requested);
        }
    } else {
        check.diffs.push("transfers.len", expected.len(), got.len());
    }
    check.floats("balances_after", &sim.balances_after, &after);
    let remainder = seed_remainder(&sim.current_balances, &plan.change, &after);
    check.floats("rebalance_remainder", &sim.rebalance_remainder, &remainder);
    Ok(check.diffs)
}

fn run_file(path: &Path) -> Result<FileReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: File = serde_json::from_str(&text).context("not a fei_vectors file")?;
    let mut report = FileReport::default();
    let mut tally = Tally::default();
    for case in &file.cases {
        let id = format!("case {}", case.id);
        match run_case(case, &mut tally) {
            Ok(diffs) => diffs.finish(id, &mut report),
            Err(e) => report.fail(id, "a result", format!("error: {e:#}")),
        }
    }
    report.notes.push(format!(
        "{} floats compared, {} bit-identical; largest gap {:.2e} of the tolerance 1e-9·max(1, total_fei)",
        tally.floats, tally.identical, tally.worst
    ));
    Ok(report)
}
