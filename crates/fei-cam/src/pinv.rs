//! The Moore–Penrose pseudo-inverse with numpy's cutoff (`np.linalg.pinv`), on nalgebra
//! matrices.
//!
//! `np.linalg.pinv(a)` zeroes every singular value `s ≤ rcond · max(s)` with `rcond = 1e-15`
//! (relative to the largest singular value) and inverts the rest: `A⁺ = V Σ⁺ Uᵀ`.
//!
//! **Why not `nalgebra`'s own `pseudo_inverse`.** That takes an absolute threshold, which is a
//! one-line conversion (`eps = rcond · max(s)`), but its SVD loses accuracy when a singular
//! value is zero (dimforge/nalgebra#1172, open; the fix, PR #1590, is not merged), and the
//! seed's constrained incidence matrix always has one (rank `n`, `n + 1` rows). Measured on
//! nalgebra 0.35: `U Σ Vᵀ` misses the matrix by up to `1.6e-6` (`n = 18`), and the zero
//! singular value comes out at up to `5e-14 · max(s)`, above numpy's cutoff, so for most
//! `n ≥ 30` the flows were off by up to 7 %. LAPACK, under numpy, puts that value near
//! `1e-16 · max(s)`.
//!
//! So the decomposition here is nalgebra's Householder QR, `B = Q R` (with `B` the matrix or its
//! transpose, whichever is tall), followed by one-sided Jacobi (Hestenes) rotations on `R`,
//! which orthogonalise its columns: `R V = W`, `σ_k = ‖w_k‖`. One-sided Jacobi computes small
//! singular values to high relative accuracy (Demmel and Veselić, 1992); the structural zero of
//! the incidence matrices comes out near `1e-17 · max(s)`. Then numpy's rule:
//! `B⁺ = Σ_{σ_k > rcond·max σ} v_k w_kᵀ Qᵀ / σ_k²`. For every `n` up to
//! [`MAX_DEPOSITS`](crate::MAX_DEPOSITS) the seed's flows agree with their closed form to
//! `1e-12` relative.

use nalgebra::DMatrix;

use crate::error::{CamError, finite, non_negative};

/// numpy's default relative cutoff for `pinv`.
pub const NUMPY_RCOND: f64 = 1e-15;

/// Most Jacobi sweeps before giving up; quadratic convergence needs under 20 in practice.
const MAX_SWEEPS: usize = 100;

/// The pseudo-inverse `A⁺` of `a`, zeroing singular values `≤ rcond · max(s)` (numpy's rule).
///
/// An empty matrix (no rows or no columns) has the empty transpose as its pseudo-inverse, and
/// a zero matrix has the zero transpose.
///
/// ```
/// use fei_cam::nalgebra::DMatrix;
/// use fei_cam::{NUMPY_RCOND, pseudo_inverse};
///
/// // A rank-1 matrix: [[1, 2], [2, 4]]⁺ = [[1, 2], [2, 4]] / 25.
/// let a = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 4.0]);
/// let p = pseudo_inverse(&a, NUMPY_RCOND)?;
/// let expected = DMatrix::from_row_slice(2, 2, &[0.04, 0.08, 0.08, 0.16]);
/// assert!((p - expected).abs().max() < 1e-15);
/// # Ok::<(), fei_cam::CamError>(())
/// ```
///
/// # Errors
/// A non-finite entry or `rcond`, a negative `rcond`, or rotations that do not converge.
pub fn pseudo_inverse(a: &DMatrix<f64>, rcond: f64) -> Result<DMatrix<f64>, CamError> {
    non_negative("rcond", rcond)?;
    for &v in a.iter() {
        finite("matrix entry", v)?;
    }
    let scale = a.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if a.is_empty() || scale == 0.0 {
        return Ok(DMatrix::zeros(a.ncols(), a.nrows()));
    }
    // Work on the tall orientation, scaled to entries of at most 1 so no product overflows.
    let transposed = a.nrows() < a.ncols();
    let b = if transposed { a.transpose() } else { a.clone() } / scale;
    let qr = b.qr();
    let q = qr.q();
    let r = qr.unpack_r();
    let (w, v) = jacobi(r)?;
    let norms: Vec<f64> = w.column_iter().map(|c| c.norm()).collect();
    let largest = norms.iter().copied().fold(0.0_f64, f64::max);
    let cutoff = rcond * largest;
    // B⁺ = Σ v_k (Q w_k)ᵀ / σ_k², c × r.
    let c = v.nrows();
    let mut inner = DMatrix::zeros(c, c);
    for (k, &sigma) in norms.iter().enumerate() {
        if sigma > cutoff {
            inner += v.column(k) * w.column(k).transpose() / (sigma * sigma);
        }
    }
    let pinv_b = inner * q.transpose() / scale;
    let out = if transposed {
        pinv_b.transpose()
    } else {
        pinv_b
    };
    if out.iter().any(|v| !v.is_finite()) {
        return Err(CamError::PseudoInverse {
            reason: "the pseudo-inverse overflowed",
        });
    }
    Ok(out)
}

