//! The `fei-dirichlet` suite: `scipy.stats.dirichlet.rvs(alpha, size=1, random_state=timestep)`
//! as the seed's exogenous weight policy calls it, bit for bit.
//!
//! The file names each group of draws by its concentration: `alpha_1111` is `α = [1, 1, 1, 1]`
//! (one digit per entry), with entries `{timestep, perturbation}`; a suffix `_t<a>_<b>` (as in
//! `alpha_111_t0_30`) marks a bare list of perturbations for timesteps `a..=b`. An entry may
//! also carry its own `alpha`. A key that names no concentration this way is a failure.

use std::path::Path;

use anyhow::{Context, Result, bail};
use fei_cam::numpy_dirichlet;
use serde_json::{Map, Value};

use crate::runner::{FileReport, Suite};

pub(crate) const SUITE: Suite = Suite {
    name: "fei-dirichlet",
    run_file,
};

/// The first and last timestep of a bare list of draws.
type Timesteps = Option<(u32, u32)>;

/// The concentration and timesteps a group key names.
fn parse_key(key: &str) -> Result<(Vec<f64>, Timesteps)> {
    let rest = key
        .strip_prefix("alpha_")
        .with_context(|| format!("`{key}` is not an alpha group"))?;
    let mut parts = rest.split('_');
    let digits = parts.next().unwrap_or_default();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        bail!("`{key}`: `{digits}` is not one digit per concentration entry");
    }
    let alpha = digits.bytes().map(|b| f64::from(b - b'0')).collect();
    let range = match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => None,
        (Some(start), Some(end), None) => {
            let start = start
                .strip_prefix('t')
                .with_context(|| format!("`{key}`: no `t` before the first timestep"))?;
            Some((start.parse()?, end.parse()?))
        }
        _ => bail!("`{key}` is not `alpha_<digits>[_t<first>_<last>]`"),
    };
    Ok((alpha, range))
}

fn floats(v: &Value) -> Option<Vec<f64>> {
    v.as_array()?.iter().map(Value::as_f64).collect()
}

fn run_file(path: &Path) -> Result<FileReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let root: Map<String, Value> = serde_json::from_str(&text).context("not a JSON object")?;
    let mut report = FileReport::default();
    for (key, value) in &root {
        if matches!(key.as_str(), "description" | "algorithm") {
            continue;
        }
        let group = match (parse_key(key), value.as_array()) {
            (Ok(parsed), Some(entries)) => (parsed, entries),
            (Err(e), _) => {
                report.fail(key.clone(), "an alpha group", format!("{e:#}"));
                continue;
            }
            (_, None) => {
                report.fail(key.clone(), "a list of draws", "not a list");
                continue;
            }
        };
        let ((alpha, range), entries) = group;
        if let Some((first, last)) = range {
            let expected_len = u64::from(last.saturating_sub(first)) + 1;
            if entries.len() as u64 != expected_len {
                report.fail(
                    format!("{key}.len"),
                    expected_len,
                    format!("{} draws", entries.len()),
                );
            }
        }
        for (k, entry) in entries.iter().enumerate() {
            let (timestep, expected, alpha) = if let Some(list) = floats(entry) {
                let Some((first, _)) = range else {
                    report.fail(
                        format!("{key}[{k}]"),
                        "an entry with a timestep",
                        "a bare list",
                    );
                    continue;
                };
                let t = u32::try_from(k).ok().and_then(|k| first.checked_add(k));
                (t, Some(list), alpha.clone())
            } else {
                let t = entry
                    .get("timestep")
                    .and_then(Value::as_u64)
                    .and_then(|t| u32::try_from(t).ok());
                let own = entry.get("alpha").and_then(floats);
                let p = entry.get("perturbation").and_then(floats);
                (t, p, own.unwrap_or_else(|| alpha.clone()))
            };
            let (Some(timestep), Some(expected)) = (timestep, expected) else {
                report.fail(
                    format!("{key}[{k}]"),
                    "a timestep and a perturbation",
                    "neither",
                );
                continue;
            };
            let case = format!("{key} t={timestep}");
            match numpy_dirichlet(&alpha, timestep) {
                Ok(got)
                    if got.len() == expected.len()
                        && got
                            .iter()
                            .zip(&expected)
                            .all(|(g, e)| g.to_bits() == e.to_bits()) =>
                {
                    report.passed += 1;
                }
                Ok(got) => report.fail(case, format!("{expected:?}"), format!("{got:?}")),
                Err(e) => report.fail(case, format!("{expected:?}"), format!("error: {e}")),
            }
        }
    }
    Ok(report)
}
