//! `cargo xtask slurm`: the Slurm job array of `docs/SCALING.md`, run on a real Slurm.
//!
//! A throw-away single-node cluster: `slurm-wlm` and `munge` (installed with apt-get when
//! missing), a `slurm.conf` for this host in a temporary directory (its CPUs and memory
//! detected, `SLURM_CONF` pointing at it), a fresh munge key, and `munged`, `slurmctld` and
//! `slurmd` started as this process's children on free ports. Each runs under a watchdog that
//! stops it if this process dies, and all are stopped at the end, on success, failure or
//! interrupt. The job script is the fenced block under "## Slurm job array" in
//! `docs/SCALING.md`, so changing the docs changes what runs.
//!
//! The workflow: the array for 3 shards of a small sweep in CSV and in Parquet, `merge`, and
//! the merged output compared with the unsharded run (records byte for byte, `summary.json`
//! but `elapsed_seconds`); then one task made to fail, `merge` refusing and naming the missing
//! shard, that task resubmitted, and the merge equal again.

mod cluster;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{project_root, run_cmd};

use self::cluster::Cluster;

/// Shards of the tested sweep.
const SHARDS: usize = 3;
/// Runs per subset of the tested sweep (the `honey` experiment's 9 subsets).
const RUNS: usize = 4;

pub(crate) fn run() -> Result<()> {
    let root = project_root();
    cluster::install()?;
    crate::build_cli()?;
    let bin = root.join("target/debug");
    let script = job_script(&root.join("docs/SCALING.md"))?;
    let work = root
        .join("target/slurm")
        .join(std::process::id().to_string());
    if work.exists() {
        fs::remove_dir_all(&work)?;
    }
    fs::create_dir_all(&work)?;
    fs::write(work.join("shards.sh"), &script)?;
    let result = Cluster::start(&work.join("cluster")).and_then(|cluster| {
        let run = Run {
            cluster: &cluster,
            work: &work,
            bin: &bin,
        };
        let r = run.workflow();
        if r.is_err() {
            cluster.show_logs();
        }
        r
    });
    if result.is_ok() {
        fs::remove_dir_all(&work).ok();
    }
    result?;
    eprintln!(
        "slurm: the job array of docs/SCALING.md ran on Slurm; merged shards equal the unsharded run in CSV and Parquet, and a failed task was recovered"
    );
    Ok(())
}

/// The ```sh block under `## Slurm job array` in the scaling guide.
fn job_script(doc: &Path) -> Result<String> {
    let text = fs::read_to_string(doc).with_context(|| format!("cannot read {}", doc.display()))?;
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("Slurm job array"))
        .with_context(|| format!("{} has no `## Slurm job array` section", doc.display()))?;
    let start = section
        .find("```sh\n")
        .with_context(|| format!("{}: the Slurm section has no ```sh block", doc.display()))?;
    let body = &section[start + 6..];
    let end = body
        .find("\n```")
        .with_context(|| format!("{}: the Slurm script's block is not closed", doc.display()))?;
    Ok(body[..=end].to_owned())
}

/// One run of the workflow on a started cluster.
struct Run<'a> {
    cluster: &'a Cluster,
    work: &'a Path,
    /// Where the `tokensim` binary is (put first on the jobs' `PATH`).
    bin: &'a Path,
}

