//! A sink in front of the records file that keeps what the summary and the plots need: each
//! run's final state, and the plotted variables at the end of every timestep.

use std::collections::BTreeSet;
use std::sync::Arc;

use sim_core::{
    EncodedRun, Header, RowEncoder, RowMeta, Sink, SinkError, Value, WordColumns, WordSource,
};

/// Most runs per subset whose time series are kept for the plots' bands.
pub(crate) const MAX_PLOTTED_RUNS: usize = 1000;

/// What a [`Collector`] kept: the state names, every run's final state, and the plotted
/// series (`series[subset][variable][run]`, the value at the end of each timestep).
#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub(crate) state_names: Vec<&'static str>,
    pub(crate) finals: Finals,
    pub(crate) series: Vec<Vec<Vec<Vec<f64>>>>,
}

/// The run being written: subset, run, and its plotted series.
type Current = (usize, usize, Vec<Vec<f64>>);

/// Runs per chunk of [`Finals`]: each chunk is allocated once, at its full size, so the finals
/// never reallocate (a doubling `Vec` of 900,000 Honey runs would briefly hold 64 MB and
/// 128 MB at once).
const CHUNK_RUNS: usize = 1 << 16;

/// Every run's final state, in record order, stored flat: a sweep of a million runs keeps
/// 8 bytes per variable and 16 per run, not a vector per run.
#[derive(Debug, Default)]
pub(crate) struct Finals {
    width: usize,
    chunks: Vec<FinalsChunk>,
}

/// Up to [`CHUNK_RUNS`] runs' keys and final states.
#[derive(Debug)]
struct FinalsChunk {
    keys: Vec<(usize, usize)>,
    values: Vec<f64>,
}

impl Finals {
    /// Appends run `(subset, run)`'s final state (`width` values).
    fn push(&mut self, subset: usize, run: usize, state: &[f64]) {
        let full = self
            .chunks
            .last()
            .is_none_or(|c| c.keys.len() >= CHUNK_RUNS);
        if full {
            self.chunks.push(FinalsChunk {
                keys: Vec::with_capacity(CHUNK_RUNS),
                values: Vec::with_capacity(CHUNK_RUNS * self.width),
            });
        }
        if let Some(chunk) = self.chunks.last_mut() {
            chunk.keys.push((subset, run));
            chunk.values.extend_from_slice(state);
        }
    }

    /// `(subset, run, final state)` of every run, in record order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, usize, &[f64])> {
        let width = self.width.max(1);
        self.chunks.iter().flat_map(move |c| {
            c.keys
                .iter()
                .zip(c.values.chunks(width))
                .map(|(&(s, r), v)| (s, r, v))
        })
    }

    /// `(subset, final state)` of every run that did not fail, in record order.
    pub(crate) fn completed(
        &self,
        failed: impl IntoIterator<Item = (usize, usize)>,
    ) -> impl Iterator<Item = (usize, &[f64])> {
        let failed: BTreeSet<(usize, usize)> = failed.into_iter().collect();
        self.iter()
            .filter(move |(s, r, _)| !failed.contains(&(*s, *r)))
            .map(|(s, _, v)| (s, v))
    }
}

/// A sink in front of another that keeps what the summary and the plots need.
pub(crate) struct Collector<'a> {
    inner: &'a mut dyn Sink,
    plotted: Vec<String>,
    plotted_ix: Vec<usize>,
    pub(crate) state_names: Vec<&'static str>,
    /// Every run's final state.
    pub(crate) finals: Finals,
    /// The current run's latest state.
    last: Vec<f64>,
    /// `series[subset][variable][run]` = the value at the end of each timestep.
    pub(crate) series: Vec<Vec<Vec<Vec<f64>>>>,
    current: Option<Current>,
    /// Reused for the values of encoded runs.
    scratch: Vec<Value>,
}

impl<'a> Collector<'a> {
    pub(crate) fn new(inner: &'a mut dyn Sink, plotted: Vec<String>) -> Self {
        Self {
            inner,
            plotted,
            plotted_ix: Vec::new(),
            state_names: Vec::new(),
            finals: Finals::default(),
            last: Vec::new(),
            series: Vec::new(),
            current: None,
            scratch: Vec::new(),
        }
    }

    /// What it kept.
    pub(crate) fn into_parts(self) -> Collected {
        Collected {
            state_names: self.state_names,
            finals: self.finals,
            series: self.series,
        }
    }

    fn close_run(&mut self) {
        if let Some((subset, run, series)) = self.current.take() {
            if self.series.len() <= subset {
                self.series
                    .resize(subset + 1, vec![Vec::new(); self.plotted_ix.len()]);
            }
            for (v, s) in series.into_iter().enumerate() {
                if self.series[subset][v].len() < MAX_PLOTTED_RUNS {
                    self.series[subset][v].push(s);
                }
            }
            self.finals.push(subset, run, &self.last);
        }
    }
}

