//! The `toy` model of the `engine-records` conformance suite (`toy_model.py` beside its vectors).
//!
//! Three blocks that exercise each rule of cadCAD's semantics:
//!
//! 1. two policies emit the same key `da` (summed: `alpha·a + 0.5`) and keys only one emits
//!    (`db = 1`, `dc = b`); `a ← a + da`, `c ← c + dc + substep` (the substep is 1-based);
//! 2. a policy reads the state block 1 produced (`db = a·beta`); `b ← b + db`, and
//!    `prev_a ← sH[-1][-1].a`, the last `a` of the previous timestep;
//! 3. no policies, two updates that both read the pre-block state (a parallel update):
//!    `a ← 0.9·a + 0.01·b`, `b ← b − 0.01·a`.
//!
//! ```
//! use sim_core::{Experiment, MemorySink};
//! use tokensim_models::toy::{self, ToyParams, ToyState};
//!
//! let model = toy::model(ToyState { a: 1.0, b: 2.0, c: 0.0, prev_a: 0.0 });
//! let mut records = MemorySink::new();
//! Experiment::new(&model, vec![ToyParams { alpha: 0.1, beta: 0.5 }])
//!     .runs(1).timesteps(1).run(&mut records)?;
//! // Block 1: da = 0.1·1 + 0.5 from two policies, summed: a = 1.6.
//! // Block 3: the parallel update reads the pre-block state of block 3 (a = 1.6, b = 2 + 1.6·0.5).
//! let a = records.f64_column("a").unwrap();
//! assert_eq!(a[1], 1.6);
//! assert!((a[3] - (0.9 * 1.6 + 0.01 * 2.8)).abs() < 1e-12);
//! # Ok::<(), sim_core::EngineError>(())
//! ```

use sim_core::{Block, BoxError, Ctx, Model, SimRng, need};

/// The toy model's state.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ToyState {
    /// Grows in block 1, decays in block 3.
    pub a: f64,
    /// Coupled to `a` in block 2, decays in block 3.
    pub b: f64,
    /// Accumulates `b` and the substep.
    pub c: f64,
    /// The previous timestep's last `a`.
    pub prev_a: f64,
}

sim_core::vars!(ToyState { a, b, c, prev_a });

/// The toy model's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ToyParams {
    /// The growth rate of `a` in block 1.
    pub alpha: f64,
    /// The coupling of `b` to `a` in block 2.
    pub beta: f64,
}

sim_core::vars!(ToyParams { alpha, beta });

/// The toy model's signals.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ToySignals {
    /// Change of `a`.
    pub da: Option<f64>,
    /// Change of `b`.
    pub db: Option<f64>,
    /// Change of `c`.
    pub dc: Option<f64>,
}

sim_core::signals!(ToySignals: f64 { da, db, dc });

type R<T> = Result<T, BoxError>;

fn p_grow(p: &ToyParams, c: &Ctx<'_, ToyState>, _: &mut SimRng) -> R<ToySignals> {
    Ok(ToySignals {
        da: Some(p.alpha * c.state.a),
        db: Some(1.0),
        dc: None,
    })
}

fn p_shift(_: &ToyParams, c: &Ctx<'_, ToyState>, _: &mut SimRng) -> R<ToySignals> {
    Ok(ToySignals {
        da: Some(0.5),
        db: None,
        dc: Some(c.state.b),
    })
}

fn s_a(_: &ToyParams, c: &Ctx<'_, ToyState>, i: &ToySignals, n: &mut ToyState) -> R<()> {
    n.a = c.state.a + need(i.da, "da")?;
    Ok(())
}

fn s_c(_: &ToyParams, c: &Ctx<'_, ToyState>, i: &ToySignals, n: &mut ToyState) -> R<()> {
    let substep = c.substep as f64;
    n.c = c.state.c + need(i.dc, "dc")? + substep;
    Ok(())
}

fn p_couple(p: &ToyParams, c: &Ctx<'_, ToyState>, _: &mut SimRng) -> R<ToySignals> {
    Ok(ToySignals {
        db: Some(c.state.a * p.beta),
        ..ToySignals::default()
    })
}

fn s_b(_: &ToyParams, c: &Ctx<'_, ToyState>, i: &ToySignals, n: &mut ToyState) -> R<()> {
    n.b = c.state.b + need(i.db, "db")?;
    Ok(())
}

fn s_prev_a(_: &ToyParams, c: &Ctx<'_, ToyState>, _: &ToySignals, n: &mut ToyState) -> R<()> {
    n.prev_a = c.history.last_state().a;
    Ok(())
}

fn s_a3(_: &ToyParams, c: &Ctx<'_, ToyState>, _: &ToySignals, n: &mut ToyState) -> R<()> {
    n.a = c.state.a * 0.9 + c.state.b * 0.01;
    Ok(())
}

fn s_b3(_: &ToyParams, c: &Ctx<'_, ToyState>, _: &ToySignals, n: &mut ToyState) -> R<()> {
    n.b = c.state.b - c.state.a * 0.01;
    Ok(())
}

/// The toy model with this genesis state.
#[must_use]
pub fn model(genesis: ToyState) -> Model<ToyState, ToyParams, ToySignals> {
    Model::new(genesis)
        .block(
            Block::new()
                .policy("grow", p_grow)
                .policy("shift", p_shift)
                .update("a", s_a)
                .update("c", s_c),
        )
        .block(
            Block::new()
                .policy("couple", p_couple)
                .update("b", s_b)
                .update("prev_a", s_prev_a),
        )
        .block(Block::new().update("a", s_a3).update("b", s_b3))
}
