//! Helpers the command-line tests share: a scratch directory per test, and stderr as text.

use std::path::PathBuf;
use std::process::Output;

/// A fresh, empty directory for one test (this process's, so parallel test binaries do not
/// meet).
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tokensim-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What the process wrote on stderr.
pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
