//! A run on a worker thread with the GIL released, while the calling thread wakes every tenth
//! of a second to check for Ctrl-C (`KeyboardInterrupt`) and to move a progress bar: tqdm's
//! (`tqdm.auto`, which draws in a notebook or a terminal) when it is installed, or a line of
//! text on `sys.stderr`. The bar appears only once a run has taken longer than the first wake.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use pyo3::prelude::*;
use sim_core::Hooks;

/// How often the calling thread wakes.
const TICK: Duration = Duration::from_millis(100);

/// The engine's hooks: progress counters, and the cancellation Ctrl-C sets.
#[derive(Default)]
pub(super) struct Shared {
    done: AtomicUsize,
    total: AtomicUsize,
    cancel: AtomicBool,
}

impl Hooks for Shared {
    fn progress(&self, done: usize, total: usize) {
        self.done.store(done, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// The worker's answer, when it comes.
struct Answer<R> {
    value: Mutex<Option<R>>,
    ready: Condvar,
}

/// Runs `work` on a worker thread with the GIL released. On Ctrl-C the engine is cancelled,
/// the worker joined, and `KeyboardInterrupt` raised.
pub(super) fn run_detached<R: Send>(
    py: Python<'_>,
    name: &str,
    show: bool,
    work: impl FnOnce(&dyn Hooks) -> R + Send,
) -> PyResult<R> {
    let shared = Shared::default();
    let answer = Answer {
        value: Mutex::new(None),
        ready: Condvar::new(),
    };
    std::thread::scope(|s| {
        s.spawn(|| {
            let r = work(&shared);
            *answer.value.lock().unwrap_or_else(PoisonError::into_inner) = Some(r);
            answer.ready.notify_all();
        });
        let mut bar: Option<Bar<'_>> = None;
        loop {
            let got = py.detach(|| {
                let guard = answer.value.lock().unwrap_or_else(PoisonError::into_inner);
                let (mut guard, _) = answer
                    .ready
                    .wait_timeout_while(guard, TICK, |v| v.is_none())
                    .unwrap_or_else(PoisonError::into_inner);
                guard.take()
            });
            if let Some(r) = got {
                if let Some(b) = bar.take() {
                    b.close(&shared);
                }
                return Ok(r);
            }
            if let Err(e) = py.check_signals() {
                shared.cancel.store(true, Ordering::Relaxed);
                // The engine stops within a window of runs; wait for it.
                py.detach(|| {
                    let guard = answer.value.lock().unwrap_or_else(PoisonError::into_inner);
                    let _ = answer
                        .ready
                        .wait_while(guard, |v| v.is_none())
                        .unwrap_or_else(PoisonError::into_inner)
                        .take();
                });
                if let Some(b) = bar.take() {
                    b.close(&shared);
                }
                return Err(
                    if e.is_instance_of::<pyo3::exceptions::PyKeyboardInterrupt>(py) {
                        super::interrupted(name)
                    } else {
                        e
                    },
                );
            }
            if show {
                if bar.is_none() {
                    bar = Some(Bar::new(py, name));
                }
                if let Some(b) = &mut bar {
                    b.update(&shared);
                }
            }
        }
    })
}

/// tqdm's bar, or a line on stderr.
enum Bar<'py> {
    Tqdm(Bound<'py, PyAny>, usize),
    Text(Python<'py>, String),
}

impl<'py> Bar<'py> {
    fn new(py: Python<'py>, name: &str) -> Self {
        let tqdm = py
            .import("tqdm.auto")
            .and_then(|m| m.getattr("tqdm"))
            .and_then(|t| {
                let kw = pyo3::types::PyDict::new(py);
                kw.set_item("desc", name)?;
                kw.set_item("unit", "run")?;
                t.call((), Some(&kw))
            });
        match tqdm {
            Ok(bar) => Bar::Tqdm(bar, 0),
            Err(_) => Bar::Text(py, name.to_owned()),
        }
    }

    fn update(&mut self, shared: &Shared) {
        let done = shared.done.load(Ordering::Relaxed);
        let total = shared.total.load(Ordering::Relaxed);
        match self {
            Bar::Tqdm(bar, shown) => {
                if total > 0 {
                    let _ = bar.setattr("total", total);
                }
                if done > *shown {
                    let _ = bar.call_method1("update", (done - *shown,));
                    *shown = done;
                }
            }
            Bar::Text(py, name) => {
                let width = 30;
                let filled = (done * width).checked_div(total).unwrap_or(0).min(width);
                let line = format!(
                    "\r{name} [{}{}] {done}/{total} runs",
                    "#".repeat(filled),
                    " ".repeat(width - filled)
                );
                let _ = py
                    .import("sys")
                    .and_then(|sys| sys.getattr("stderr"))
                    .and_then(|err| err.call_method1("write", (line,)));
            }
        }
    }

    fn close(mut self, shared: &Shared) {
        self.update(shared);
        match self {
            Bar::Tqdm(bar, _) => {
                let _ = bar.call_method0("close");
            }
            Bar::Text(py, _) => {
                let _ = py
                    .import("sys")
                    .and_then(|sys| sys.getattr("stderr"))
                    .and_then(|err| err.call_method1("write", ("\n",)));
            }
        }
    }
}
