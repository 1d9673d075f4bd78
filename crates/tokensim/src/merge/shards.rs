//! Which shards `tokensim merge` was given: each one's summary read, and the set checked to be
//! every shard of one experiment exactly once, naming what is different, missing or repeated.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::summary::Summary;

/// A shard's output directory and its summary.
pub(crate) struct Shard {
    pub(crate) dir: PathBuf,
    pub(crate) summary: Summary,
}

/// Reads every shard's `summary.json`, and checks that they are shards `0..N` of one
/// experiment (same experiment file, seed, model and finite check), each given once. Returns
/// them in shard order.
pub(crate) fn read(dirs: &[PathBuf]) -> Result<Vec<Shard>> {
    let mut shards = Vec::new();
    for dir in dirs {
        let path = dir.join("summary.json");
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "{} is not a finished tokensim output: cannot read {}",
                dir.display(),
                path.display()
            )
        })?;
        let summary = Summary::from_json(&text)
            .with_context(|| format!("{} is not a tokensim summary", path.display()))?;
        shards.push(Shard {
            dir: dir.clone(),
            summary,
        });
    }
    let Some(first) = shards.first() else {
        bail!("no shard to merge");
    };
    for s in &shards[1..] {
        same_experiment(first, s)?;
    }
    let count = first.summary.shard.count;
    let mut by_index: BTreeMap<usize, &Shard> = BTreeMap::new();
    for s in &shards {
        if let Some(other) = by_index.insert(s.summary.shard.index, s) {
            bail!(
                "shard {}/{count} is given twice: {} and {}",
                s.summary.shard.index,
                other.dir.display(),
                s.dir.display()
            );
        }
    }
    let missing: Vec<String> = (0..count)
        .filter(|i| !by_index.contains_key(i))
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        let (noun, verb) = if missing.len() == 1 {
            ("shard", "is")
        } else {
            ("shards", "are")
        };
        bail!(
            "cannot merge: {noun} {} {verb} missing (given: {})",
            missing.join(", "),
            shards
                .iter()
                .map(|s| format!("{}/{count} in {}", s.summary.shard.index, s.dir.display()))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    shards.sort_by_key(|s| s.summary.shard.index);
    Ok(shards)
}

/// `b` is a shard of the same experiment as `a`, with the same shard count.
fn same_experiment(a: &Shard, b: &Shard) -> Result<()> {
    let (x, y) = (&a.summary, &b.summary);
    let differ = |what: &str, p: &dyn std::fmt::Display, q: &dyn std::fmt::Display| {
        anyhow::anyhow!(
            "cannot merge shards of different experiments: {} has {what} {p}, {} has {q}",
            a.dir.display(),
            b.dir.display()
        )
    };
    if x.shard.count != y.shard.count {
        bail!(
            "cannot merge shards of different shard counts: {} is shard {}/{}, {} is shard {}/{}",
            a.dir.display(),
            x.shard.index,
            x.shard.count,
            b.dir.display(),
            y.shard.index,
            y.shard.count
        );
    }
    if x.model != y.model {
        return Err(differ("model", &x.model, &y.model));
    }
    if x.seed != y.seed {
        return Err(differ("seed", &x.seed, &y.seed));
    }
    if x.experiment != y.experiment {
        return Err(differ("experiment", &x.experiment, &y.experiment));
    }
    if x.check_finite != y.check_finite {
        return Err(differ("check_finite", &x.check_finite, &y.check_finite));
    }
    if x.experiment_file != y.experiment_file {
        let show = |s: &Summary| s.experiment_file.to_toml().unwrap_or_default();
        bail!(
            "cannot merge shards of different experiments: the experiment files of {} and {} differ:\n{}\n---\n{}",
            a.dir.display(),
            b.dir.display(),
            show(x),
            show(y)
        );
    }
    Ok(())
}

/// The shard's records file of that name, which must exist.
pub(crate) fn records(dir: &Path, name: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    if !path.is_file() {
        bail!(
            "{} has a summary but no {name}: not a whole tokensim output",
            dir.display()
        );
    }
    Ok(path)
}
