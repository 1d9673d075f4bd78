//! # notional: Notional's logit-curve fixed-rate market
//!
//! placeholder docs, written below once the modes exist.

mod error;
pub mod gist;

pub use error::{NotionalError, Result};
