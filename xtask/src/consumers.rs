//! `cargo xtask consumers`: "pick and choose", checked. Each library crate is packaged as
//! crates.io would receive it, and a fresh consumer outside the workspace, depending on that
//! one crate alone, builds against the packages (not the workspace's paths) and runs the
//! crate's README example.
//!
//! The packages are `cargo package`'s `.crate` files, unpacked; the consumers name our crates
//! by version, as a user would, and `[patch.crates-io]` points those names at the unpacked
//! packages, so a file missing from a package, a path dependency without a version or a
//! feature the README needs but does not name fails here. The consumers share one target
//! directory (`target/consumers`) and the workspace's lock file, so the external crates are the
//! versions the workspace tests and are compiled once.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{cargo, project_root, run_cmd};

/// Every published library crate, the extra dependencies its README example uses (as
/// `name = "requirement"` lines), and the crate name a user writes in `use`.
pub(crate) const LIBRARIES: &[(&str, &str)] = &[
    ("carbon-orders", ""),
    ("cp-amm", "rust_decimal = \"1\"\n"),
    ("fei-cam", ""),
    ("notional", ""),
    ("sim-core", ""),
    ("tokensim-models", "rust_decimal = \"1\"\n"),
    // The command line as a library: a user's crate registering its own model.
    ("tokensim", "sim-core = \"0.1.0\"\n"),
];

/// Every package `cargo publish --workspace` publishes: the libraries, the command line's
/// among them.
fn published() -> impl Iterator<Item = &'static str> {
    LIBRARIES.iter().map(|(name, _)| *name)
}

pub(crate) fn run() -> Result<()> {
    let root = project_root();
    let version = workspace_version(&root)?;
    let work = std::env::temp_dir().join(format!("tokensim-consumers-{}", std::process::id()));
    let result = run_in(&root, &work, &version);
    // Everything under `work` was written here.
    let _ = fs::remove_dir_all(&work);
    result
}

fn run_in(root: &Path, work: &Path, version: &str) -> Result<()> {
    let packages = work.join("packages");
    fs::create_dir_all(&packages).with_context(|| format!("creating {}", packages.display()))?;
    let mut package = cargo(&["package", "--no-verify", "--allow-dirty", "--locked"]);
    for p in published() {
        package.args(["-p", p]);
    }
    run_cmd(&mut package)?;
    for p in published() {
        let file = root
            .join("target/package")
            .join(format!("{p}-{version}.crate"));
        run_cmd(
            Command::new("tar")
                .arg("-xzf")
                .arg(&file)
                .arg("-C")
                .arg(&packages),
        )
        .with_context(|| format!("unpacking {} (is `tar` installed?)", file.display()))?;
    }
    let patch: String = published()
        .map(|p| {
            let dir = packages.join(format!("{p}-{version}"));
            format!("{p} = {{ path = {:?} }}\n", dir.display().to_string())
        })
        .collect();
    let lock = fs::read(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let target = root.join("target/consumers");
    for (name, extra) in LIBRARIES {
        let readme = packages.join(format!("{name}-{version}/README.md"));
        let text = fs::read_to_string(&readme)
            .with_context(|| format!("the package of {name} has no README.md"))?;
        let example = readme_example(&text)
            .with_context(|| format!("{name}'s README has no ```rust example"))?;
        let dir = work.join(format!("consumer-{name}"));
        fs::create_dir_all(dir.join("src"))?;
        fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"consumer-{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
                 publish = false\n\n[dependencies]\n{name} = \"{version}\"\n{extra}\n\
                 [patch.crates-io]\n{patch}\n# Not part of any workspace.\n[workspace]\n"
            ),
        )?;
        fs::write(dir.join("Cargo.lock"), &lock)?;
        fs::write(dir.join("src/main.rs"), consumer_main(name, &example))?;
        eprintln!("\n--> a new crate that depends on {name} {version} alone");
        run_cmd(
            Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
                .args(["run", "--quiet", "--manifest-path"])
                .arg(dir.join("Cargo.toml"))
                .env("CARGO_TARGET_DIR", &target)
                .current_dir(&dir),
        )?;
        check_alone(&dir, name)?;
    }
    eprintln!(
        "consumers: {} crates built and ran their README examples from their packages",
        LIBRARIES.len()
    );
    Ok(())
}

/// The consumer resolved our crates from the unpacked packages, and only the one it names
/// and that crate's own dependencies.
fn check_alone(dir: &Path, name: &str) -> Result<()> {
    let lock = fs::read_to_string(dir.join("Cargo.lock"))?;
    let ours: Vec<&str> = lock
        .split("[[package]]")
        .filter(|entry| !entry.contains("source = ") && !entry.contains("consumer-"))
        .filter_map(|entry| {
            entry
                .lines()
                .find_map(|l| l.strip_prefix("name = \""))
                .and_then(|n| n.strip_suffix('"'))
        })
        .collect();
    if !ours.contains(&name) {
        bail!("the consumer of {name} did not build it from the package (lock: {ours:?})");
    }
    Ok(())
}

/// The first ```rust block of a README, hidden lines (`# `) included, as a doctest sees it.
fn readme_example(text: &str) -> Option<String> {
    let start = text.find("```rust\n")? + "```rust\n".len();
    let len = text[start..].find("```")?;
    let body = text[start..start + len]
        .lines()
        .map(|l| {
            l.strip_prefix("# ")
                .or_else(|| (l == "#").then_some(""))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n");
    Some(body)
}

/// A `main` that runs the example as its doctest would: in a closure whose last expression
/// (`Ok::<(), E>(())`) fixes the error type.
fn consumer_main(name: &str, example: &str) -> String {
    let body: String = example.lines().map(|l| format!("        {l}\n")).collect();
    format!(
        "//! A user's crate that depends on `{name}` alone and runs its README's example.\n\n\
         fn main() {{\n    let result = (|| {{\n{body}    }})();\n    \
         if let Err(e) = result {{\n        eprintln!(\"{name}'s README example failed: {{e}}\");\n        \
         std::process::exit(1);\n    }}\n    println!(\"{name}: the README example ran\");\n}}\n"
    )
}

/// `version` from `[workspace.package]`.
fn workspace_version(root: &Path) -> Result<String> {
    let manifest = fs::read_to_string(root.join("Cargo.toml"))?;
    let section = manifest
        .split("[workspace.package]")
        .nth(1)
        .context("Cargo.toml has no [workspace.package]")?;
    section
        .lines()
        .find_map(|l| {
            l.strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'))
        })
        .map(str::to_owned)
        .context("[workspace.package] has no version")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_keeps_hidden_lines() {
        let readme = "text\n```toml\nx = 1\n```\n```rust\nuse a::b;\n# let c = 1;\n#\nf(c);\n# Ok::<(), E>(())\n```\n";
        assert_eq!(
            readme_example(readme).unwrap(),
            "use a::b;\nlet c = 1;\n\nf(c);\nOk::<(), E>(())"
        );
        assert!(readme_example("no code").is_none());
    }

    #[test]
    fn every_library_is_a_workspace_crate_with_a_readme() {
        let root = project_root();
        for (name, _) in LIBRARIES {
            let dir = root.join("crates").join(name);
            let readme = fs::read_to_string(dir.join("README.md")).unwrap();
            assert!(readme_example(&readme).is_some(), "{name}");
        }
    }
}
