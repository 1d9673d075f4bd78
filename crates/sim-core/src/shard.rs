//! The `(subset, run)` pairs of an experiment or one of its shards, computed from their
//! position: nothing proportional to subsets × runs is ever built.

/// The `(subset, run)` pairs of shard `index` of `count` of an experiment with `subsets`
/// subsets of `runs` runs, in record order: the pairs whose position `k` in the full
/// experiment (`k = subset · runs + run − 1`) is `index` modulo `count`. An iterator that knows
/// its length and can be indexed; none for `count = 0` or `index ≥ count`.
///
/// ```
/// // 2 subsets × 3 runs, shard 1 of 2: positions 1, 3 and 5 of the record order.
/// let pairs: Vec<(usize, usize)> = sim_core::shard_pairs(2, 3, 1, 2).collect();
/// assert_eq!(pairs, [(0, 2), (1, 1), (1, 3)]);
/// assert_eq!(sim_core::shard_pairs(2, 3, 0, 2).in_subset(1), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardPairs {
    subsets: usize,
    runs: usize,
    index: usize,
    count: usize,
    /// The next position of this shard to yield, and one past the last.
    front: usize,
    back: usize,
}

impl ShardPairs {
    /// The pairs of shard `index` of `count`. The total `subsets · runs` saturates at
    /// `usize::MAX` (the engine refuses such an experiment before it iterates).
    #[must_use]
    pub fn new(subsets: usize, runs: usize, index: usize, count: usize) -> Self {
        let total = subsets.saturating_mul(runs);
        let len = if count == 0 || index >= count || index >= total {
            0
        } else {
            (total - index - 1) / count + 1
        };
        Self {
            subsets,
            runs,
            index,
            count,
            front: 0,
            back: len,
        }
    }

    /// The number of pairs of the whole experiment, `subsets · runs`, if it fits a `usize`.
    #[must_use]
    pub fn experiment_len(&self) -> Option<usize> {
        self.subsets.checked_mul(self.runs)
    }

    /// The `i`-th pair left in this iterator.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<(usize, usize)> {
        let k = self.front.checked_add(i).filter(|&k| k < self.back)?;
        let position = k.checked_mul(self.count)?.checked_add(self.index)?;
        let runs = self.runs.max(1);
        Some((position / runs, position % runs + 1))
    }

    /// How many of this shard's pairs belong to `subset`.
    #[must_use]
    pub fn in_subset(&self, subset: usize) -> usize {
        if subset >= self.subsets || self.count == 0 || self.index >= self.count {
            return 0;
        }
        // Positions subset·runs .. (subset + 1)·runs that are ≡ index (mod count).
        let start = subset.saturating_mul(self.runs);
        let end = start.saturating_add(self.runs);
        let up_to = |p: usize| {
            // Positions below p that are ≡ index (mod count).
            if p <= self.index {
                0
            } else {
                (p - self.index - 1) / self.count + 1
            }
        };
        up_to(end) - up_to(start)
    }
}

impl Iterator for ShardPairs {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<Self::Item> {
        let pair = self.get(0)?;
        self.front += 1;
        Some(pair)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }

    fn nth(&mut self, n: usize) -> Option<Self::Item> {
        self.front = self.front.saturating_add(n).min(self.back);
        self.next()
    }
}

impl ExactSizeIterator for ShardPairs {}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(subsets: usize, runs: usize, index: usize, count: usize) -> Vec<(usize, usize)> {
        (0..subsets)
            .flat_map(|s| (1..=runs).map(move |r| (s, r)))
            .enumerate()
            .filter(|(k, _)| count > 0 && k % count == index)
            .map(|(_, p)| p)
            .collect()
    }

    #[test]
    fn the_same_pairs_as_filtering_the_whole_list() {
        for subsets in 0..5 {
            for runs in 0..5 {
                for count in 0..7 {
                    for index in 0..8 {
                        let want = naive(subsets, runs, index, count);
                        let got = ShardPairs::new(subsets, runs, index, count);
                        assert_eq!(got.len(), want.len());
                        assert_eq!(got.clone().collect::<Vec<_>>(), want);
                        for s in 0..subsets {
                            let n = want.iter().filter(|p| p.0 == s).count();
                            assert_eq!(got.in_subset(s), n, "{subsets} {runs} {index}/{count}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn huge_experiments_are_not_materialised() {
        let p = ShardPairs::new(1_600_000_000, 10, 3, 1000);
        assert_eq!(p.len(), 16_000_000);
        assert_eq!(p.get(0), Some((0, 4)));
        assert_eq!(p.get(1), Some((100, 4)));
        assert_eq!(p.clone().last(), Some((1_599_999_900, 4)));
        assert_eq!(ShardPairs::new(usize::MAX, 2, 0, 1).experiment_len(), None);
    }
}
