//! The complete graph of deposits and its constrained incidence matrix (the seed's
//! `generate_constrained_incidence_matrix`).
//!
//! Deposits are the nodes of the complete graph `K_n`; an edge is a possible transfer. The seed
//! builds the graph with NetworkX; this module builds it with petgraph, in the same edge order.

use nalgebra::DMatrix;
use petgraph::graph::UnGraph;
use petgraph::visit::EdgeRef;

use crate::error::CamError;

/// Most deposits the seed's matrix is built for (4 950 edges). Up to here the seed's flows
/// agree with their closed form to `1e-12` relative; much beyond, the structurally zero
/// singular value of the matrix is computed above numpy's `rcond = 1e-15` by rounding alone (at
/// `n = 256` numpy's own LAPACK result is off by 1 %, and ours from about `n = 117`), so the
/// seed's computation stops meaning anything. The corrected rebalance does not build the
/// matrix and has no such limit.
pub const MAX_DEPOSITS: usize = 100;

/// The edges of the complete graph on `n` deposits, `(i, j)` with `i < j`, in lexicographic
/// order: `(0,1), (0,2), …, (0,n−1), (1,2), …`. This is the order of
/// `nx.complete_graph(n).edges()`, and the order of the seed's `deltas`.
///
/// ```
/// // The complete graph on 3 deposits: edges (i, j), i < j, in lexicographic order.
/// assert_eq!(fei_cam::complete_graph_edges(3)?, [(0, 1), (0, 2), (1, 2)]);
/// assert_eq!(fei_cam::edge_count(4), 6);
/// # Ok::<(), fei_cam::CamError>(())
/// ```
///
/// # Errors
/// [`CamError::TooManyDeposits`] above [`MAX_DEPOSITS`].
pub fn complete_graph_edges(n: usize) -> Result<Vec<(usize, usize)>, CamError> {
    check_size(n)?;
    let mut graph = UnGraph::<usize, ()>::with_capacity(n, edge_count(n));
    let nodes: Vec<_> = (0..n).map(|i| graph.add_node(i)).collect();
    for (i, &a) in nodes.iter().enumerate() {
        for &b in &nodes[i + 1..] {
            graph.add_edge(a, b, ());
        }
    }
    // Edge indices follow insertion order, so this is the lexicographic order built above.
    Ok(graph
        .edge_references()
        .map(|e| (graph[e.source()], graph[e.target()]))
        .collect())
}

/// The number of edges of `K_n`, `n(n−1)/2`.
#[must_use]
pub fn edge_count(n: usize) -> usize {
    n.saturating_mul(n.saturating_sub(1)) / 2
}

/// The oriented incidence matrix of `K_n`, `n × n(n−1)/2`: column `e` of edge `(i, j)` has `+1`
/// in row `i` and `−1` in row `j`.
///
/// NetworkX's `incidence_matrix(G, oriented=True)` puts `−1` at the edge's first node and `+1`
/// at its second; the seed multiplies it by `−1`, which gives this sign. So a positive flow
/// `x_e` on edge `(i, j)` *adds* to deposit `i` and takes from deposit `j`, matching the seed's
/// reading of `D[i][j] > 0` as a move from `j` to `i`.
///
/// # Errors
/// [`CamError::TooManyDeposits`] above [`MAX_DEPOSITS`].
pub fn incidence_matrix(n: usize) -> Result<DMatrix<f64>, CamError> {
    let edges = complete_graph_edges(n)?;
    let mut a = DMatrix::zeros(n, edges.len());
    for (e, &(i, j)) in edges.iter().enumerate() {
        a[(i, e)] = 1.0;
        a[(j, e)] = -1.0;
    }
    Ok(a)
}

/// The seed's constrained incidence matrix: [`incidence_matrix`] with a row of ones appended,
/// `(n + 1) × m`.
///
/// The ones row asks the flows to sum to zero (the seed's comment calls it the conservation
/// constraint `1ᵀx = 0`). It is not a conservation law: the incidence matrix already conserves
/// FEI, since each of its columns sums to zero. The extra row only picks, among all flows with
/// the same net changes, those whose signed sum is zero, which adds a circular flow to the
/// minimum-norm solution; see [`mod@crate::rebalance`].
///
/// **The `n = 2` slack column.** `K_2` has one edge, so `A` is `[[1], [−1]]` and the ones row
/// `[1]` would force that edge's flow to zero: no transfer could ever happen. The seed
/// (commented "Fixes NetworkX rendition of 2-deposit adjacency matrix generation") appends a
/// zero column first, making the matrix `[[1, 0], [−1, 0], [1, 1]]`. The second column is a
/// slack variable: it appears only in the ones row, so it absorbs the constraint
/// (`x₂ = −x₁`) and the real flow `x₁` is free. Its value is returned in the deltas but never
/// used as a transfer. This function reproduces it.
///
/// For `n = 0` and `n = 1` the matrix has no columns: there is nothing to transfer.
///
/// ```
/// // n = 3: three edge columns (+1 at i, −1 at j) and a row of ones appended.
/// let m = fei_cam::constrained_incidence_matrix(3)?;
/// assert_eq!(m.shape(), (4, 3));
/// assert_eq!(m.row(0).iter().copied().collect::<Vec<_>>(), [1.0, 1.0, 0.0]);
/// assert_eq!(m.row(3).iter().copied().collect::<Vec<_>>(), [1.0, 1.0, 1.0]);
/// # Ok::<(), fei_cam::CamError>(())
/// ```
///
/// # Errors
/// [`CamError::TooManyDeposits`] above [`MAX_DEPOSITS`].
pub fn constrained_incidence_matrix(n: usize) -> Result<DMatrix<f64>, CamError> {
    let a = incidence_matrix(n)?;
    let a = if n == 2 { a.insert_column(1, 0.0) } else { a };
    let rows = a.nrows();
    Ok(a.insert_row(rows, 1.0))
}

fn check_size(n: usize) -> Result<(), CamError> {
    if n > MAX_DEPOSITS {
        return Err(CamError::TooManyDeposits {
            n,
            edges: edge_count(n),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_are_lexicographic() {
        assert_eq!(
            complete_graph_edges(4).unwrap(),
            [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
        );
        assert!(complete_graph_edges(1).unwrap().is_empty());
        assert_eq!(edge_count(64), 2016);
    }

    #[test]
    fn constrained_matrix_for_three_deposits() {
        // By hand: edges (0,1), (0,2), (1,2); +1 at the first node, −1 at the second.
        let m = constrained_incidence_matrix(3).unwrap();
        let expected = DMatrix::from_row_slice(
            4,
            3,
            &[
                1.0, 1.0, 0.0, //
                -1.0, 0.0, 1.0, //
                0.0, -1.0, -1.0, //
                1.0, 1.0, 1.0,
            ],
        );
        assert_eq!(m, expected);
    }

    #[test]
    fn two_deposits_get_the_slack_column() {
        let m = constrained_incidence_matrix(2).unwrap();
        let expected = DMatrix::from_row_slice(3, 2, &[1.0, 0.0, -1.0, 0.0, 1.0, 1.0]);
        assert_eq!(m, expected);
    }

    #[test]
    fn degenerate_and_oversized() {
        assert_eq!(constrained_incidence_matrix(1).unwrap().shape(), (2, 0));
        assert_eq!(constrained_incidence_matrix(0).unwrap().shape(), (1, 0));
        assert!(matches!(
            incidence_matrix(MAX_DEPOSITS + 1),
            Err(CamError::TooManyDeposits { .. })
        ));
    }
}
