//! Notional v2's harness (`NotionalV2Harness`, over `Market.sol` and `CashGroup.sol`) and
//! `notional::v2::contract`.
//!
//! The contract's failure values map to our [`Attempt`](notional::Attempt)'s `Err`: `(0,
//! false)` for the exchange rate, logit and anchor, an implied rate of 0, `(0, 0, 0)` factors,
//! and a zero trade (with the market as far as the contract changed it). Its reverts (SafeInt256
//! and SafeMath, ABDK's `require`s, `No convergence`, `getRateScalar`'s `require`s) and halts
//! (a signed division by zero) are our errors: `Overflow`, `DivisionByZero`, `TradeTooLarge`,
//! `InvalidArgument`, `NegativeInterestRate`, `NoConvergence`.

use notional::v2::contract::{self, AssetRate, CashGroupParameters, MarketParameters};
use notional::{I256, NotionalError, abdk};

use super::{
    BLOCK_TIMESTAMP, Function, Harness, Outcome, Word, arg, i256, pair, u256, word_i256, words,
};

/// `NotionalV2Harness`.
pub(super) const HARNESS: Harness = Harness {
    suite: "notional-v2-evm",
    dir: "notional-v2",
    contract: "NotionalV2Harness",
    functions: &[
        Function {
            name: "calculateTradeFlat",
            signature: "calculateTradeFlat(int256,int256,uint256,uint8,uint8,uint8,int256,int256,int256,uint256)",
            outputs: "(int256,int256,int256,int256,uint256)",
            ours: calculate_trade_flat,
        },
        Function {
            name: "calculateTrade",
            signature: "calculateTrade((bytes32,uint256,int256,int256,int256,uint256,uint256,uint256),(uint16,uint256,(address,int256,int256),bytes32),int256,uint256,uint256)",
            outputs: "((bytes32,uint256,int256,int256,int256,uint256,uint256,uint256),int256,int256)",
            ours: calculate_trade,
        },
        Function {
            name: "getExchangeRate",
            signature: "getExchangeRate(int256,int256,int256,int256,int256)",
            outputs: "(int256,bool)",
            ours: |a| {
                let r = contract::get_exchange_rate(i(a, 0), i(a, 1), i(a, 2), i(a, 3), i(a, 4));
                pair(r.map_err(s)?.map(word_i256))
            },
        },
        Function {
            name: "logProportion",
            signature: "logProportion(int256)",
            outputs: "(int256,bool)",
            ours: |a| pair(contract::log_proportion(i(a, 0)).map_err(s)?.map(word_i256)),
        },
        Function {
            name: "getRateAnchor",
            signature: "getRateAnchor(int256,uint256,int256,int256,uint256)",
            outputs: "(int256,bool)",
            ours: |a| {
                let r =
                    contract::get_rate_anchor(i(a, 0), u256(a[1]), i(a, 2), i(a, 3), u256(a[4]));
                pair(r.map_err(s)?.map(word_i256))
            },
        },
        Function {
            name: "getImpliedRate",
            signature: "getImpliedRate(int256,int256,int256,int256,uint256)",
            outputs: "(uint256)",
            ours: |a| {
                let r = contract::get_implied_rate(i(a, 0), i(a, 1), i(a, 2), i(a, 3), u256(a[4]));
                let r = r.map_err(s)?.unwrap_or(notional::U256::ZERO);
                words([word(r)])
            },
        },
        Function {
            name: "getExchangeRateFromImpliedRate",
            signature: "getExchangeRateFromImpliedRate(uint256,uint256)",
            outputs: "(int256)",
            ours: |a| {
                let r = contract::get_exchange_rate_from_implied_rate(u256(a[0]), u256(a[1]));
                words([word_i256(r.map_err(s)?)])
            },
        },
        Function {
            name: "getExchangeRateFactors",
            signature: "getExchangeRateFactors((bytes32,uint256,int256,int256,int256,uint256,uint256,uint256),(uint16,uint256,(address,int256,int256),bytes32),uint256,uint256)",
            outputs: "(int256,int256,int256)",
            ours: |a| {
                let market = MarketParameters {
                    total_fcash: i(a, 2),
                    total_asset_cash: i(a, 3),
                    last_implied_rate: u256(a[5]),
                };
                let cg = cash_group(&a[8..14]);
                let r = contract::get_exchange_rate_factors(&market, &cg, u256(a[14]), u256(a[15]));
                let (x, y, z) = r.map_err(s)?.unwrap_or_default();
                words([word_i256(x), word_i256(y), word_i256(z)])
            },
        },
        Function {
            name: "getRateScalar",
            signature: "getRateScalar((uint16,uint256,(address,int256,int256),bytes32),uint256,uint256)",
            outputs: "(int256)",
            ours: |a| {
                let r = contract::get_rate_scalar(&cash_group(&a[..6]), u256(a[6]), u256(a[7]));
                words([word_i256(r.map_err(s)?)])
            },
        },
        Function {
            name: "getfCashGivenCashAmount",
            signature: "getfCashGivenCashAmount(int256,int256,int256,int256,int256,int256,int256)",
            outputs: "(int256)",
            ours: |a| {
                let (f, _) = contract::get_fcash_given_cash_amount(
                    i(a, 0),
                    i(a, 1),
                    i(a, 2),
                    i(a, 3),
                    i(a, 4),
                    i(a, 5),
                    i(a, 6),
                )
                .map_err(s)?;
                words([word_i256(f)])
            },
        },
        Function {
            name: "abdkLn",
            signature: "abdkLn(int128)",
            outputs: "(int128)",
            ours: |a| words([word_i256(abdk::ln(small(a)?).map_err(s)?.into())]),
        },
        Function {
            name: "abdkExp",
            signature: "abdkExp(int128)",
            outputs: "(int128)",
            ours: |a| words([word_i256(abdk::exp(small(a)?).map_err(s)?.into())]),
        },
    ],
};

