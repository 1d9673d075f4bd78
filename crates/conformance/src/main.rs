//! `conformance`: the golden-vector runner, a binary of its own so that `xtask` (which
//! runs it as `cargo xtask conformance`) depends on none of the library crates.
//!
//! ```text
//! conformance [--dir DIR] [--suite NAME]... [--implemented] [--list]
//! ```
//!
//! `--dir` defaults to `$TOKENSIM_CONFORMANCE_DIR`, then to `../shared/conformance` beside the
//! repository. With no `--suite`, every folder of the directory is a suite to run;
//! `--implemented` runs every suite this runner implements, by name (what `cargo xtask check`
//! does); `--list` prints those names. docs/CONFORMANCE.md says what each suite checks.

#![expect(clippy::print_stdout, reason = "a command-line tool reports on stdout")]

mod runner;
mod suites;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match runner::Options::parse(&args) {
        Ok(opts) => opts,
        Err(e) => {
            eprintln!("conformance: {e:#}");
            return ExitCode::from(2);
        }
    };
    if opts.list {
        for name in runner::implemented() {
            println!("{name}");
        }
        return ExitCode::SUCCESS;
    }
    match runner::run(&opts) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("conformance: {e:#}");
            ExitCode::FAILURE
        }
    }
}
