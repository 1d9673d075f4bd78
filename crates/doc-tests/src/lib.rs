//! The Rust examples in the workspace's guides, run as doctests.
//!
//! `docs/USER_GUIDE.md` walks a cadCAD user through a whole model; its code blocks are real
//! programs, and this crate includes the file so that `cargo test --doc` compiles and runs
//! them, and a guide that drifts from the API fails the build. The crate is not published
//! (`publish = false`): the guides live outside every package, and each published crate tests
//! its own README the same way.

/// `docs/USER_GUIDE.md`.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/USER_GUIDE.md")]
pub struct UserGuide;
