//! `cargo xtask python` (a step of `check`): the Python package built and tested as a user
//! gets it. A virtual environment under `target/python/venv` gets the test requirements from
//! PyPI (once; a stamp file remembers them); `pip install ./crates/python` builds the package
//! with maturin (in the dev profile here, to share check's build; the README's command builds
//! release); the pytest suite (`crates/python/tests`) runs against the command line built from
//! the same checkout, with the examples in the package's docstrings; and `examples/honey.ipynb` is executed top to bottom in a kernel of that
//! environment, its outputs discarded (the notebook in the repository stays without outputs).
//!
//! Nothing is skipped: a missing `python3` (with `venv`) or an unreachable PyPI fails the step
//! with what to install.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::{compare, project_root, run_cmd};

/// What the tests and the notebook import, and the build backend.
pub(crate) const REQUIREMENTS: [&str; 11] = [
    "maturin>=1.9.4,<2",
    "pytest",
    // A test that hangs fails after five minutes, with every thread's stack.
    "pytest-timeout",
    "numpy",
    "pandas",
    "polars",
    "tqdm",
    "matplotlib",
    "nbclient",
    "nbformat",
    "ipykernel",
];

/// `PATH` with the venv's `bin` first: maturin's build hook runs `maturin` by name.
pub(crate) fn venv_path(python: &Path) -> std::ffi::OsString {
    let bin = python.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut paths = vec![bin];
    if let Some(p) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(paths).unwrap_or_default()
}

/// `pip install` of a local package into the venv of `python`, built by maturin from the
/// sources as they are (no build isolation, no dependencies fetched).
fn pip_install_local(python: &Path) -> Command {
    let mut c = Command::new(python);
    c.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-build-isolation",
        "--force-reinstall",
        "--no-deps",
    ])
    .env("PATH", venv_path(python));
    c
}

/// The venv's Python with the package installed from this checkout, built in `profile`.
pub(crate) fn install(work: &Path, requirements: &[&str], profile: &str) -> Result<PathBuf> {
    let root = project_root();
    let python = compare::venv(work, requirements)?;
    run_cmd(
        pip_install_local(&python)
            .arg(root.join("crates/python"))
            .env(
                "MATURIN_PEP517_ARGS",
                format!("--profile {profile} --locked"),
            ),
    )
    .context("pip could not build and install crates/python")?;
    Ok(python)
}

pub(crate) fn run() -> Result<()> {
    let root = project_root();
    let work = root.join("target/python");
    let python = install(&work, &REQUIREMENTS, "dev")?;
    // The command line the tests compare with.
    crate::build_cli()?;
    let vectors = std::env::var_os("TOKENSIM_CONFORMANCE_DIR")
        .map_or_else(|| root.join("../shared/conformance"), PathBuf::from);
    run_cmd(
        Command::new(&python)
            // The suite, and the examples in the package's docstrings.
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
            .args(["--timeout=300", "--timeout-method=thread"])
            .args(["--doctest-modules", "--pyargs", "tokensim"])
            .arg(root.join("crates/python/tests"))
            .env("TOKENSIM_CONFORMANCE_DIR", &vectors)
            .env("TOKENSIM_BIN", root.join("target/debug/tokensim"))
            .current_dir(&work),
    )
    .context("the Python tests failed")?;
    notebook(&python, &root.join("examples/honey.ipynb"), &work)?;
    own_model(&python, &work)
}

/// `tokensim new predprey --python`: `pip install ./predprey` into the venv, and its test,
/// which runs the model from Python.
fn own_model(python: &Path, work: &Path) -> Result<()> {
    let root = project_root();
    let dir = work.join("scaffold");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .with_context(|| format!("cannot remove {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir)?;
    run_cmd(
        Command::new(root.join("target/debug/tokensim"))
            .args(["new", "predprey", "--python", "--path"])
            .arg(&root)
            .current_dir(&dir),
    )?;
    let project = dir.join("predprey");
    // The versions the workspace is tested with (cargo adds the new crates).
    std::fs::copy(root.join("Cargo.lock"), project.join("Cargo.lock"))?;
    run_cmd(
        pip_install_local(python)
            .arg("./predprey")
            .current_dir(&dir)
            .env("MATURIN_PEP517_ARGS", "--profile dev")
            // The scaffold step's target directory: its dependencies are built there.
            .env("CARGO_TARGET_DIR", root.join("target/scaffold/target")),
    )
    .context("pip could not install the scaffold's Python module")?;
    run_cmd(
        Command::new(python)
            .args([
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "python/tests",
            ])
            .current_dir(&project),
    )
    .context("the scaffold's Python test failed")
}

/// Executes a notebook in a kernel of `python`'s environment, in `dir`, without saving it.
pub(crate) fn notebook(python: &Path, path: &Path, dir: &Path) -> Result<()> {
    const EXECUTE: &str = r#"
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=900, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
print(f"{sys.argv[1]}: {sum(c.cell_type == 'code' for c in nb.cells)} code cells ran")
"#;
    run_cmd(
        Command::new(python)
            .args(["-c", EXECUTE])
            .arg(path)
            .arg(dir)
            .env("MPLBACKEND", "Agg"),
    )
    .with_context(|| format!("{} did not run top to bottom", path.display()))
}
