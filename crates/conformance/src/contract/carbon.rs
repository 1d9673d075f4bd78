//! Carbon's harness (`CarbonHarness`, the pattern of carbon-contracts' `TestStrategies`) and
//! `carbon-orders`.
//!
//! Every revert of the contract (`OrderDisabled`, `MathEx`'s `Overflow`, checked arithmetic's
//! `panic 0x11`, division by zero's `panic 0x12`, `SafeCast`) is a `CarbonError`
//! (`OrderDisabled`, `Overflow`, `InsufficientLiquidity`, `DivisionByZero`, `InvalidFee`).

use carbon_orders::{
    FeePpm, U256, add_fee, math_ex,
    rate::{expand_rate, valid_rate_word},
    single_trade_action, subtract_fee,
};

use super::{Function, Harness, Outcome, Word, arg, bool_word, words};

/// `CarbonHarness`.
pub(super) const HARNESS: Harness = Harness {
    suite: "carbon-evm",
    dir: "carbon",
    contract: "CarbonHarness",
    functions: &[
        Function {
            name: "targetAmount",
            signature: "targetAmount(uint128,uint128,uint64,uint64,uint128)",
            outputs: "(uint128)",
            ours: |a| trade(a, false),
        },
        Function {
            name: "sourceAmount",
            signature: "sourceAmount(uint128,uint128,uint64,uint64,uint128)",
            outputs: "(uint128)",
            ours: |a| trade(a, true),
        },
        Function {
            name: "mulDivF",
            signature: "mulDivF(uint256,uint256,uint256)",
            outputs: "(uint256)",
            ours: |a| {
                let r = math_ex::mul_div_f(a[0], a[1], a[2]).map_err(|e| e.to_string())?;
                words([r])
            },
        },
        Function {
            name: "mulDivC",
            signature: "mulDivC(uint256,uint256,uint256)",
            outputs: "(uint256)",
            ours: |a| {
                let r = math_ex::mul_div_c(a[0], a[1], a[2]).map_err(|e| e.to_string())?;
                words([r])
            },
        },
        Function {
            name: "minFactor",
            signature: "minFactor(uint256,uint256)",
            outputs: "(uint256)",
            ours: |a| words([math_ex::min_factor(a[0], a[1])]),
        },
        Function {
            name: "expandRate",
            signature: "expandRate(uint256)",
            outputs: "(uint256)",
            ours: |a| words([expand_rate(a[0])]),
        },
        Function {
            name: "validRate",
            signature: "validRate(uint256)",
            outputs: "(bool)",
            ours: |a| words([bool_word(valid_rate_word(a[0]))]),
        },
        Function {
            name: "addFee",
            signature: "addFee(uint128,uint32)",
            outputs: "(uint128)",
            ours: |a| fee(a, add_fee),
        },
        Function {
            name: "subtractFee",
            signature: "subtractFee(uint128,uint32)",
            outputs: "(uint128)",
            ours: |a| fee(a, subtract_fee),
        },
    ],
};

/// carbon-contracts' own `TestStrategies` (`contracts/helpers/TestStrategies.sol`), the same
/// trade through the repo's test contract, with the order as a tuple.
pub(super) const TEST_STRATEGIES: Harness = Harness {
    suite: "carbon-test-strategies",
    dir: "carbon",
    contract: "TestStrategies",
    functions: &[
        Function {
            name: "tradeBySourceAmount",
            signature: "tradeBySourceAmount((uint128,uint128,uint64,uint64),uint128)",
            outputs: "(uint128)",
            ours: |a| trade(a, false),
        },
        Function {
            name: "tradeByTargetAmount",
            signature: "tradeByTargetAmount((uint128,uint128,uint64,uint64),uint128)",
            outputs: "(uint128)",
            ours: |a| trade(a, true),
        },
        Function {
            name: "expandedRate",
            signature: "expandedRate(uint256)",
            outputs: "(uint256)",
            ours: |a| words([expand_rate(a[0])]),
        },
        Function {
            name: "isValidRate",
            signature: "isValidRate(uint256)",
            outputs: "(bool)",
            ours: |a| words([bool_word(valid_rate_word(a[0]))]),
        },
    ],
};

fn trade(a: &[Word], by_target: bool) -> Outcome {
    let r = single_trade_action(
        arg(a, 0)?,
        arg(a, 1)?,
        arg(a, 2)?,
        arg(a, 3)?,
        arg(a, 4)?,
        by_target,
    )
    .map_err(|e| e.to_string())?;
    words([U256::from(r)])
}

/// A fee above 100 % is refused by `FeePpm::new`, where the contract's `1e6 − fee` underflows.
fn fee(a: &[Word], f: fn(u128, FeePpm) -> Result<u128, carbon_orders::CarbonError>) -> Outcome {
    let fee = FeePpm::new(arg(a, 1)?).map_err(|e| e.to_string())?;
    let r = f(arg(a, 0)?, fee).map_err(|e| e.to_string())?;
    words([U256::from(r)])
}
