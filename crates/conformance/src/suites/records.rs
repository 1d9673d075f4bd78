//! Reading cadCAD records from CSV, and comparing floats the way the suites ask.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};

/// A CSV of records: its header and rows of raw fields.
pub(crate) struct Table {
    pub(crate) columns: Vec<String>,
    index: HashMap<String, usize>,
    pub(crate) rows: Vec<csv::StringRecord>,
}

impl Table {
    pub(crate) fn read(path: &Path) -> Result<Self> {
        let mut reader = csv::Reader::from_path(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let columns: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
        let index = columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i))
            .collect();
        let rows = reader
            .records()
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("cannot parse {}", path.display()))?;
        Ok(Self {
            columns,
            index,
            rows,
        })
    }

    pub(crate) fn col(&self, name: &str) -> Result<usize> {
        self.index
            .get(name)
            .copied()
            .with_context(|| format!("no column `{name}`"))
    }

    pub(crate) fn float(&self, row: usize, col: usize) -> Result<f64> {
        let s = &self.rows[row][col];
        parse_float(s).with_context(|| format!("row {}: `{s}` is not a number", row + 1))
    }

    pub(crate) fn int(&self, row: usize, col: usize) -> Result<usize> {
        let s = &self.rows[row][col];
        s.parse()
            .with_context(|| format!("row {}: `{s}` is not an index", row + 1))
    }
}

/// pandas writes NaN as an empty field.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    match s {
        "" | "nan" | "NaN" => Some(f64::NAN),
        _ => s.parse().ok(),
    }
}

/// `|got − expected| ≤ rel·max(|got|, |expected|)`, or `≤ abs` (NaN equals NaN).
pub(crate) fn close(expected: f64, got: f64, rel: f64, abs: f64) -> bool {
    if expected.is_nan() || got.is_nan() {
        return expected.is_nan() && got.is_nan();
    }
    if expected.to_bits() == got.to_bits() || (expected == 0.0 && got == 0.0) {
        return true;
    }
    let gap = (expected - got).abs();
    gap <= abs || gap <= rel * expected.abs().max(got.abs())
}
