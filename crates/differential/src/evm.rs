//! One harness contract's runtime bytecode in revm: put at an address of an in-memory
//! database, called with hand-built calldata (selector, then one 32-byte word per flattened
//! argument), each call a fresh transaction that is never committed.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use conformance::contract::{BLOCK_TIMESTAMP, Function, Harness, Word};
use revm::context::result::{ExecutionResult, Output};
use revm::context::{BlockEnv, CfgEnv, Context, Journal, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{Address, Bytes, TxKind, U256};
use revm::state::{AccountInfo, Bytecode};
use revm::{ExecuteEvm, MainBuilder, MainContext, MainnetEvm};

/// The gas each call may use: the conformance cases' generator's limit.
const GAS_LIMIT: u64 = 10_000_000;

type Evm =
    MainnetEvm<Context<BlockEnv, TxEnv, CfgEnv, CacheDB<EmptyDB>, Journal<CacheDB<EmptyDB>>, ()>>;

/// What the contract did with one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Called {
    /// It returned these words.
    Returned(Vec<Word>),
    /// It reverted, with this reason (decoded where it is `Error(string)`).
    Reverted(String),
    /// It halted (an invalid opcode, out of gas).
    Halted(String),
}

/// A harness deployed in its own EVM (one per thread: an EVM is not shared).
pub struct Contract {
    evm: Evm,
    address: Address,
    selectors: BTreeMap<&'static str, [u8; 4]>,
}

impl Contract {
    /// Loads `<evm_dir>/<harness.dir>/out/<contract>.bin` and its `methods.json`, and checks that
    /// every function of the table has a selector there.
    ///
    /// # Errors
    /// A missing or malformed file, or a function the contract does not have.
    pub fn load(evm_dir: &Path, harness: &Harness) -> Result<Self> {
        let out = evm_dir.join(harness.dir).join("out");
        let bin = out.join(format!("{}.bin", harness.contract));
        let hex = std::fs::read_to_string(&bin)
            .with_context(|| format!("cannot read the bytecode {}", bin.display()))?;
        let code =
            decode_hex(hex.trim()).with_context(|| format!("{} is not hex", bin.display()))?;
        let methods = out.join(format!("{}.methods.json", harness.contract));
        let text = std::fs::read_to_string(&methods)
            .with_context(|| format!("cannot read {}", methods.display()))?;
        let table: BTreeMap<String, String> = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a signature → selector map", methods.display()))?;
        let mut selectors = BTreeMap::new();
        for f in harness.functions {
            let sel = table
                .get(f.signature)
                .with_context(|| format!("{} has no function {}", harness.contract, f.signature))?;
            let bytes = decode_hex(sel)?;
            let Ok(sel) = <[u8; 4]>::try_from(bytes.as_slice()) else {
                bail!("selector {sel} of {} is not four bytes", f.signature);
            };
            selectors.insert(f.name, sel);
        }
        let address = Address::repeat_byte(0x7e);
        let mut db = CacheDB::new(EmptyDB::default());
        let info = AccountInfo::default().with_code(Bytecode::new_raw(Bytes::from(code)));
        db.insert_account_info(address, info);
        let evm = Context::mainnet()
            .with_db(db)
            // Calls are never committed, so the caller's nonce stays 0; gas is free (price 0).
            .modify_cfg_chained(|cfg| cfg.disable_nonce_check = true)
            .modify_block_chained(|block| block.timestamp = U256::from(BLOCK_TIMESTAMP))
            .build_mainnet();
        Ok(Self {
            evm,
            address,
            selectors,
        })
    }

    /// Calls `function` with `args` (its flattened words) and reads what came back.
    ///
    /// # Errors
    /// A function this contract was not loaded with, or revm refusing the transaction itself
    /// (not the contract's revert, which is [`Called::Reverted`]).
    pub fn call(&mut self, function: &Function, args: &[Word]) -> Result<Called> {
        let selector = self
            .selectors
            .get(function.name)
            .with_context(|| format!("no selector for {}", function.name))?;
        let mut data = Vec::with_capacity(4 + 32 * args.len());
        data.extend_from_slice(selector);
        for w in args {
            data.extend_from_slice(&w.to_be_bytes::<32>());
        }
        let tx = TxEnv::builder()
            .caller(Address::repeat_byte(0x11))
            .kind(TxKind::Call(self.address))
            .data(Bytes::from(data))
            .gas_limit(GAS_LIMIT)
            .build_fill();
        let result = self
            .evm
            .transact(tx)
            .map_err(|e| anyhow::anyhow!("revm refused the call: {e:?}"))?
            .result;
        Ok(match result {
            ExecutionResult::Success {
                output: Output::Call(bytes),
                ..
            } => Called::Returned(words(&bytes)?),
            ExecutionResult::Success { .. } => bail!("a call returned a create output"),
            ExecutionResult::Revert { output, .. } => Called::Reverted(revert_reason(&output)),
            ExecutionResult::Halt { reason, .. } => Called::Halted(format!("{reason:?}")),
        })
    }
}

/// Return data as 32-byte words.
fn words(bytes: &[u8]) -> Result<Vec<Word>> {
    if !bytes.len().is_multiple_of(32) {
        bail!("return data of {} bytes is not whole words", bytes.len());
    }
    Ok(bytes
        .chunks_exact(32)
        .map(|c| Word::from_be_slice(c))
        .collect())
}

/// `Error(string)`'s text, `Panic(uint256)` as `panic 0xNN`, else the data's hex.
fn revert_reason(data: &[u8]) -> String {
    const ERROR: [u8; 4] = [0x08, 0xc3, 0x79, 0xa0];
    const PANIC: [u8; 4] = [0x4e, 0x48, 0x7b, 0x71];
    match data.get(..4) {
        Some(sel) if sel == ERROR && data.len() >= 68 => {
            let len = Word::from_be_slice(&data[36..68]).saturating_to::<usize>();
            let text = data.get(68..68 + len).unwrap_or_default();
            String::from_utf8_lossy(text).into_owned()
        }
        Some(sel) if sel == PANIC && data.len() >= 36 => {
            format!("panic {:#04x}", Word::from_be_slice(&data[4..36]))
        }
        _ => format!(
            "0x{}",
            data.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ),
    }
}

fn decode_hex(text: &str) -> Result<Vec<u8>> {
    let text = text.strip_prefix("0x").unwrap_or(text);
    if !text.len().is_multiple_of(2) {
        bail!("odd-length hex");
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).context("not hex"))
        .collect()
}
