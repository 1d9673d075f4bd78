//! `tokensim new NAME`: a new crate in `NAME/` with a small model in cadCAD's shape, its
//! `main.rs` (the command line), an experiment file and a test, so that
//! `cd NAME && cargo run --release -- run NAME.toml` works at once. Written whole or not at
//! all, and never over an existing directory that is not empty.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Where the new crate gets `sim-core` and `tokensim` from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// A checkout of tokensim's repository.
    Path(PathBuf),
    /// tokensim's git repository.
    Git(String),
    /// crates.io, at this tokensim's version.
    CratesIo,
}

impl Source {
    /// The source tree this tokensim was built from, when it is still there; otherwise
    /// crates.io.
    pub(crate) fn default_for_this_build() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        if root.join("crates/sim-core/Cargo.toml").is_file()
            && let Ok(root) = root.canonicalize()
        {
            return Source::Path(root);
        }
        Source::CratesIo
    }

    /// The Python module's `[dependencies]` line for tokensim, with its `python` feature.
    fn python_dependency(&self) -> Result<String> {
        const FEATURES: &str = "default-features = false, features = [\"python\"]";
        Ok(match self {
            Source::Path(root) => {
                let root = root
                    .canonicalize()
                    .with_context(|| format!("--path {}: no such directory", root.display()))?;
                format!(
                    "tokensim = {{ path = {}, {FEATURES} }}",
                    toml_string(&root.join("crates/tokensim").to_string_lossy())
                )
            }
            Source::Git(url) => format!("tokensim = {{ git = {}, {FEATURES} }}", toml_string(url)),
            Source::CratesIo => format!(
                "tokensim = {{ version = \"{}\", {FEATURES} }}",
                env!("CARGO_PKG_VERSION")
            ),
        })
    }

    /// The `[dependencies]` lines.
    fn dependencies(&self) -> Result<String> {
        const FEATURES: &str = "default-features = false, features = [\"parquet\"]";
        // sim-core's `proptest` feature: the search for counterexamples, in the crate's tests.
        const SEARCH: &str = "features = [\"proptest\"]";
        Ok(match self {
            Source::Path(root) => {
                let root = root
                    .canonicalize()
                    .with_context(|| format!("--path {}: no such directory", root.display()))?;
                for krate in ["sim-core", "tokensim"] {
                    if !root.join("crates").join(krate).join("Cargo.toml").is_file() {
                        bail!(
                            "--path {}: not a tokensim checkout (no crates/{krate}/Cargo.toml)",
                            root.display()
                        );
                    }
                }
                let at =
                    |krate: &str| toml_string(&root.join("crates").join(krate).to_string_lossy());
                format!(
                    "sim-core = {{ path = {}, {SEARCH} }}\ntokensim = {{ path = {}, {FEATURES} }}",
                    at("sim-core"),
                    at("tokensim")
                )
            }
            Source::Git(url) => format!(
                "sim-core = {{ git = {0}, {SEARCH} }}\ntokensim = {{ git = {0}, {FEATURES} }}",
                toml_string(url)
            ),
            Source::CratesIo => {
                let v = env!("CARGO_PKG_VERSION");
                format!(
                    "sim-core = {{ version = \"{v}\", {SEARCH} }}\ntokensim = {{ version = \"{v}\", {FEATURES} }}"
                )
            }
        })
    }
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// A crate name cargo accepts and a model name experiment files can hold: ASCII lowercase
/// letters, digits, `-` and `_`, starting with a letter, at most 64 characters.
fn check_name(name: &str) -> Result<()> {
    let ok = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        bail!(
            "`{name}` cannot name a crate: use lowercase ASCII letters, digits, `-` and `_`, starting with a letter"
        );
    }
    if [
        "test",
        "core",
        "std",
        "alloc",
        "proc_macro",
        "self",
        "crate",
        "super",
    ]
    .contains(&name)
    {
        bail!("`{name}` is reserved by Rust; choose another name");
    }
    Ok(())
}

