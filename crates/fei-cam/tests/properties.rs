//! Property tests: the incidence matrix, the Moore–Penrose identities, the weights, the
//! corrected rebalance's guarantees, the faithful closed form, and arbitrary input to every
//! public function (no panic; a refused deposit call changes nothing).
#![expect(
    clippy::float_cmp,
    reason = "bit-identical totals are the corrected rebalance's contract"
)]

use fei_cam::invariants;
use fei_cam::nalgebra::DMatrix;
use fei_cam::strategies::{any_f64, portfolio, rate};
use fei_cam::{
    CamParams, Deposit, DepositKind, Dirichlet, ExogenousWeights, Fidelity, LegacyRandomState,
    balance_changes, complete_graph_edges, compute_capital_allocation_rebalance_matrix,
    constrained_incidence_matrix, current_weights, edge_count, endogenous_weights,
    exogenous_target_weights, incidence_matrix, minimum_norm_flows, numpy_dirichlet, numpy_mean,
    numpy_std, numpy_sum, populate_delta_triangular_matrix, pseudo_inverse, rebalance,
    rebalance_deposits, seed_flows_closed_form, seed_remainder, seed_transfer_loop, total,
    transfer_between,
};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A failed invariant as a test failure.
fn check(r: Result<(), fei_cam::CamError>) -> Result<(), TestCaseError> {
    r.map_err(|e| TestCaseError::fail(e.to_string()))
}

fn max_abs(m: &DMatrix<f64>) -> f64 {
    m.iter().fold(0.0_f64, |a, v| a.max(v.abs()))
}

/// Checks the four Moore–Penrose identities to `tol` relative to the entries' scale.
fn moore_penrose(a: &DMatrix<f64>, p: &DMatrix<f64>, tol: f64) -> Result<(), TestCaseError> {
    let scale_a = max_abs(a).max(1e-300);
    let scale_p = max_abs(p).max(1e-300);
    let apa = a * p * a;
    let pap = p * a * p;
    let ap = a * p;
    let pa = p * a;
    prop_assert!(max_abs(&(apa - a)) <= tol * scale_a, "A A+ A = A");
    prop_assert!(max_abs(&(pap - p)) <= tol * scale_p, "A+ A A+ = A+");
    prop_assert!(max_abs(&(ap.transpose() - &ap)) <= tol, "(A A+)^T = A A+");
    prop_assert!(max_abs(&(pa.transpose() - &pa)) <= tol, "(A+ A)^T = A+ A");
    Ok(())
}

