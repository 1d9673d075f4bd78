//! The differential tester: the contracts' own bytecode as the oracle for our math crates.
//!
//! For every function of the harnesses of `../shared/evm` (Carbon's `CarbonHarness` and
//! carbon-contracts' own `TestStrategies`, Notional v1's `NotionalV1Harness`, Notional v2's
//! `NotionalV2Harness`), it draws inputs with
//! proptest over the whole ABI domain ([`inputs`]), calls the bytecode in revm ([`evm`]) and our
//! function of the same name (the table of `conformance::contract`, which the `*-evm`
//! conformance suites also use), and compares: the same output words, or both fail. A mismatch
//! is shrunk and printed as a regression test for `tests/regressions.rs`, whose cases [`check`]
//! runs without an EVM.
//!
//! It is its own crate (`publish = false`) so that revm is in no library crate's dependencies.
//! `cargo xtask diff [--cases N] [--seed S] [--suite carbon|notional-v1|notional-v2]` runs it;
//! docs/CONFORMANCE.md has the figures.
//!
//! ```
//! use differential::{Expect, check};
//!
//! // Carbon's addFee at the default 0.4 %: ⌈1000 · 1e6 / 996000⌉ = 1005, as the contract.
//! check("carbon-evm", "addFee", &["1000", "4000"], Expect::Returns(&["1005"]));
//! // A fee above 100 % underflows in the contract (panic 0x11); ours refuses it.
//! check("carbon-evm", "addFee", &["1000", "1000001"], Expect::Fails("panic 0x11"));
//! ```

pub mod evm;
pub mod inputs;
pub mod run;

use conformance::contract::{self, abi};

/// What the contract did with a regression case.
#[derive(Debug, Clone, Copy)]
pub enum Expect<'a> {
    /// It returned these outputs (as the suites write them).
    Returns(&'a [&'a str]),
    /// It reverted or halted, for this reason (for the reader; any error of ours matches).
    Fails(&'a str),
}

/// Checks our function for `suite`'s harness function `function` on `args` (the flattened
/// arguments as the suites write them) against what the contract did.
///
/// # Panics
/// When ours disagrees, or the suite, function or arguments are not the harness's: this is the
/// body of a test.
pub fn check(suite: &str, function: &str, args: &[&str], expect: Expect<'_>) {
    let harness = contract::harness(suite).unwrap_or_else(|| panic!("no harness for {suite}"));
    let f = harness
        .function(function)
        .unwrap_or_else(|| panic!("{} has no {function}", harness.contract));
    let words = abi::words(f.signature, args).unwrap_or_else(|e| panic!("{function}: {e:#}"));
    let ours = (f.ours)(&words);
    match (expect, ours) {
        (Expect::Returns(want), Ok(got)) => {
            assert_eq!(run::show_outputs(f, &got), want, "{function}{args:?}");
        }
        (Expect::Fails(_), Err(_)) => {}
        (Expect::Returns(want), Err(e)) => {
            panic!("{function}{args:?}: the contract returns {want:?}, ours fails: {e}")
        }
        (Expect::Fails(why), Ok(got)) => panic!(
            "{function}{args:?}: the contract fails ({why}), ours returns {:?}",
            run::show_outputs(f, &got)
        ),
    }
}
