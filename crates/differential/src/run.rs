//! Running the comparison: for each harness function, `cases` inputs drawn by proptest in
//! batches, each batch from its own seed `(seed, function, batch)` so the same seed draws the
//! same cases on any number of threads; the batches spread over the threads, each with its own
//! EVM. A mismatch is shrunk by proptest to a small case and reported with a regression test to
//! paste.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use conformance::contract::{Function, Harness, Outcome, Word, abi};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use crate::evm::{Called, Contract};
use crate::inputs;

/// Cases per batch: one proptest run, one seed.
const BATCH: u64 = 2_000;

/// What to run.
pub struct Options {
    /// Cases per function.
    pub cases: u64,
    /// The seed every batch's seed derives from.
    pub seed: u64,
    /// The harnesses to run.
    pub harnesses: Vec<&'static Harness>,
    /// Only these functions, if any are named.
    pub functions: Vec<String>,
    /// Worker threads.
    pub threads: usize,
    /// The `../shared/evm` folder.
    pub evm_dir: PathBuf,
}

/// One function's result.
pub struct Report {
    /// The harness's suite.
    pub suite: &'static str,
    /// The function.
    pub function: &'static str,
    /// Cases compared.
    pub cases: u64,
    /// Cases where the contract reverted or halted (and ours failed too).
    pub both_failed: u64,
    /// Shrunk mismatches, at most one per batch.
    pub mismatches: Vec<Mismatch>,
    /// Time in our function, summed over threads.
    pub ours: Duration,
    /// Time in the EVM, summed over threads.
    pub evm: Duration,
}

/// A case where ours and the contract disagree, after shrinking.
pub struct Mismatch {
    /// The arguments.
    pub args: Vec<Word>,
    /// What the contract did.
    pub contract: Called,
    /// What ours gave.
    pub ours: Outcome,
}

/// Whether our outcome is the contract's: the same words, or both failed.
#[must_use]
pub fn agree(ours: &Outcome, contract: &Called) -> bool {
    match (ours, contract) {
        (Ok(a), Called::Returned(b)) => a == b,
        (Err(_), Called::Reverted(_) | Called::Halted(_)) => true,
        _ => false,
    }
}

/// Tallies of one batch.
#[derive(Default)]
struct Tally {
    cases: u64,
    both_failed: u64,
    ours: Duration,
    evm: Duration,
}

/// Runs every function of every harness in `opts`.
///
/// # Errors
/// A harness whose bytecode cannot be loaded, or an EVM that refuses a call.
pub fn run(opts: &Options) -> Result<Vec<Report>> {
    let mut reports = Vec::new();
    for harness in &opts.harnesses {
        // Load once here so a missing file is one clear error before any thread starts.
        Contract::load(&opts.evm_dir, harness)?;
        for f in harness.functions {
            if !opts.functions.is_empty() && !opts.functions.iter().any(|n| n == f.name) {
                continue;
            }
            reports.push(run_function(opts, harness, f)?);
        }
    }
    Ok(reports)
}

fn run_function(opts: &Options, harness: &'static Harness, f: &'static Function) -> Result<Report> {
    let batches = opts.cases.div_ceil(BATCH);
    let next = AtomicUsize::new(0);
    let total = Mutex::new((Tally::default(), Vec::new()));
    std::thread::scope(|scope| -> Result<()> {
        let workers: Vec<_> = (0..opts.threads.max(1))
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    let mut contract = Contract::load(&opts.evm_dir, harness)?;
                    let strategy = inputs::strategy(f);
                    loop {
                        let b = next.fetch_add(1, Ordering::Relaxed) as u64;
                        if b >= batches {
                            return Ok(());
                        }
                        let n = BATCH.min(opts.cases - b * BATCH);
                        let (tally, mismatch) =
                            batch(opts.seed, f, b, n, &strategy, &mut contract)?;
                        let mut t = total.lock().expect("no worker panics holding it");
                        t.0.cases += tally.cases;
                        t.0.both_failed += tally.both_failed;
                        t.0.ours += tally.ours;
                        t.0.evm += tally.evm;
                        t.1.extend(mismatch);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join()
                .map_err(|_| anyhow::anyhow!("a worker panicked"))??;
        }
        Ok(())
    })?;
    let (tally, mismatches) = total.into_inner().expect("workers are done");
    Ok(Report {
        suite: harness.suite,
        function: f.name,
        cases: tally.cases,
        both_failed: tally.both_failed,
        mismatches,
        ours: tally.ours,
        evm: tally.evm,
    })
}