proptest! {
    #[test]
    fn incidence_columns_sum_to_zero(n in 0usize..=40) {
        let a = incidence_matrix(n).unwrap();
        for col in a.column_iter() {
            prop_assert_eq!(col.sum(), 0.0);
            prop_assert_eq!(col.iter().filter(|v| **v != 0.0).count(), 2);
        }
        let m = constrained_incidence_matrix(n).unwrap();
        // Without its ones row, the constrained matrix's columns sum to zero too (the n = 2
        // slack column is all zeros there).
        for col in m.rows(0, n).column_iter() {
            prop_assert_eq!(col.sum(), 0.0);
        }
        prop_assert!(m.row(n).iter().all(|v| *v == 1.0));
    }

    #[test]
    fn pinv_of_the_incidence_matrices(n in 2usize..=16) {
        let m = constrained_incidence_matrix(n).unwrap();
        let p = pseudo_inverse(&m, fei_cam::NUMPY_RCOND).unwrap();
        moore_penrose(&m, &p, 1e-12)?;
    }

    #[test]
    fn pinv_of_well_conditioned_matrices(
        (r, c, entries) in (1usize..=6, 1usize..=6)
            .prop_flat_map(|(r, c)| (Just(r), Just(c), prop::collection::vec(-1.0..1.0f64, r * c)))
    ) {
        let a = DMatrix::from_row_slice(r, c, &entries);
        let s = a.clone().svd(false, false).singular_values;
        let (hi, lo) = s.iter().fold((0.0_f64, f64::MAX), |(h, l), v| (h.max(*v), l.min(*v)));
        prop_assume!(hi > 1e-3 && lo > 1e-3 * hi);
        let p = pseudo_inverse(&a, fei_cam::NUMPY_RCOND).unwrap();
        moore_penrose(&a, &p, 1e-9)?;
    }

    #[test]
    fn endogenous_weights_are_a_distribution(
        (n, rows) in (1usize..=8).prop_flat_map(|n| {
            (Just(n), prop::collection::vec(prop::collection::vec(0.0..0.5f64, n), 1..=6))
        }),
        window in 1usize..=5,
        risk in prop::collection::vec(0.0..3.0f64, 8),
        faithful in any::<bool>(),
    ) {
        let fidelity = if faithful { Fidelity::Faithful } else { Fidelity::Corrected };
        let w = endogenous_weights(&rows, &risk[..n], window, fidelity).unwrap();
        prop_assert!(w.iter().all(|v| *v >= 0.0));
        prop_assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn exogenous_weights_are_a_distribution(
        (n, alpha) in (2usize..=8).prop_flat_map(|n| (Just(n), prop::collection::vec(0.001..5.0f64, n))),
        timestep in any::<u32>(),
        stream in any::<u64>(),
        rate in 0.0..=1.0f64,
        faithful in any::<bool>(),
    ) {
        let fidelity = if faithful { Fidelity::Faithful } else { Fidelity::Corrected };
        let exo = ExogenousWeights::new(alpha, n).unwrap();
        let current = vec![1.0 / n as f64; n];
        let mut rng = ChaCha8Rng::seed_from_u64(stream);
        // numpy's legacy draws can underflow to 0/0 for small α; that is a typed error.
        if let Ok(w) = exo.target_weights(&current, rate, timestep, &mut rng, fidelity) {
            prop_assert!(w.iter().all(|v| *v >= 0.0));
            prop_assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
        let d = Dirichlet::new(exo.alpha()).unwrap();
        let x = d.sample(&mut rng);
        if let Ok(x) = x {
            prop_assert!(x.iter().all(|v| *v >= 0.0 && v.is_finite()));
            prop_assert!((x.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn corrected_conserves_exactly_and_never_overdraws(
        (balances, targets) in portfolio(12),
        rate in rate(),
    ) {
        let r = rebalance(&balances, &targets, rate, Fidelity::Corrected).unwrap();
        check(invariants::conserves_total(&balances, &r))?;
        // The iterator's sum too, which users compare with.
        prop_assert_eq!(r.balances_after.iter().sum::<f64>(), balances.iter().sum::<f64>());
        check(invariants::no_negative_balances(&r))?;
        check(invariants::transfers_account_for_changes(&r))?;
    }

    #[test]
    fn corrected_moves_toward_the_target_and_reaches_it_at_rate_one(
        (balances, targets) in portfolio(12),
        rate in prop_oneof![Just(1.0), 0.0..=1.0f64],
    ) {
        let sum = total(&balances);
        let wsum = total(&targets);
        let r = rebalance(&balances, &targets, rate, Fidelity::Corrected).unwrap();
        let tol = 1e-12 * sum;
        for ((b, a), w) in balances.iter().zip(&r.balances_after).zip(&targets) {
            let goal = w / wsum * sum;
            let (lo, hi) = if b < &goal { (*b, goal) } else { (goal, *b) };
            prop_assert!(*a >= lo - tol && *a <= hi + tol, "{b} -> {a}, target {goal}");
            if rate == 1.0 {
                prop_assert!((a - goal).abs() <= tol, "{a} vs target {goal}");
            }
        }
    }

    #[test]
    fn seed_flows_equal_the_closed_form(
        (balances, targets) in portfolio(9).prop_filter("n >= 3", |(b, _)| b.len() >= 3),
        rate in 0.0..=1.0f64,
    ) {
        let (current, sum) = current_weights(&balances).unwrap();
        let plan = compute_capital_allocation_rebalance_matrix(&targets, &current, sum, rate).unwrap();
        let closed = seed_flows_closed_form(&plan.change).unwrap();
        prop_assert_eq!(closed.len(), plan.deltas.len());
        let scale = plan.change.iter().fold(sum * 1e-3, |m, v| m.max(v.abs()));
        for (x, y) in plan.deltas.iter().zip(&closed) {
            prop_assert!((x - y).abs() <= 1e-9 * scale, "{:?} vs {closed:?}", plan.deltas);
        }
    }

    #[test]
    fn no_public_function_panics(
        xs in prop::collection::vec(any_f64(), 0..8),
        ys in prop::collection::vec(any_f64(), 0..8),
        a in any_f64(),
        b in any_f64(),
        c in any_f64(),
        n in 0usize..=300,
        i in 0usize..4,
        j in 0usize..4,
        seed in any::<u32>(),
        faithful in any::<bool>(),
    ) {
        let fidelity = if faithful { Fidelity::Faithful } else { Fidelity::Corrected };
        let _ = rebalance(&xs, &ys, a, fidelity);
        let _ = balance_changes(&xs, &ys, a, b);
        let _ = current_weights(&xs);
        let _ = compute_capital_allocation_rebalance_matrix(&xs, &ys, a, b);
        let _ = populate_delta_triangular_matrix(&xs, n % 8);
        let _ = minimum_norm_flows(&xs);
        let _ = seed_flows_closed_form(&xs);
        let _ = seed_remainder(&xs, &ys, &xs);
        let side = xs.len().min(3);
        let m = DMatrix::from_iterator(side, side, xs.iter().copied().chain(std::iter::repeat(a)).take(side * side));
        let _ = seed_transfer_loop(&m, &ys, b);
        let _ = pseudo_inverse(&m, a);
        let _ = constrained_incidence_matrix(n);
        let _ = endogenous_weights(&[xs.clone(), ys.clone()], &ys, n % 5, fidelity);
        let _ = exogenous_target_weights(&xs, &ys, a, fidelity);
        let _ = numpy_dirichlet(&xs, seed);
        let _ = Dirichlet::new(&xs).map(|d| d.sample(&mut ChaCha8Rng::seed_from_u64(u64::from(seed))));
        let _ = ExogenousWeights::new(xs.clone(), ys.len());
        let _ = LegacyRandomState::new(seed).standard_gamma(a);
        let _ = (numpy_sum(&xs), numpy_std(&xs), total(&xs));
        let _ = CamParams { dt: a, rebalance_duration: b, moving_average_window: n }.rebalance_rate();
        let _ = (complete_graph_edges(n), edge_count(n), incidence_matrix(n));
        let _ = numpy_mean(&xs);
        if let Ok(r) = rebalance(&xs, &ys, a, fidelity) {
            let _ = r.unallocated(b);
        }
        if let Ok(exo) = ExogenousWeights::new(xs.clone(), xs.len()) {
            let _ = exo.perturbation(seed, &mut ChaCha8Rng::seed_from_u64(1), fidelity);
        }
        let mut legacy = LegacyRandomState::new(seed);
        let _ = (legacy.next_u32(), legacy.random_sample(), legacy.standard_exponential(), legacy.gauss());
        let _ = legacy.dirichlet(&xs);

        // Deposits: a refused call changes nothing.
        let mut ds: Vec<Deposit> = xs.iter().take(4).enumerate().filter_map(|(k, &v)| {
            Deposit::with_balance("FEI", format!("d{k}"), DepositKind::User, v.abs(), 1.0).ok()
        }).collect();
        let before = ds.clone();
        if transfer_between(&mut ds, i, j, a, b, c).is_err() {
            prop_assert_eq!(&ds, &before);
        }
        if ds.len() >= 2 {
            let (x, y) = ds.split_at_mut(1);
            let (x0, y0) = (x[0].clone(), y[0].clone());
            if x[0].transfer(&mut y[0], a, b, c).is_err() {
                prop_assert_eq!((&x[0], &y[0]), (&x0, &y0));
            }
            let (x0, y0) = (x[0].clone(), y[0].clone());
            if x[0].transfer_yield(&mut y[0], a, b).is_err() {
                prop_assert_eq!((&x[0], &y[0]), (&x0, &y0));
            }
        }
        let before = ds.clone();
        if rebalance_deposits(&mut ds, &ys, a, b, fidelity).is_err() {
            prop_assert_eq!(&ds, &before);
        }
        if let Some(before) = ds.first() {
            // Each refused method leaves the deposit as it was.
            for op in 0..8 {
                let mut e = before.clone();
                let refused = match op {
                    0 => e.deposit(a, b).is_err(),
                    1 => e.withdraw(a, b).is_err(),
                    2 => e.set_balance(a, b).is_err(),
                    3 => e.set_yield_rate(a).is_err(),
                    4 => e.accrue_yield(a, b).is_err(),
                    5 => e.accrue_yield_compounded(a, b).is_err(),
                    6 => e.reinvest_yield(a, b).is_err(),
                    _ => e.update_asset_value(a).is_err(),
                };
                if refused {
                    prop_assert_eq!(&e, before);
                }
            }
        }
    }
}
