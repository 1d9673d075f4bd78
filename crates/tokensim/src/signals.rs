//! SIGINT, SIGTERM and SIGHUP during `tokensim run`: the first stops the engine between runs
//! and timesteps (the run then removes its temporary directory and lock, and the process
//! exits with 128 + the signal: 130, 143, 129); a second one, if the first is not done yet,
//! removes them at once and exits.

use std::sync::atomic::{AtomicI32, Ordering};

use anyhow::{Context, Result};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::output;

/// The first signal received, 0 for none.
static STOP: AtomicI32 = AtomicI32::new(0);

/// Starts the thread that receives the signals.
///
/// # Errors
/// The handlers cannot be registered.
pub(crate) fn install() -> Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP]).context("cannot handle signals")?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                if STOP.swap(sig, Ordering::SeqCst) != 0 {
                    output::cleanup_now();
                    std::process::exit(128 + sig);
                }
            }
        })
        .context("cannot start the signal thread")?;
    Ok(())
}

/// The signal that asked the run to stop, if one did.
pub(crate) fn received() -> Option<i32> {
    match STOP.load(Ordering::SeqCst) {
        0 => None,
        sig => Some(sig),
    }
}

/// The signal's name, for messages.
pub(crate) fn name(sig: i32) -> &'static str {
    match sig {
        SIGINT => "SIGINT",
        SIGTERM => "SIGTERM",
        SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}
