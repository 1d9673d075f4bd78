//! `differential`: runs the differential tests (see the library's docs).
//!
//! ```text
//! differential [--cases N] [--seed S] [--suite carbon|notional-v1|notional-v2]...
//!              [--function NAME]... [--threads N] [--evm-dir DIR]
//! ```
//!
//! `differential call SUITE FUNCTION ARG...` runs one case on both sides and prints it with its
//! regression test.
//!
//! `--cases` is per function (default 10 000), `--seed` defaults to 1, `--threads` to the
//! machine's cores, `--evm-dir` to `$TOKENSIM_EVM_DIR`, then `../shared/evm` beside the
//! repository. It prints one line per function (cases, both-failed, mismatches, and ours and the
//! EVM's cases per second on one core), each mismatch with a regression test, and exits 1 on a
//! mismatch, 2 on bad arguments or a missing contract.

#![expect(clippy::print_stdout, reason = "a command-line tool reports on stdout")]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use conformance::contract::HARNESSES;
use differential::evm::Called;
use differential::run::{self, Options, Report};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "call") {
        return match call(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("differential: {e:#}");
                ExitCode::from(2)
            }
        };
    }
    let opts = match parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("differential: {e:#}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let reports = match run::run(&opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("differential: {e:#}");
            return ExitCode::from(2);
        }
    };
    print(&opts, &reports, start.elapsed());
    if reports.iter().any(|r| !r.mismatches.is_empty()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `call SUITE FUNCTION ARG...`: one case on both sides, and its regression test.
fn call(args: &[String]) -> Result<()> {
    let [suite, function, rest @ ..] = args else {
        bail!(
            "call SUITE FUNCTION ARG... (SUITE: carbon, carbon-test-strategies, notional-v1, notional-v2)"
        );
    };
    // `carbon` names the suite's harness, `carbon-evm` or `carbon-test-strategies` any harness.
    let suite = match conformance::contract::harness(suite) {
        Some(h) => h.suite.to_owned(),
        None => format!("{suite}-evm"),
    };
    let harness =
        conformance::contract::harness(&suite).with_context(|| format!("no suite {suite}"))?;
    let f = harness
        .function(function)
        .with_context(|| format!("no function {function}"))?;
    let words = conformance::contract::abi::words(f.signature, rest)?;
    let evm_dir = parse(&[])?.evm_dir;
    let contract = differential::evm::Contract::load(&evm_dir, harness)?.call(f, &words)?;
    let ours = (f.ours)(&words);
    let m = run::Mismatch {
        args: words,
        contract,
        ours,
    };
    print_case(f, &m);
    println!("{}", run::regression_test(&suite, f, &m));
    Ok(())
}

fn print_case(f: &conformance::contract::Function, m: &run::Mismatch) {
    match &m.contract {
        Called::Returned(ws) => println!("  contract returns {:?}", run::show_outputs(f, ws)),
        Called::Reverted(why) => println!("  contract reverts: {why}"),
        Called::Halted(why) => println!("  contract halts: {why}"),
    }
    match &m.ours {
        Ok(ws) => println!("  ours returns     {:?}", run::show_outputs(f, ws)),
        Err(e) => println!("  ours fails: {e}"),
    }
}

fn parse(args: &[String]) -> Result<Options> {
    let mut opts = Options {
        cases: 10_000,
        seed: 1,
        harnesses: Vec::new(),
        functions: Vec::new(),
        threads: std::thread::available_parallelism().map_or(1, usize::from),
        evm_dir: std::env::var_os("TOKENSIM_EVM_DIR").map_or_else(
            || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/evm")),
            PathBuf::from,
        ),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--cases" => opts.cases = value()?.parse().context("--cases takes a number")?,
            "--seed" => opts.seed = value()?.parse().context("--seed takes a number")?,
            "--threads" => opts.threads = value()?.parse().context("--threads takes a number")?,
            "--evm-dir" => opts.evm_dir = PathBuf::from(value()?),
            "--function" => opts.functions.push(value()?.clone()),
            "--suite" => {
                let name = value()?;
                // `carbon` is every harness named `carbon-…`: the suite's and TestStrategies.
                let prefix = format!("{name}-");
                let before = opts.harnesses.len();
                opts.harnesses
                    .extend(HARNESSES.iter().filter(|h| h.suite.starts_with(&prefix)));
                if opts.harnesses.len() == before {
                    bail!("no suite {name} (carbon, notional-v1, notional-v2)");
                }
            }
            other => bail!("unexpected argument `{other}`"),
        }
    }
    if opts.harnesses.is_empty() {
        opts.harnesses = HARNESSES.iter().collect();
    }
    for name in &opts.functions {
        if !opts.harnesses.iter().any(|h| h.function(name).is_some()) {
            bail!("no function {name} in the suites chosen");
        }
    }
    Ok(opts)
}

fn per_second(cases: u64, time: Duration) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "a rate to print")]
    let cases = cases as f64;
    cases / time.as_secs_f64().max(1e-9)
}

fn print(opts: &Options, reports: &[Report], elapsed: Duration) {
    println!(
        "differential: {} cases per function, seed {}, {} threads, {}",
        opts.cases,
        opts.seed,
        opts.threads,
        opts.evm_dir.display()
    );
    println!(
        "{:<22} {:<31} {:>9} {:>9} {:>10} {:>12} {:>12} {:>7}",
        "suite", "function", "cases", "both fail", "mismatches", "ours/s", "evm/s", "ratio"
    );
    let mut total = 0;
    for r in reports {
        let (ours, evm) = (per_second(r.cases, r.ours), per_second(r.cases, r.evm));
        println!(
            "{:<22} {:<31} {:>9} {:>9} {:>10} {:>12.0} {:>12.0} {:>6.0}×",
            r.suite,
            r.function,
            r.cases,
            r.both_failed,
            r.mismatches.len(),
            ours,
            evm,
            ours / evm
        );
        total += r.cases;
    }
    let mismatches: usize = reports.iter().map(|r| r.mismatches.len()).sum();
    println!(
        "{total} cases, {mismatches} mismatches in {:.1} s",
        elapsed.as_secs_f64()
    );
    for r in reports {
        let harness = HARNESSES.iter().find(|h| h.suite == r.suite);
        let Some(f) = harness.and_then(|h| h.function(r.function)) else {
            continue;
        };
        for m in &r.mismatches {
            println!(
                "\nMISMATCH {} {}({})",
                r.suite,
                r.function,
                run::show_args(f, &m.args).join(", ")
            );
            print_case(f, m);
            println!(
                "  regression test (tests/regressions.rs; name its cause):\n{}",
                run::regression_test(r.suite, f, m)
            );
        }
    }
}
