//! Catching a panic in model code, so that it costs only its run: the message and where it
//! was raised, with the default "thread panicked" report kept off stderr for caught panics.
//!
//! `catch_unwind` hands back only the payload; the location is known only to the panic hook.
//! The engine installs, once, a hook that defers to the one it replaces except while this
//! thread is inside [`catch`], where it records the location instead of printing.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// A caught panic.
pub(crate) struct PanicInfo {
    /// The payload's `&str` or `String`, or a note that it was neither.
    pub(crate) message: String,
    /// `file:line:column`, or `unknown`.
    pub(crate) location: String,
}

thread_local! {
    /// Whether this thread is inside [`catch`].
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// The location of the last panic caught on this thread.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

static INSTALL: Once = Once::new();

fn install_hook() {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                LOCATION.with(|slot| *slot.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; a panic in it comes back as its message and location.
///
/// Model state must be unwind-safe in `catch_unwind`'s sense: after a panic, the run's state
/// is dropped, never read again, so a half-updated state cannot be observed. The engine
/// asserts this (`AssertUnwindSafe`) for the run it is computing.
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, PanicInfo> {
    install_hook();
    let outer = CATCHING.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(outer));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic whose payload is not a string".to_owned());
        let location = LOCATION
            .with(|slot| slot.borrow_mut().take())
            .unwrap_or_else(|| "unknown".to_owned());
        PanicInfo { message, location }
    })
}
