//! The harness functions of `../shared/evm`, each paired with the function of our crates that
//! re-creates it: the one table both the `*-evm` conformance suites and the differential tester
//! (`crates/differential`, which runs the bytecode in revm) call.
//!
//! A harness function takes and returns static ABI words ([`abi`]); [`Function::ours`] takes the
//! same words, calls our crate and gives the contract's outputs, or an error where the contract
//! reverts or halts. What maps to what (our error kinds to the contract's reverts, and the
//! contract's "failure" return values to our errors) is in each module and in
//! docs/CONFORMANCE.md.

pub mod abi;
mod carbon;
mod notional_v1;
mod notional_v2;

pub use abi::{Ty, Word};

/// The block time the contracts are called at (`block.timestamp`): v2's `calculateTrade`
/// records it as the market's `previousTradeTime`.
pub const BLOCK_TIMESTAMP: u64 = 1_700_000_000;

/// What our side of a call gives: the contract's output words, or our error where the contract
/// reverts or halts.
pub type Outcome = Result<Vec<Word>, String>;

/// One harness function.
pub struct Function {
    /// The harness function's name (the cases' `fn`).
    pub name: &'static str,
    /// Its Solidity signature, whose flattened argument types are the words `ours` takes.
    pub signature: &'static str,
    /// Its output types as a parenthesised list, flattened as the ABI returns them.
    pub outputs: &'static str,
    /// Our crate's function for the same words.
    pub ours: fn(&[Word]) -> Outcome,
}

/// One harness contract: its suite, its folder in `../shared/evm` and its functions.
pub struct Harness {
    /// The conformance suite of its golden cases (`carbon-evm`), or the harness's name where
    /// it has none (`carbon-test-strategies`).
    pub suite: &'static str,
    /// The folder of `../shared/evm` holding `out/<contract>.bin`.
    pub dir: &'static str,
    /// The contract's name.
    pub contract: &'static str,
    /// Every function the harness exposes that has a counterpart here.
    pub functions: &'static [Function],
}

impl Harness {
    /// The function named `name`.
    #[must_use]
    pub fn function(&self, name: &str) -> Option<&'static Function> {
        self.functions.iter().find(|f| f.name == name)
    }
}

/// The harnesses: the three of the conformance suites, and carbon-contracts' own
/// `TestStrategies`.
pub const HARNESSES: &[Harness] = &[
    carbon::HARNESS,
    carbon::TEST_STRATEGIES,
    notional_v1::HARNESS,
    notional_v2::HARNESS,
];

/// The harness of a conformance suite.
#[must_use]
pub fn harness(suite: &str) -> Option<&'static Harness> {
    HARNESSES.iter().find(|h| h.suite == suite)
}

/// `Ok(words)` from values our functions return.
fn words<const N: usize>(ws: [Word; N]) -> Outcome {
    Ok(ws.to_vec())
}

/// An argument word that must fit `T` (the ABI type guarantees it for well-formed calls).
fn arg<T: TryFrom<Word>>(args: &[Word], i: usize) -> Result<T, String> {
    let w = args
        .get(i)
        .ok_or_else(|| format!("argument {i} is missing"))?;
    T::try_from(*w).map_err(|_| format!("argument {i} ({w}) does not fit its type"))
}

/// An `int256` word as ethnum's `I256`.
fn i256(w: Word) -> ethnum::I256 {
    ethnum::I256::from_be_bytes(w.to_be_bytes::<32>())
}

/// A `uint256` word as ethnum's `U256`.
fn u256(w: Word) -> ethnum::U256 {
    ethnum::U256::from_be_bytes(w.to_be_bytes::<32>())
}

/// An `I256` as a word.
fn word_i256(x: ethnum::I256) -> Word {
    Word::from_be_bytes(x.to_be_bytes())
}

/// A `(value, success)` pair from an attempt: the contract's `(0, false)` on failure.
fn pair(a: notional::Attempt<Word>) -> Outcome {
    match a {
        Ok(v) => Ok(vec![v, bool_word(true)]),
        Err(_) => Ok(vec![Word::ZERO, bool_word(false)]),
    }
}

/// A word from a `bool`.
fn bool_word(b: bool) -> Word {
    Word::from(u8::from(b))
}
