//! The Moore–Penrose pseudo-inverse with numpy's cutoff (`np.linalg.pinv`), on nalgebra's SVD.
//!
//! `np.linalg.pinv(a)` zeroes every singular value `s ≤ rcond · max(s)` with `rcond = 1e-15`
//! (relative to the largest singular value) and inverts the rest. nalgebra's
//! `SVD::pseudo_inverse(eps)` takes an absolute threshold instead (it keeps `s > eps`), so the
//! conversion is `eps = rcond · max(s)`, computed from the same decomposition.

use nalgebra::DMatrix;
use nalgebra::linalg::SVD;

use crate::error::{CamError, finite, non_negative};

/// numpy's default relative cutoff for `pinv`.
pub const NUMPY_RCOND: f64 = 1e-15;

/// Most QR sweeps the SVD may take before giving up (nalgebra's own default is unbounded).
const MAX_SVD_ITERATIONS: usize = 100_000;

/// The pseudo-inverse `A⁺` of `a`, zeroing singular values `≤ rcond · max(s)`.
///
/// An empty matrix (no rows or no columns) has the empty transpose as its pseudo-inverse.
///
/// # Errors
/// A non-finite entry or `rcond`, a negative `rcond`, or an SVD that does not converge (or
/// overflows) within its iteration bound.
pub fn pseudo_inverse(a: &DMatrix<f64>, rcond: f64) -> Result<DMatrix<f64>, CamError> {
    non_negative("rcond", rcond)?;
    for &v in a.iter() {
        finite("matrix entry", v)?;
    }
    if a.is_empty() {
        return Ok(DMatrix::zeros(a.ncols(), a.nrows()));
    }
    let svd = SVD::try_new_unordered(
        a.clone(),
        true,
        true,
        f64::EPSILON * 5.0,
        MAX_SVD_ITERATIONS,
    )
    .ok_or(CamError::PseudoInverse {
        reason: "the SVD did not converge",
    })?;
    let largest = svd.singular_values.iter().copied().fold(0.0_f64, f64::max);
    if !largest.is_finite() || svd.singular_values.iter().any(|s| !s.is_finite()) {
        return Err(CamError::PseudoInverse {
            reason: "the SVD overflowed",
        });
    }
    let pinv = svd
        .pseudo_inverse(rcond * largest)
        .map_err(|reason| CamError::PseudoInverse { reason })?;
    if pinv.iter().any(|v| !v.is_finite()) {
        return Err(CamError::PseudoInverse {
            reason: "the pseudo-inverse overflowed",
        });
    }
    Ok(pinv)
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact values are the point of these tests
mod tests {
    use super::*;

    #[test]
    fn inverse_of_an_invertible_matrix() {
        let a = DMatrix::from_row_slice(2, 2, &[2.0, 0.0, 0.0, 4.0]);
        let p = pseudo_inverse(&a, NUMPY_RCOND).unwrap();
        assert_eq!(p, DMatrix::from_row_slice(2, 2, &[0.5, 0.0, 0.0, 0.25]));
    }

    #[test]
    fn rank_deficient_by_hand() {
        // [[1, 1], [1, 1]] = 2·u·uᵀ with u = (1,1)/√2; its pseudo-inverse is A/4.
        let a = DMatrix::from_element(2, 2, 1.0);
        let p = pseudo_inverse(&a, NUMPY_RCOND).unwrap();
        for v in p.iter() {
            assert!((v - 0.25).abs() < 1e-15, "{p}");
        }
        // A cutoff above the only singular value (2) leaves nothing: A⁺ = 0.
        let p = pseudo_inverse(&a, 1.5).unwrap();
        assert!(p.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn refuses_bad_input() {
        let a = DMatrix::from_row_slice(1, 2, &[1.0, f64::NAN]);
        assert!(pseudo_inverse(&a, NUMPY_RCOND).is_err());
        let a = DMatrix::from_element(2, 2, 1.0);
        assert!(pseudo_inverse(&a, -1.0).is_err());
        assert_eq!(
            pseudo_inverse(&DMatrix::zeros(0, 3), NUMPY_RCOND)
                .unwrap()
                .shape(),
            (3, 0)
        );
    }
}
