//! `tokensim`: the command line with the seed models registered (Honey, Flash, Fei and their
//! experiments), exactly as a user's own binary registers theirs.
//!
//! ```text
//! tokensim list
//! tokensim show honey > my.toml
//! tokensim run honey --runs 100 --threads 2 --out out/honey
//! tokensim run my.toml --format parquet --shard 0/4
//! ```

/// mimalloc: the engine's workers allocate each run's records and the writing thread frees
/// them; glibc's allocator spent a fifth of a two-thread sweep's time in the kernel on that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

tokensim::main!(tokensim::builtins::register);
