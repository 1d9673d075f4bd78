//! Cases where our crates and the contracts' bytecode disagreed, each with its cause, fixed at
//! the root and kept here so they stay fixed. Each expectation is what the contract returned in
//! revm (`differential call SUITE FUNCTION ARGS...` prints a case in this form); [`check`] runs
//! ours without an EVM.

use differential::{Expect, check};

/// Carbon: an order without capacity (`z = 0`) still trades in `_calculateTradeTargetAmount`
/// (only `A = B = 0` is `OrderDisabled`); ours refused every `z = 0` order.
#[test]
fn carbon_zero_capacity_trades_as_the_contract() {
    check(
        "carbon-evm",
        "targetAmount",
        &["1000", "0", "1000", "1000", "500"],
        Expect::Returns(&["1000"]),
    );
}

/// Carbon: `A = B = 0` reverts `OrderDisabled` by source too; ours returned 0 from
/// `mulDivF(x, 0, ONE²)`.
#[test]
fn carbon_no_curve_is_disabled_by_source() {
    check(
        "carbon-evm",
        "targetAmount",
        &["2962962", "2962962", "0", "0", "1000"],
        Expect::Fails("OrderDisabled"),
    );
}

/// Carbon: `_expandRate` does not validate; a rate with exponent 49 trades (the contract checks
/// rates only when an order is created). Ours refused it as `InvalidRate`.
#[test]
fn carbon_unvalidated_rates_expand_as_the_contract() {
    check(
        "carbon-evm",
        "targetAmount",
        &[
            "2962962",
            "2962962",
            "13792273858834489",
            "422212465065984",
            "1000",
        ],
        Expect::Returns(&["2963067"]),
    );
}

/// ABDK's `exp` is its table of 64 truncated constants, not the floor of `e^x`: ours was one
/// unit of 2^−64 above it here.
#[test]
fn abdk_exp_is_the_table_not_the_floor() {
    check(
        "notional-v2-evm",
        "abdkExp",
        &["1496294658"],
        Expect::Returns(&["18446744075205846273"]),
    );
}

/// ABDK's `ln` of a value below 1 is negative; ours refused arguments below 1.
#[test]
fn abdk_ln_below_one_is_negative() {
    check(
        "notional-v1-evm",
        "abdkLn",
        &["130"],
        Expect::Returns(&["-728533591015451368135"]),
    );
    check(
        "notional-v2-evm",
        "abdkLn",
        &["130"],
        Expect::Returns(&["-728533591015451368135"]),
    );
}

/// v2's `getTotalFee` is the fee byte in basis points (`BASIS_POINT`); ours read it in five
/// basis points, so a fee byte of 30 was 1.5 % a year instead of 0.30 %.
#[test]
fn v2_total_fee_is_in_basis_points() {
    check(
        "notional-v2-evm",
        "calculateTradeFlat",
        &[
            "100000000000000",
            "95000000000000",
            "50000000",
            "30",
            "30",
            "30",
            "10000000000",
            "1",
            "100000000000",
            "7776000",
        ],
        Expect::Returns(&[
            "-98833545734",
            "22229201",
            "99900000000000",
            "95098811316533",
            "49932836",
        ]),
    );
}

/// v1's `_tradeCalculation` returns the market as far as it got on a failed trade: here the
/// anchor failed, so the returned market has a rate anchor of 0. Ours returned an error and the
/// market unchanged.
#[test]
fn v1_failed_trade_returns_the_market_as_far_as_it_got() {
    check(
        "notional-v1-evm",
        "tradeCalculation",
        &[
            "50307768203660545577746299414",
            "15877179091828843734342907761",
            "31204905173120699404033364518",
            "967",
            "1077978737",
            "39483250",
            "7776000",
            "0",
            "-107975650986460588314481",
            "2405",
        ],
        Expect::Returns(&[
            "50307768203660545577746299414",
            "15877179091828843734342907761",
            "31204905173120699404033364518",
            "967",
            "0",
            "39483250",
            "0",
        ]),
    );
}

/// v1: fCash beyond `int128` makes `F + f` negative, whose `uint256` times 1e18 overflows
/// (SafeMath `110`); ours could not take an `int256` at all.
#[test]
fn v1_int256_fcash_reverts_as_the_contract() {
    check(
        "notional-v1-evm",
        "getExchangeRate",
        &[
            "1100000000000000000000000",
            "1000000000000000000000000",
            "1000000000000000000000000",
            "100",
            "1010000000",
            "30950100",
            "2592000",
            "864000",
            "-340282366920938463463374607431768211457",
        ],
        Expect::Fails("110"),
    );
}

/// v2 works on `int256`: a negative scalar of 2^255 makes `ln / scalar` round to 0 and the rate
/// the anchor, below 1, so `(0, false)`; ours took `i128` only.
#[test]
fn v2_int256_arguments_as_the_contract() {
    check(
        "notional-v2-evm",
        "getExchangeRate",
        &[
            "5229683899488754357",
            "-4573340942086565620",
            "-57896044618658097711785492504343953926634992332820282019728792003956564819968",
            "995689061",
            "693276503982374",
        ],
        Expect::Returns(&["0", "false"]),
    );
}