impl Run<'_> {
    fn workflow(&self) -> Result<()> {
        for format in ["csv", "parquet"] {
            let out = self.work.join(format!("results-{format}"));
            self.submit(&out, format, None)?;
            let whole = self.work.join(format!("whole-{format}"));
            self.tokensim(&[
                "run",
                "honey",
                "--runs",
                &RUNS.to_string(),
                "--format",
                format,
                "--quiet",
                "--out",
                &path(&whole),
            ])?;
            self.merge_and_compare(&out, &whole, format)?;
        }
        self.recovery()
    }

    /// Makes task 1 fail (its output path is a file), checks that `merge` names the missing
    /// shard, resubmits task 1 alone, and merges again.
    fn recovery(&self) -> Result<()> {
        let format = "csv";
        let out = self.work.join("results-recovery");
        fs::create_dir_all(&out)?;
        let blocked = out.join("shard-1");
        fs::write(&blocked, "not a directory")?;
        if self.submit(&out, format, None).is_ok() {
            bail!("the array with a blocked output path succeeded; task 1 should have failed");
        }
        let log = fs::read_to_string(self.log(&out, 1)).unwrap_or_default();
        if !log.contains("shard-1") {
            bail!("task 1's log does not say why it failed:\n{log}");
        }
        // The cause removed, the shards merged as the docs do (`shard-*`): shard 1 is missing.
        fs::remove_file(&blocked)?;
        let refused = self.merge(&out)?;
        if refused.status.success()
            || !String::from_utf8_lossy(&refused.stderr).contains("shard 1/3 is missing")
        {
            bail!(
                "merge did not refuse the missing shard 1/3: {}",
                String::from_utf8_lossy(&refused.stderr)
            );
        }
        self.submit(&out, format, Some("1"))?;
        self.merge_and_compare(&out, &self.work.join("whole-csv"), format)
    }

    /// Submits the docs' script for `SHARDS` shards into `out` (or only `tasks`), waits for
    /// every task, and fails with a failed task's log.
    fn submit(&self, out: &Path, format: &str, tasks: Option<&str>) -> Result<()> {
        fs::create_dir_all(out)?;
        let array = tasks.map_or_else(|| format!("0-{}", SHARDS - 1), str::to_owned);
        let path_var = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let export = format!(
            "ALL,EXPERIMENT=honey,SHARDS={SHARDS},RUNS={RUNS},FORMAT={format},OUT={}",
            path(out)
        );
        let output = self
            .cluster
            .command("sbatch")
            .args([
                "--wait",
                &format!("--array={array}"),
                "--cpus-per-task=1",
                &format!("--output={}/slurm-%A_%a.out", path(out)),
                &format!("--export={export}"),
                &path(&self.work.join("shards.sh")),
            ])
            .env("PATH", path_var)
            .current_dir(out)
            .output()
            .context("cannot run sbatch")?;
        eprint!("{}", String::from_utf8_lossy(&output.stdout));
        if output.status.success() {
            return Ok(());
        }
        let tasks: Vec<usize> = match tasks {
            Some(t) => t.split(',').filter_map(|x| x.parse().ok()).collect(),
            None => (0..SHARDS).collect(),
        };
        let failed: Vec<String> = tasks
            .iter()
            .filter(|t| !out.join(format!("shard-{t}")).is_dir())
            .map(|t| {
                let log = fs::read_to_string(self.log(out, *t)).unwrap_or_default();
                format!("task {t}:\n{log}")
            })
            .collect();
        bail!(
            "the job array failed ({}): {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim(),
            failed.join("\n")
        )
    }

    /// Task `task`'s log in `out`.
    fn log(&self, out: &Path, task: usize) -> PathBuf {
        fs::read_dir(out)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().ends_with(&format!("_{task}.out")))
            })
            .unwrap_or_else(|| out.join(format!("slurm-unknown_{task}.out")))
    }

    /// `tokensim merge OUT/merged OUT/shard-*`, the glob as a shell expands it.
    fn merge(&self, out: &Path) -> Result<std::process::Output> {
        let mut shards: Vec<String> = fs::read_dir(out)?
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("shard-"))
            .map(|e| path(&e.path()))
            .collect();
        shards.sort();
        let mut args = vec![
            "merge".to_owned(),
            path(&out.join("merged")),
            "--quiet".into(),
        ];
        args.extend(shards);
        Command::new(self.bin.join("tokensim"))
            .args(&args)
            .output()
            .context("cannot run tokensim merge")
    }

    /// Merges the shards in `out` and compares with the unsharded output `whole`.
    fn merge_and_compare(&self, out: &Path, whole: &Path, format: &str) -> Result<()> {
        let merged = self.merge(out)?;
        if !merged.status.success() {
            bail!("merge failed: {}", String::from_utf8_lossy(&merged.stderr));
        }
        let records = format!("records.{format}");
        if fs::read(whole.join(&records))? != fs::read(out.join("merged").join(&records))? {
            bail!("{format}: the merged records differ from the unsharded run's");
        }
        let summary = |d: &Path| -> Result<String> {
            Ok(fs::read_to_string(d.join("summary.json"))?
                .lines()
                .filter(|l| !l.contains("\"elapsed_seconds\""))
                .collect::<Vec<_>>()
                .join("\n"))
        };
        if summary(whole)? != summary(&out.join("merged"))? {
            bail!("{format}: the merged summary differs from the unsharded run's");
        }
        eprintln!("slurm: {format}: {SHARDS} shards merged equal the unsharded run");
        Ok(())
    }

    fn tokensim(&self, args: &[&str]) -> Result<()> {
        run_cmd(Command::new(self.bin.join("tokensim")).args(args))
    }
}

fn path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_job_script_is_read_from_the_scaling_guide() {
        let script = job_script(&project_root().join("docs/SCALING.md")).unwrap();
        assert!(script.starts_with("#!/bin/bash\n#SBATCH"), "{script}");
        assert!(
            script.contains("--shard \"${SLURM_ARRAY_TASK_ID}/${SHARDS}\""),
            "{script}"
        );
        assert!(script.ends_with('\n') && !script.contains("```"));
    }
}
