//! The progress bar on stderr, and the engine hook that moves it and stops the engine when a
//! signal asked.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sim_core::Hooks;

use crate::signals;

/// The engine's hooks of a command-line run: progress, and cancellation by a signal.
pub(crate) struct Progress(pub(crate) ProgressBar);

impl Hooks for Progress {
    fn progress(&self, done: usize, total: usize) {
        self.0.set_length(total as u64);
        self.0.set_position(done as u64);
    }
    fn cancelled(&self) -> bool {
        signals::received().is_some()
    }
}

/// The progress bar on stderr, hidden when quiet or not on a terminal.
pub(crate) fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    b.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    b
}