/// The files of the new crate, paths relative to its directory; with `python` (the Python
/// module's tokensim dependency), also `pyproject.toml` and the module in `python/`.
fn files(name: &str, dependencies: &str, python: Option<&str>) -> Vec<(String, String)> {
    let krate = name.replace('-', "_");
    let fill = |t: &str| {
        t.replace("{{name}}", name)
            .replace("{{crate}}", &krate)
            .replace("{{dependencies}}", dependencies)
            .replace("{{python_dependencies}}", python.unwrap_or_default())
    };
    let mut files = vec![
        (
            "Cargo.toml".into(),
            fill(include_str!("template/Cargo.toml.in")),
        ),
        (
            "src/lib.rs".into(),
            fill(include_str!("template/lib.rs.in")),
        ),
        (
            "src/main.rs".into(),
            fill(include_str!("template/main.rs.in")),
        ),
        (
            format!("{name}.toml"),
            fill(include_str!("template/experiment.toml.in")),
        ),
        (
            "tests/model.rs".into(),
            fill(include_str!("template/test.rs.in")),
        ),
        (".gitignore".into(), "/target\n/out\n".into()),
    ];
    if python.is_some() {
        if let Some((_, manifest)) = files.iter_mut().find(|(p, _)| p == "Cargo.toml") {
            // The Python module is a member of the crate's own workspace: one lock file, one
            // target directory.
            *manifest = manifest.replace("[workspace]\n", "[workspace]\nmembers = [\"python\"]\n");
        }
        files.extend([
            (
                "pyproject.toml".into(),
                fill(include_str!("template/pyproject.toml.in")),
            ),
            (
                "python/Cargo.toml".into(),
                fill(include_str!("template/python-Cargo.toml.in")),
            ),
            (
                "python/src/lib.rs".into(),
                fill(include_str!("template/python-lib.rs.in")),
            ),
            (
                format!("python/tests/test_{krate}.py"),
                fill(include_str!("template/python-test.py.in")),
            ),
        ]);
    }
    files
}

/// Writes the crate `name` into `parent/name`, which must not exist or be empty. Returns its
/// directory.
pub(crate) fn new(parent: &Path, name: &str, source: &Source, python: bool) -> Result<PathBuf> {
    check_name(name)?;
    let dest = parent.join(name);
    if let Ok(mut entries) = fs::read_dir(&dest) {
        if entries.next().is_some() {
            bail!(
                "{} exists and is not empty; tokensim new writes only a new directory",
                dest.display()
            );
        }
    } else if dest.exists() || dest.is_symlink() {
        bail!("{} exists and is not a directory", dest.display());
    }
    let python = if python {
        Some(source.python_dependency()?)
    } else {
        None
    };
    let files = files(name, &source.dependencies()?, python.as_deref());
    let tmp = parent.join(format!(".{name}.new-{}", std::process::id()));
    let written = write_all(&tmp, &files).and_then(|()| {
        // Over a missing or empty directory only (rename refuses a non-empty one).
        fs::rename(&tmp, &dest).with_context(|| format!("cannot create {}", dest.display()))
    });
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(dest)
}

fn write_all(dir: &Path, files: &[(String, String)]) -> Result<()> {
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
        }
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        for good in ["predprey", "my-model", "amm_2"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "Pred", "2x", "a b", "../x", "test", "ümlaut"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_placeholder_is_filled() {
        for (path, text) in files(
            "pred-prey",
            "sim-core = \"0.1.0\"",
            Some("tokensim = \"0.1.0\""),
        ) {
            assert!(!text.contains("{{"), "{path}");
        }
        let main = files("pred-prey", "", None)
            .into_iter()
            .find(|(p, _)| p == "src/main.rs")
            .unwrap()
            .1;
        assert!(main.contains("tokensim::main!(pred_prey::register);"));
    }

    #[test]
    fn an_existing_directory_is_left_alone() {
        let parent = std::env::temp_dir().join(format!("tokensim-new-{}", std::process::id()));
        let _ = fs::remove_dir_all(&parent);
        fs::create_dir_all(parent.join("taken")).unwrap();
        fs::write(parent.join("taken/mine.txt"), "mine").unwrap();
        let err = new(&parent, "taken", &Source::CratesIo, false).unwrap_err();
        assert!(err.to_string().contains("is not empty"), "{err}");
        assert_eq!(
            fs::read_to_string(parent.join("taken/mine.txt")).unwrap(),
            "mine"
        );
        let dir = new(
            &parent,
            "fresh",
            &Source::Git("https://example.org/t.git".into()),
            true,
        )
        .unwrap();
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("tokensim = { git = \"https://example.org/t.git\""));
        assert!(manifest.contains("members = [\"python\"]"));
        let module = fs::read_to_string(dir.join("python/Cargo.toml")).unwrap();
        assert!(module.contains("features = [\"python\"]"), "{module}");
        assert!(dir.join("pyproject.toml").is_file());
        assert!(dir.join("python/tests/test_fresh.py").is_file());
        assert_eq!(
            fs::read_dir(&parent).unwrap().count(),
            2,
            "no temporary directory left"
        );
        fs::remove_dir_all(&parent).unwrap();
    }
}