fn s(e: NotionalError) -> String {
    e.to_string()
}

fn i(a: &[Word], k: usize) -> I256 {
    i256(a[k])
}

fn word(x: notional::U256) -> Word {
    Word::from_be_bytes(x.to_be_bytes())
}

/// An `int128` argument.
fn small(a: &[Word]) -> Result<i128, String> {
    i128::try_from(i(a, 0)).map_err(|e| e.to_string())
}

/// `CashGroupParameters` from its six words (the oracle's address and the currency unused).
fn cash_group(a: &[Word]) -> CashGroupParameters {
    CashGroupParameters {
        max_market_index: u256(a[1]),
        asset_rate: AssetRate {
            rate: i(a, 3),
            underlying_decimals: i(a, 4),
        },
        data: u256(a[5]),
    }
}

/// The struct version (`MockMarket`'s): the market's eight words, the cash group's six, then
/// `fCashToAccount, timeToMaturity, marketIndex`; returns the market the contract leaves and
/// the cash.
fn calculate_trade(a: &[Word]) -> Outcome {
    let market = MarketParameters {
        total_fcash: i(a, 2),
        total_asset_cash: i(a, 3),
        last_implied_rate: u256(a[5]),
    };
    let cg = cash_group(&a[8..14]);
    let (m, cash) =
        contract::calculate_trade(&market, &cg, i(a, 14), u256(a[15]), u256(a[16])).map_err(s)?;
    let mut out = a[..8].to_vec();
    out[2] = word_i256(m.total_fcash);
    out[3] = word_i256(m.total_asset_cash);
    out[5] = word(m.last_implied_rate);
    let (to_account, to_reserve) = match cash {
        Ok(c) => {
            out[7] = Word::from(BLOCK_TIMESTAMP);
            (c.net_asset_cash, c.asset_cash_to_reserve)
        }
        Err(_) => (I256::ZERO, I256::ZERO),
    };
    out.extend([word_i256(to_account), word_i256(to_reserve)]);
    Ok(out)
}

fn calculate_trade_flat(a: &[Word]) -> Outcome {
    let market = MarketParameters {
        total_fcash: i(a, 0),
        total_asset_cash: i(a, 1),
        last_implied_rate: u256(a[2]),
    };
    let asset_rate = AssetRate {
        rate: i(a, 6),
        underlying_decimals: i(a, 7),
    };
    let cg = CashGroupParameters::one_market(arg(a, 3)?, arg(a, 4)?, arg(a, 5)?, asset_rate);
    let (m, cash) =
        contract::calculate_trade(&market, &cg, i(a, 8), u256(a[9]), notional::U256::ONE)
            .map_err(s)?;
    let (to_account, to_reserve) = cash.map_or((I256::ZERO, I256::ZERO), |c| {
        (c.net_asset_cash, c.asset_cash_to_reserve)
    });
    words([
        word_i256(to_account),
        word_i256(to_reserve),
        word_i256(m.total_fcash),
        word_i256(m.total_asset_cash),
        word(m.last_implied_rate),
    ])
}
