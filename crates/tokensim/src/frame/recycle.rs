//! Column memory given back for the next run into memory in this process: a notebook that runs
//! a cell again, after dropping the last run's DataFrame, has its records written over that
//! memory rather than into new memory, for which the operating system zeroes and maps every
//! 4 KiB page on first touch (on the project's machine, a page fault costs about as much as
//! writing 4 KiB of records twice).
//!
//! At most [`RECYCLE_LIMIT`] bytes are kept, and only until the next run into memory: it takes
//! the columns it can use and frees the rest.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// The most bytes of column memory kept for the next run (64 MiB).
pub const RECYCLE_LIMIT: usize = 64 << 20;

/// The process's columns given back ([`Column::recycle`](super::Column::recycle)).
pub(crate) static RECYCLED: Recycled = Recycled::new(RECYCLE_LIMIT);

/// Columns given back, up to a number of bytes.
pub(crate) struct Recycled {
    kept: Mutex<Vec<Vec<u64>>>,
    limit: usize,
}

/// The bytes a buffer has room for.
fn bytes(words: &Vec<u64>) -> usize {
    words.capacity().saturating_mul(8)
}

impl Recycled {
    /// Nothing kept yet; at most `limit` bytes.
    pub(crate) const fn new(limit: usize) -> Self {
        Self {
            kept: Mutex::new(Vec::new()),
            limit,
        }
    }

    /// The kept columns (a panic while they were held leaves them whole).
    fn kept(&self) -> MutexGuard<'_, Vec<Vec<u64>>> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps `words`' memory for the next run, if it fits under the limit; else frees it.
    pub(crate) fn give(&self, words: Vec<u64>) {
        let size = bytes(&words);
        if size == 0 {
            return;
        }
        let refused = {
            let mut kept = self.kept();
            let held: usize = kept.iter().map(bytes).sum();
            if held.saturating_add(size) <= self.limit {
                kept.push(words);
                None
            } else {
                Some(words)
            }
        };
        // Freed outside the lock.
        drop(refused);
    }

    /// Every column kept, for a run to write over; none are kept after.
    pub(crate) fn take(&self) -> Vec<Vec<u64>> {
        std::mem::take(&mut *self.kept())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_kept_up_to_the_limit_and_taken_once() {
        let r = Recycled::new(100 * 8);
        r.give(Vec::with_capacity(60));
        // Past the limit with the first: freed.
        r.give(Vec::with_capacity(50));
        r.give(vec![7; 40]);
        // No memory: nothing to keep.
        r.give(Vec::new());
        let taken = r.take();
        let mut room: Vec<_> = taken.iter().map(Vec::capacity).collect();
        room.sort_unstable();
        assert_eq!(room, [40, 60]);
        assert!(r.take().is_empty());
    }
}
