//! `cargo xtask bench`: every criterion bench in full, then where the reports are.

use anyhow::Result;

use crate::{cargo, project_root, run_cmd};

pub(crate) fn run() -> Result<()> {
    run_cmd(&mut cargo(&["bench", "--workspace", "--locked"]))?;
    let report = project_root().join("target/criterion/report/index.html");
    eprintln!("criterion reports: {}", report.display());
    eprintln!(
        "record figures in docs/PERFORMANCE.md as ratios against the baseline of the same run"
    );
    Ok(())
}