impl Collector<'_> {
    /// Keeps what the summary and the plots need of one record.
    fn observe(&mut self, meta: &RowMeta, state: &[Value]) {
        let same = matches!(&self.current, Some((s, r, ..)) if *s == meta.subset && *r == meta.run);
        if !same {
            self.close_run();
            self.current = Some((
                meta.subset,
                meta.run,
                vec![Vec::new(); self.plotted_ix.len()],
            ));
        }
        self.last.clear();
        self.last.extend(state.iter().map(Value::as_f64));
        if let Some((_, _, series)) = &mut self.current {
            for (v, &ix) in self.plotted_ix.iter().enumerate() {
                let s = &mut series[v];
                let x = state[ix].as_f64();
                // The last substep of a timestep wins.
                if s.len() > meta.timestep {
                    s[meta.timestep] = x;
                } else {
                    s.push(x);
                }
            }
        }
    }
}

impl Sink for Collector<'_> {
    fn begin(&mut self, header: &Header) -> Result<(), SinkError> {
        self.state_names = header.state.to_vec();
        self.finals.width = header.state.len();
        self.plotted_ix = self
            .plotted
            .iter()
            .filter_map(|p| header.state.iter().position(|s| s == p))
            .collect();
        self.inner.begin(header)
    }

    fn row(&mut self, meta: &RowMeta, state: &[Value], params: &[Value]) -> Result<(), SinkError> {
        self.observe(meta, state);
        self.inner.row(meta, state, params)
    }

    fn encoder(&self) -> Option<Arc<dyn RowEncoder>> {
        self.inner.encoder()
    }

    fn word_columns(&mut self, runs: usize, rows: usize) -> Option<Vec<WordSource>> {
        self.inner.word_columns(runs, rows)
    }

    fn recycled_words(&mut self) -> Vec<Vec<u64>> {
        self.inner.recycled_words()
    }

    fn filled_columns(&mut self, columns: WordColumns) -> Result<(), SinkError> {
        self.inner.filled_columns(columns)
    }

    fn encoded_run(&mut self, run: &EncodedRun<'_>) -> Result<(), SinkError> {
        // Without plotted series, the summary needs the run's final state only.
        let first = if self.plotted_ix.is_empty() {
            run.len().saturating_sub(1)
        } else {
            0
        };
        let mut values = std::mem::take(&mut self.scratch);
        for i in first..run.len() {
            if let Some(meta) = run.meta(i) {
                run.values(i, &mut values);
                self.observe(&meta, &values);
            }
        }
        self.scratch = values;
        self.inner.encoded_run(run)
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.close_run();
        self.inner.finish()
    }
}

/// Numpy's default percentile (linear interpolation) of sorted values.
pub(crate) fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q / 100.0 * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let frac = pos - lo as f64;
    sorted[lo] + (sorted[hi] - sorted[lo]) * frac
}

/// Mean, median, 5th and 95th percentiles; NaN values are left out.
pub(crate) fn stats(values: &[f64]) -> Option<[f64; 4]> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    Some([
        mean,
        percentile(&v, 50.0),
        percentile(&v, 5.0),
        percentile(&v, 95.0),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(clippy::float_cmp, reason = "exact values are the point")]
    fn finals_keep_record_order_across_chunks() {
        let mut f = Finals {
            width: 2,
            ..Finals::default()
        };
        let n = CHUNK_RUNS + 3;
        for k in 0..n {
            f.push(k / 10, k % 10 + 1, &[k as f64, -(k as f64)]);
        }
        assert_eq!(f.chunks.len(), 2);
        assert_eq!(f.iter().count(), n);
        let (s, r, v) = f.iter().nth(CHUNK_RUNS).unwrap();
        assert_eq!((s, r), (CHUNK_RUNS / 10, CHUNK_RUNS % 10 + 1));
        assert_eq!(v, &[CHUNK_RUNS as f64, -(CHUNK_RUNS as f64)]);
        // A failed run is left out of the completed ones, wherever its chunk.
        let failures = [(CHUNK_RUNS / 10, CHUNK_RUNS % 10 + 1)];
        assert_eq!(f.completed(failures).count(), n - 1);
        assert!(
            f.completed(failures)
                .all(|(_, v)| v[0] != CHUNK_RUNS as f64)
        );
    }

    #[test]
    #[expect(clippy::float_cmp, reason = "exact values are the point")]
    fn percentiles_as_numpy() {
        // np.percentile([1, 2, 3, 4], [5, 50, 95]) = [1.15, 2.5, 3.85]
        let s = stats(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!(s[0], 2.5);
        assert!((s[1] - 2.5).abs() < 1e-15);
        assert!((s[2] - 1.15).abs() < 1e-12 && (s[3] - 3.85).abs() < 1e-12);
        assert_eq!(stats(&[f64::NAN]), None);
    }
}
