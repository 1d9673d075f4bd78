//! The engine's thread pools, one per size, started once and kept for the life of the process
//! (as rayon's global pool is): an experiment started again and again, from a notebook cell
//! or a search's loop, does not start threads each time, and its workers' allocator caches
//! stay warm. Several experiments at once share a pool's workers; each still writes its
//! records in order.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use rayon::ThreadPool;

use crate::error::EngineError;

/// Pool sizes kept at most; a further size gets a pool of its own, dropped after its
/// experiment.
const KEPT: usize = 8;

/// The pools kept, by size.
static POOLS: Mutex<BTreeMap<usize, Arc<ThreadPool>>> = Mutex::new(BTreeMap::new());

/// A pool of `threads` workers: the kept one, or a new one (kept if there is room).
pub(super) fn pool(threads: usize) -> Result<Arc<ThreadPool>, EngineError> {
    let mut pools = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(pool) = pools.get(&threads) {
        return Ok(Arc::clone(pool));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("tokensim-engine-{i}"))
        .build()
        .map(Arc::new)
        .map_err(|e| EngineError::ThreadPool(e.to_string()))?;
    if pools.len() < KEPT {
        pools.insert(threads, Arc::clone(&pool));
    }
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_size_is_started_once() -> Result<(), EngineError> {
        let a = pool(3)?;
        let b = pool(3)?;
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.current_num_threads(), 3);
        assert_eq!(pool(2)?.current_num_threads(), 2);
        Ok(())
    }
}