/// One-sided Jacobi on the columns of square `r`: returns `W = R V` with orthogonal columns,
/// and the orthogonal `V`.
fn jacobi(mut w: DMatrix<f64>) -> Result<(DMatrix<f64>, DMatrix<f64>), CamError> {
    let c = w.ncols();
    let mut v = DMatrix::identity(c, c);
    // A dot product of c terms is only known to about c·ε of its size, so asking for
    // orthogonality to ε alone can cycle for ever on rounding (a 2 × 3 matrix did: γ flipped
    // between ±3.33e-16 against a bound of 3.33e-16). LAPACK's dgesvj uses √m·ε; c·ε (at least
    // 2ε) is a little looser and still leaves relative accuracy at the ε level.
    let tol = f64::EPSILON * (c.max(2) as f64);
    for _ in 0..MAX_SWEEPS {
        let mut rotated = false;
        for p in 0..c {
            for q in p + 1..c {
                let alpha = w.column(p).norm_squared();
                let beta = w.column(q).norm_squared();
                let gamma = w.column(p).dot(&w.column(q));
                if gamma == 0.0 || gamma.abs() <= tol * (alpha * beta).sqrt() {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = if zeta.abs() > 1e150 {
                    0.5 / zeta
                } else {
                    zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt())
                };
                let cos = 1.0 / (1.0 + t * t).sqrt();
                let sin = cos * t;
                rotate(&mut w, p, q, cos, sin);
                rotate(&mut v, p, q, cos, sin);
            }
        }
        if !rotated {
            return Ok((w, v));
        }
    }
    Err(CamError::PseudoInverse {
        reason: "the Jacobi rotations did not converge",
    })
}

/// Columns `p, q ← c·p − s·q, s·p + c·q`.
fn rotate(m: &mut DMatrix<f64>, p: usize, q: usize, cos: f64, sin: f64) {
    for i in 0..m.nrows() {
        let (x, y) = (m[(i, p)], m[(i, q)]);
        m[(i, p)] = cos * x - sin * y;
        m[(i, q)] = sin * x + cos * y;
    }
}

#[cfg(test)]
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
    #[expect(
        clippy::unreadable_literal,
        reason = "as the property test printed them"
    )]
    fn converges_where_rounding_used_to_cycle() {
        // Found by the property test: with a bound of ε·√(αβ) the rotations flipped γ between
        // ±3.3306690738754696e-16 against a bound of 3.3289198032665597e-16 for ever.
        let a = DMatrix::from_row_slice(
            2,
            3,
            &[
                -0.382317875860418,
                0.19289972837143013,
                0.8843767328286151,
                0.7495851781186478,
                0.9144654645042115,
                0.9294381837572917,
            ],
        );
        let p = pseudo_inverse(&a, NUMPY_RCOND).unwrap();
        // Full row rank, so A A⁺ = I (2 × 2).
        let eye = &a * &p;
        for i in 0..2 {
            for j in 0..2 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((eye[(i, j)] - want).abs() < 1e-14, "{eye}");
            }
        }
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