/// The seed of batch `b` of `f`: the run's seed and the function's name and the batch, mixed.
fn batch_seed(seed: u64, f: &Function, b: u64) -> [u8; 32] {
    // FNV-1a over the name, then SplitMix64 steps: stable across platforms and versions.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in f.name.bytes() {
        h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut state = seed ^ h ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut out = [0u8; 32];
    for chunk in out.chunks_exact_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

/// One batch: `n` cases under proptest, shrinking the first mismatch.
fn batch(
    seed: u64,
    f: &'static Function,
    b: u64,
    n: u64,
    strategy: &proptest::strategy::BoxedStrategy<Vec<Word>>,
    contract: &mut Contract,
) -> Result<(Tally, Option<Mismatch>)> {
    let config = Config {
        cases: u32::try_from(n).unwrap_or(u32::MAX),
        failure_persistence: None,
        max_shrink_iters: 10_000,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &batch_seed(seed, f, b));
    let mut runner = TestRunner::new_with_rng(config, rng);
    // proptest's test is an `Fn`: the EVM and the tallies are borrowed mutably inside it.
    let cell = RefCell::new((&mut *contract, Tally::default(), None));
    let result = runner.run(strategy, |args| {
        let mut guard = cell.borrow_mut();
        let (contract, tally, evm_error) = &mut *guard;
        let t0 = Instant::now();
        let ours = (f.ours)(&args);
        let t1 = Instant::now();
        let called = match contract.call(f, &args) {
            Ok(c) => c,
            Err(e) => {
                *evm_error = Some(e);
                return Err(TestCaseError::fail("the EVM refused the call"));
            }
        };
        tally.ours += t1 - t0;
        tally.evm += t1.elapsed();
        tally.cases += 1;
        if ours.is_err() && !matches!(called, Called::Returned(_)) {
            tally.both_failed += 1;
        }
        if agree(&ours, &called) {
            Ok(())
        } else {
            Err(TestCaseError::fail("mismatch"))
        }
    });
    let (contract, mut tally, evm_error) = cell.into_inner();
    if let Some(e) = evm_error {
        return Err(e);
    }
    let mismatch = match result {
        Ok(()) => None,
        Err(TestError::Fail(_, args)) => {
            let ours = (f.ours)(&args);
            let contract = contract.call(f, &args)?;
            Some(Mismatch {
                args,
                contract,
                ours,
            })
        }
        Err(TestError::Abort(why)) => anyhow::bail!("proptest aborted: {why}"),
    };
    // Shrinking re-runs cases; count each drawn case once.
    tally.cases = tally.cases.min(n);
    Ok((tally, mismatch))
}

/// `args` as the signature's types write them.
#[must_use]
pub fn show_args(f: &Function, args: &[Word]) -> Vec<String> {
    abi::texts(f.signature, args)
}

/// Output words as the function's output types write them.
#[must_use]
pub fn show_outputs(f: &Function, ws: &[Word]) -> Vec<String> {
    abi::texts(f.outputs, ws)
}

/// A regression test reproducing `m`, to paste into `crates/differential/tests/regressions.rs`.
#[must_use]
pub fn regression_test(suite: &str, f: &Function, m: &Mismatch) -> String {
    let args = show_args(f, &m.args)
        .iter()
        .map(|a| format!("\"{a}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let expect = match &m.contract {
        Called::Returned(ws) => format!(
            "Expect::Returns(&[{}])",
            show_outputs(f, ws)
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Called::Reverted(why) | Called::Halted(why) => format!("Expect::Fails({why:?})"),
    };
    let name = f
        .name
        .chars()
        .flat_map(|c| {
            if c.is_ascii_uppercase() {
                vec!['_', c.to_ascii_lowercase()]
            } else {
                vec![c]
            }
        })
        .collect::<String>();
    format!(
        "#[test]\nfn {name}_CAUSE() {{\n    check(\"{suite}\", \"{}\", &[{args}], {expect});\n}}",
        f.name
    )
}
