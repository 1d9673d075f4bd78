//! Signals of different types in one block: each policy's keys reach the updates, numbers are
//! summed (or reduced by `policy_ops`), booleans or-ed, a user type merged by its own rule,
//! and a merge that fails ends the run naming the key.

use rust_decimal::Decimal;
use sim_core::{
    Block, BoxError, Ctx, Experiment, MemorySink, Model, RunError, SignalValue, SimRng, need,
};

#[derive(Debug, Clone, Copy, PartialEq)]
struct State {
    supply: f64,
    holders: i64,
    minted: bool,
    treasury: Decimal,
    best_bid: f64,
}
sim_core::vars!(State {
    supply,
    holders,
    minted,
    treasury,
    best_bid
});

#[derive(Debug, Clone, Copy, PartialEq)]
struct Params {
    cap: i64,
}
sim_core::vars!(Params { cap });

/// A user type: the higher bid wins.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bid(f64);
impl SignalValue for Bid {
    fn try_sum(a: Self, b: Self) -> Option<Self> {
        Some(if b.0 > a.0 { b } else { a })
    }
}

#[derive(Debug, Clone, Default)]
struct Input {
    issue: Option<f64>,
    joined: Option<i64>,
    mint: Option<bool>,
    fee: Option<Decimal>,
    bid: Option<Bid>,
}
sim_core::signals!(Input {
    issue: f64,
    joined: i64,
    mint: bool,
    fee: Decimal,
    bid: Bid
});

fn p_first(_: &Params, _: &Ctx<'_, State>, _: &mut SimRng) -> Result<Input, BoxError> {
    Ok(Input {
        issue: Some(10.0),
        joined: Some(2),
        mint: Some(false),
        fee: Some(Decimal::new(15, 1)),
        bid: Some(Bid(3.0)),
    })
}

fn p_second(p: &Params, _: &Ctx<'_, State>, _: &mut SimRng) -> Result<Input, BoxError> {
    Ok(Input {
        issue: Some(5.0),
        joined: Some(p.cap),
        mint: Some(true),
        fee: Some(Decimal::new(25, 1)),
        bid: Some(Bid(7.0)),
    })
}

fn s_all(_: &Params, c: &Ctx<'_, State>, i: &Input, n: &mut State) -> Result<(), BoxError> {
    n.supply = c.state.supply + need(i.issue, "issue")?;
    n.holders = c.state.holders + need(i.joined, "joined")?;
    n.minted = need(i.mint, "mint")?;
    n.treasury = c.state.treasury + need(i.fee, "fee")?;
    n.best_bid = need(i.bid, "bid")?.0;
    Ok(())
}

fn model() -> Model<State, Params, Input> {
    let genesis = State {
        supply: 0.0,
        holders: 0,
        minted: false,
        treasury: Decimal::ZERO,
        best_bid: 0.0,
    };
    Model::new(genesis).block(
        Block::new()
            .policy("p_first", p_first)
            .policy("p_second", p_second)
            .update("supply", s_all),
    )
}

fn one_step(cap: i64, model: &Model<State, Params, Input>) -> (MemorySink, sim_core::Outcome) {
    let mut records = MemorySink::new();
    let outcome = Experiment::new(model, vec![Params { cap }])
        .run(&mut records)
        .unwrap();
    (records, outcome)
}

#[test]
fn every_policys_signals_reach_the_updates_merged_by_type() {
    let (records, outcome) = one_step(3, &model());
    assert!(outcome.is_success());
    let row = |name: &str| records.column(name).unwrap()[1];
    assert_eq!(row("supply"), sim_core::Value::F64(15.0));
    assert_eq!(row("holders"), sim_core::Value::I64(5));
    // The second policy's `true` is not dropped: false || true.
    assert_eq!(row("minted"), sim_core::Value::Bool(true));
    assert_eq!(
        row("treasury"),
        sim_core::Value::Decimal(Decimal::new(40, 1))
    );
    assert_eq!(row("best_bid"), sim_core::Value::F64(7.0));
}

#[test]
fn policy_ops_reduce_the_value_type_and_the_others_keep_their_merge() {
    let max = Model::new(model().genesis).block(
        Block::new()
            .policy("p_first", p_first)
            .policy("p_second", p_second)
            .update("supply", s_all)
            .policy_ops(|a: f64, b: f64| Some(a.max(b))),
    );
    let (records, _) = one_step(3, &max);
    assert_eq!(
        records.column("supply").unwrap()[1],
        sim_core::Value::F64(10.0)
    );
    assert_eq!(
        records.column("holders").unwrap()[1],
        sim_core::Value::I64(5)
    );
}

#[test]
fn a_merge_that_overflows_ends_the_run_naming_the_key() {
    let (_, outcome) = one_step(i64::MAX, &model());
    assert_eq!(outcome.failures.len(), 1);
    assert!(matches!(
        outcome.failures[0].error,
        RunError::Reduction { key: "joined" }
    ));
}
