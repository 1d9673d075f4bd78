//! The runner of the contract-bytecode suites (`carbon-evm`, `notional-v1-evm`,
//! `notional-v2-evm`, schema `evm-cases/1`): each case calls our function for its harness
//! function ([`conformance::contract`]) with the same integers and passes when every output is
//! equal, or when ours fails where the contract reverted or halted.

use std::path::Path;

use anyhow::{Context, Result, bail};
use conformance::contract::{self, Harness, abi};
use serde::Deserialize;
use serde_json::Value;

use crate::runner::FileReport;

#[derive(Deserialize)]
struct File {
    schema: String,
    functions: serde_json::Map<String, Value>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    #[serde(rename = "fn")]
    function: String,
    args: Value,
    expected: Value,
}

/// Runs one `cases.json` of `suite`.
pub(crate) fn run_file(path: &Path, suite: &str) -> Result<FileReport> {
    let harness = contract::harness(suite).with_context(|| format!("no harness for {suite}"))?;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: File = serde_json::from_str(&text).context("not an evm-cases file")?;
    if file.schema != "evm-cases/1" {
        bail!("schema `{}`, not evm-cases/1", file.schema);
    }
    let mut report = FileReport::default();
    for case in &file.cases {
        match run_case(harness, &file, case) {
            Ok(None) => report.passed += 1,
            Ok(Some((expected, got))) => report.fail(&case.id, expected, got),
            Err(e) => report.fail(&case.id, "a runnable case", format!("{e:#}")),
        }
    }
    Ok(report)
}

/// `None` when the case passes, else what was expected and what we gave.
fn run_case(harness: &Harness, file: &File, case: &Case) -> Result<Option<(String, String)>> {
    let f = harness
        .function(&case.function)
        .with_context(|| format!("no function `{}` in {}", case.function, harness.contract))?;
    let header = file
        .functions
        .get(&case.function)
        .with_context(|| format!("`{}` is not in the file's functions", case.function))?;
    let args = flat_args(header, &case.args)?;
    let words = abi::words(f.signature, &args)?;
    let got = (f.ours)(&words);
    let expected = &case.expected;
    if let Some(ok) = expected.get("ok") {
        let want: Vec<&str> = ok
            .as_array()
            .context("expected.ok is a list")?
            .iter()
            .map(|v| v.as_str().context("outputs are strings"))
            .collect::<Result<_>>()?;
        return Ok(match got {
            Ok(ws) => {
                let shown = abi::texts(f.outputs, &ws);
                (shown != want).then(|| (want.join(","), shown.join(",")))
            }
            Err(e) => Some((want.join(","), format!("error: {e}"))),
        });
    }
    let reason = expected
        .get("revert")
        .map(|r| format!("revert {r}"))
        .or_else(|| expected.get("halt").map(|h| format!("halt {h}")))
        .context("expected is ok, revert or halt")?;
    Ok(match got {
        Err(_) => None,
        Ok(ws) => Some((reason, abi::texts(f.outputs, &ws).join(","))),
    })
}

/// The case's arguments in ABI order, tuples flattened, from the header's input names.
fn flat_args(header: &Value, args: &Value) -> Result<Vec<String>> {
    let inputs = header
        .get("inputs")
        .and_then(Value::as_array)
        .context("functions.<fn>.inputs")?;
    let mut out = Vec::new();
    flatten(inputs, args, &mut out)?;
    Ok(out)
}

fn flatten(params: &[Value], args: &Value, out: &mut Vec<String>) -> Result<()> {
    for p in params {
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .context("input name")?;
        let v = args
            .get(name)
            .with_context(|| format!("argument `{name}` is missing"))?;
        match p.get("components").and_then(Value::as_array) {
            Some(components) => flatten(components, v, out)?,
            None => out.push(v.as_str().context("arguments are strings")?.to_owned()),
        }
    }
    Ok(())
}
