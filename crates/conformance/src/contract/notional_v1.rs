//! Notional v1's harness (`NotionalV1Harness is CashMarket`) and `notional::v1::contract`.
//!
//! The contract's failure values map to our [`Attempt`](notional::Attempt)'s `Err`: `(0,
//! false)` for the rate functions, a cash of 0 (and the market as far as the trade got) for
//! `tradeCalculation`, a quote of 0. Its reverts (the numeric `ErrorCode`s of SafeMath and
//! ABDK, `SafeCast`, `SignedSafeMath`, `require(blockTime < maturity)` = 41) and halts (a signed
//! division by zero) are our errors: `Overflow`, `TradeTooLarge`, `ProportionOutOfBounds`,
//! `RatioOverflow`, `DivisionByZero`, `MaturedMarket`, `NegativeInterestRate`.

use notional::v1::{CashMarket, Governance, contract};
use notional::{NotionalError, abdk};

use super::{Function, Harness, Outcome, Word, arg, i256, pair, u256, word_i256, words};

/// `NotionalV1Harness`.
pub(super) const HARNESS: Harness = Harness {
    suite: "notional-v1-evm",
    dir: "notional-v1",
    contract: "NotionalV1Harness",
    functions: &[
        Function {
            name: "fCashToCurrentCash",
            signature: "fCashToCurrentCash((uint128,uint128,uint128,uint16,uint32,uint32),uint32,uint32,uint128,uint32,uint32,uint128)",
            outputs: "(uint128)",
            ours: |a| quote(a, contract::fcash_to_current_cash_at_time),
        },
        Function {
            name: "currentCashTofCash",
            signature: "currentCashTofCash((uint128,uint128,uint128,uint16,uint32,uint32),uint32,uint32,uint128,uint32,uint32,uint128)",
            outputs: "(uint128)",
            ours: |a| quote(a, contract::current_cash_to_fcash_at_time),
        },
        Function {
            name: "tradeCalculation",
            signature: "tradeCalculation((uint128,uint128,uint128,uint16,uint32,uint32),uint32,uint32,int256,uint32)",
            outputs: "((uint128,uint128,uint128,uint16,uint32,uint32),uint128)",
            ours: trade_calculation,
        },
        Function {
            name: "getExchangeRate",
            signature: "getExchangeRate((uint128,uint128,uint128,uint16,uint32,uint32),uint32,uint32,int256)",
            outputs: "(uint32,bool)",
            ours: |a| {
                let m = market(a)?;
                pair(
                    contract::get_exchange_rate(&m, arg(a, 6)?, arg(a, 7)?, i256(a[8]))
                        .map_err(s)?
                        .map(Word::from),
                )
            },
        },
        Function {
            name: "getImpliedRate",
            signature: "getImpliedRate((uint128,uint128,uint128,uint16,uint32,uint32),uint32,uint32)",
            outputs: "(uint32,bool)",
            ours: |a| {
                pair(
                    contract::get_implied_rate(&market(a)?, arg(a, 6)?, arg(a, 7)?)
                        .map_err(s)?
                        .map(Word::from),
                )
            },
        },
        Function {
            name: "getNewRateAnchor",
            signature: "getNewRateAnchor((uint128,uint128,uint128,uint16,uint32,uint32),uint32,uint32)",
            outputs: "(uint32,bool)",
            ours: |a| {
                pair(
                    contract::get_new_rate_anchor(&market(a)?, arg(a, 6)?, arg(a, 7)?)
                        .map_err(s)?
                        .map(Word::from),
                )
            },
        },
        Function {
            name: "calculateImpliedRate",
            signature: "calculateImpliedRate(uint128,uint128,uint32,uint32)",
            outputs: "(uint32)",
            ours: |a| {
                let g = governance(arg(a, 2)?, 0, 0);
                let r =
                    notional::v1::calculate_implied_rate(&g, arg(a, 0)?, arg(a, 1)?, arg(a, 3)?);
                words([Word::from(r.map_err(s)?)])
            },
        },
        Function {
            name: "calculateTransactionFee",
            signature: "calculateTransactionFee(uint128,uint128,uint32,uint32)",
            outputs: "(uint128)",
            ours: |a| {
                let g = governance(arg(a, 2)?, 0, arg(a, 1)?);
                let r = notional::v1::transaction_fee(&g, arg(a, 0)?, arg(a, 3)?);
                words([Word::from(r.map_err(s)?)])
            },
        },
        Function {
            name: "abdkMath",
            signature: "abdkMath(uint256)",
            outputs: "(uint64,bool)",
            ours: |a| pair(contract::abdk_math(u256(a[0])).map_err(s)?.map(Word::from)),
        },
        Function {
            name: "abdkLn",
            signature: "abdkLn(int128)",
            outputs: "(int128)",
            ours: |a| {
                let x = i128::try_from(i256(a[0])).map_err(|e| e.to_string())?;
                words([word_i256(abdk::ln(x).map_err(s)?.into())])
            },
        },
        Function {
            name: "abdkFromUInt",
            signature: "abdkFromUInt(uint256)",
            outputs: "(int128)",
            ours: |a| words([word_i256(abdk::from_uint(u256(a[0])).map_err(s)?.into())]),
        },
    ],
};

fn s(e: NotionalError) -> String {
    e.to_string()
}

/// The `Market` tuple, the first six words.
fn market(a: &[Word]) -> Result<CashMarket, String> {
    Ok(CashMarket {
        total_fcash: arg(a, 0)?,
        total_liquidity: arg(a, 1)?,
        total_current_cash: arg(a, 2)?,
        rate_scalar: arg(a, 3)?,
        rate_anchor: arg(a, 4)?,
        last_implied_rate: arg(a, 5)?,
    })
}

/// The governance values the harness writes to storage; the others play no part.
fn governance(maturity_length: u32, liquidity_fee: u32, transaction_fee: u128) -> Governance {
    Governance {
        maturity_length,
        max_trade_size: u128::MAX,
        rate_anchor: 0,
        rate_scalar: 0,
        liquidity_fee,
        transaction_fee,
    }
}

type QuoteFn =
    fn(&CashMarket, &Governance, u32, u128, u32) -> notional::Result<notional::Attempt<u128>>;

/// `(market, maturityLength, liquidityFee, transactionFee, maturity, blockTime, fCashAmount)`.
fn quote(a: &[Word], f: QuoteFn) -> Outcome {
    let g = governance(arg(a, 6)?, arg(a, 7)?, arg(a, 8)?);
    let cash = f(&market(a)?, &g, arg(a, 9)?, arg(a, 11)?, arg(a, 10)?).map_err(s)?;
    words([Word::from(cash.unwrap_or(0))])
}

fn trade_calculation(a: &[Word]) -> Outcome {
    let g = governance(arg(a, 6)?, arg(a, 7)?, 0);
    let (m, cash) =
        contract::trade_calculation(&market(a)?, &g, i256(a[8]), arg(a, 9)?).map_err(s)?;
    words([
        Word::from(m.total_fcash),
        Word::from(m.total_liquidity),
        Word::from(m.total_current_cash),
        Word::from(m.rate_scalar),
        Word::from(m.rate_anchor),
        Word::from(m.last_implied_rate),
        Word::from(cash.unwrap_or(0)),
    ])
}
