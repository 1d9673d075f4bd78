//! `cargo xtask tidy`: rules about the source that no compiler checks, which fail when the docs
//! drift from the code (rust-analyzer's `tidy.rs` is the model). `cargo xtask check` runs it
//! right after formatting.
//!
//! - every Rust file starts with a `//!` line saying why it exists;
//! - `docs/ARCHITECTURE.md`'s dependency list names exactly the workspace crates each crate's
//!   `[dependencies]` has;
//! - `docs/CONFORMANCE.md`'s suite table marks exactly the runner's suites implemented, each
//!   with its module;
//! - every published library crate runs its README as a doctest, and every public module of
//!   one opens with a runnable example.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::{consumers, files_under, project_root};

pub(crate) fn run() -> Result<()> {
    let root = project_root();
    let mut problems = Vec::new();
    problems.extend(files_without_module_docs(&root)?);
    problems.extend(long_files(&root)?);
    problems.extend(architecture_drift(&root)?);
    problems.extend(revm_outside_differential(&root)?);
    problems.extend(conformance_drift(&root)?);
    problems.extend(crate_docs_drift(&root)?);
    problems.extend(crate::cycles::problems(&root)?);
    if problems.is_empty() {
        eprintln!("tidy: the docs match the code");
        Ok(())
    } else {
        for p in &problems {
            eprintln!("tidy: {p}");
        }
        bail!("{} tidy problem(s)", problems.len())
    }
}

/// Every `.rs` file under `crates/` and `xtask/` (outside `target/`).
fn rust_files(root: &Path) -> Result<Vec<PathBuf>> {
    let mut out = files_under(&root.join("crates"))?;
    out.extend(files_under(&root.join("xtask"))?);
    out.retain(|p| p.extension().is_some_and(|e| e == "rs"));
    Ok(out)
}

fn files_without_module_docs(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for f in rust_files(root)? {
        let text = fs::read_to_string(&f)?;
        if !text.starts_with("//!") {
            problems.push(format!(
                "{} does not start with a `//!` line saying why it exists",
                rel(root, &f)
            ));
        }
    }
    Ok(problems)
}

/// Lines a source file of a crate may have: past this, a file holds more than one job
/// (functions are held to 80 lines by clippy's `too_many_lines`, clippy.toml).
const MAX_FILE_LINES: usize = 600;

/// Source files (`crates/*/src`, `xtask/src`; not tests or benches) over [`MAX_FILE_LINES`].
fn long_files(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for f in rust_files(root)? {
        let path = rel(root, &f);
        let in_src = path.starts_with("xtask/src/")
            || path.split('/').nth(2).is_some_and(|dir| dir == "src");
        if !in_src {
            continue;
        }
        let lines = fs::read_to_string(&f)?.lines().count();
        if lines > MAX_FILE_LINES {
            problems.push(format!(
                "{path} has {lines} lines, more than {MAX_FILE_LINES}: split it into modules with one job each"
            ));
        }
    }
    Ok(problems)
}

fn rel(root: &Path, f: &Path) -> String {
    f.strip_prefix(root).unwrap_or(f).display().to_string()
}

/// The workspace crates under `crates/`: folder name = package name.
fn workspace_crates(root: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(root.join("crates"))? {
        let path = entry?.path();
        if path.join("Cargo.toml").exists() {
            names.push(
                path.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    names.sort();
    Ok(names)
}

/// The workspace crates named in a manifest's `[dependencies]` table (not dev or build).
fn internal_dependencies(manifest: &str, crates: &[String]) -> Vec<String> {
    let mut in_deps = false;
    let mut deps = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if !in_deps {
            continue;
        }
        let name = line
            .split(['.', '=', ' '])
            .next()
            .unwrap_or_default()
            .trim();
        if crates.iter().any(|c| c == name) {
            deps.push(name.to_owned());
        }
    }
    deps.sort();
    deps.dedup();
    deps
}

/// `docs/ARCHITECTURE.md`'s "Dependencies" list: `` - `a` → `b`, `c` `` or `` - `a` → nothing of ours ``.
fn documented_dependencies(doc: &str) -> Result<BTreeMap<String, Vec<String>>> {
    let section = doc
        .split("\n## Dependencies\n")
        .nth(1)
        .context("docs/ARCHITECTURE.md has no `## Dependencies` section")?;
    let mut map = BTreeMap::new();
    for line in section.lines().take_while(|l| !l.starts_with("## ")) {
        let Some(item) = line.strip_prefix("- `") else {
            continue;
        };
        let Some((name, rest)) = item.split_once("` → ") else {
            bail!("docs/ARCHITECTURE.md: `{line}` is not `- `crate` → `dep`, …`");
        };
        let mut deps: Vec<String> = if rest.trim() == "nothing of ours" {
            Vec::new()
        } else {
            rest.split(',')
                .map(|d| d.trim().trim_matches('`').to_owned())
                .collect()
        };
        deps.sort();
        map.insert(name.to_owned(), deps);
    }
    Ok(map)
}

/// The crates other than `differential` whose manifest names revm in any dependency table: revm
/// (an EVM) is the differential tester's alone, never a library's (docs/ARCHITECTURE.md).
fn revm_outside_differential(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for name in workspace_crates(root)? {
        if name == "differential" {
            continue;
        }
        let manifest = fs::read_to_string(root.join("crates").join(&name).join("Cargo.toml"))?;
        if names_revm(&manifest) {
            problems.push(format!(
                "crates/{name}/Cargo.toml depends on revm, which only crates/differential may"
            ));
        }
    }
    Ok(problems)
}

/// Whether a manifest names `revm` (or a `revm-*` crate) as a dependency.
fn names_revm(manifest: &str) -> bool {
    manifest.lines().any(|line| {
        let name = line
            .split(['.', '=', ' '])
            .next()
            .unwrap_or_default()
            .trim();
        name == "revm" || name.starts_with("revm-")
    })
}

fn architecture_drift(root: &Path) -> Result<Vec<String>> {
    let doc = fs::read_to_string(root.join("docs/ARCHITECTURE.md"))?;
    let documented = documented_dependencies(&doc)?;
    let crates = workspace_crates(root)?;
    let mut problems = Vec::new();
    // xtask is listed too: it must keep depending on none of the crates.
    let members = crates
        .iter()
        .map(|c| (c.as_str(), root.join("crates").join(c)))
        .chain([("xtask", root.join("xtask"))]);
    for (name, dir) in members {
        let manifest = fs::read_to_string(dir.join("Cargo.toml"))?;
        let actual = internal_dependencies(&manifest, &crates);
        match documented.get(name) {
            None => problems.push(format!(
                "docs/ARCHITECTURE.md's dependency list does not name crate `{name}`"
            )),
            Some(deps) if *deps != actual => problems.push(format!(
                "docs/ARCHITECTURE.md says `{name}` → {deps:?}, but its Cargo.toml depends on {actual:?}"
            )),
            Some(_) => {}
        }
    }
    for name in documented.keys() {
        if !crates.contains(name) && name != "xtask" {
            problems.push(format!(
                "docs/ARCHITECTURE.md lists `{name}`, which is not a crate under crates/"
            ));
        }
    }
    Ok(problems)
}

fn conformance_drift(root: &Path) -> Result<Vec<String>> {
    let doc = fs::read_to_string(root.join("docs/CONFORMANCE.md"))?;
    let mut rows = BTreeMap::new();
    for line in doc.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | `suite` | status | module | what passes |
        if cells.len() >= 5 && cells[1].starts_with('`') && cells[1] != "suite" {
            rows.insert(
                cells[1].trim_matches('`').to_owned(),
                (cells[2].to_owned(), cells[3].trim_matches('`').to_owned()),
            );
        }
    }
    let suites = suite_modules(root)?;
    let mut problems = Vec::new();
    for (name, module) in &suites {
        match rows.get(name) {
            None => problems.push(format!("docs/CONFORMANCE.md's table has no row for suite `{name}`")),
            Some((status, m)) if status != "implemented" || m != module => problems.push(format!(
                "docs/CONFORMANCE.md says suite `{name}` is `{status}` in `{m}`; the runner implements it in `{module}`"
            )),
            Some(_) => {}
        }
    }
    for (name, (status, _)) in &rows {
        if status == "implemented" && !suites.contains_key(name) {
            problems.push(format!(
                "docs/CONFORMANCE.md says suite `{name}` is implemented, but the runner has no such suite"
            ));
        }
    }
    Ok(problems)
}

/// The runner's suites, each with its module's path: every file of
/// `crates/conformance/src/suites/` that defines a `SUITE` (its name is the file's stem with `-`
/// for `_`, which a test of the runner holds it to).
fn suite_modules(root: &Path) -> Result<BTreeMap<String, String>> {
    let dir = "crates/conformance/src/suites";
    let mut suites = BTreeMap::new();
    for entry in fs::read_dir(root.join(dir)).with_context(|| format!("cannot read {dir}"))? {
        let path = entry?.path();
        let text = fs::read_to_string(&path)?;
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if text.contains("pub(crate) const SUITE: Suite") {
            suites.insert(stem.replace('_', "-"), format!("{dir}/{stem}.rs"));
        }
    }
    Ok(suites)
}

/// The module docs of a file: its leading `//!` lines, without the marker.
fn module_docs(text: &str) -> String {
    text.lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!").trim_start())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether the docs hold a code block rustdoc runs: an opening fence that is bare or `rust`
/// (not `text`, `ignore`, `no_run` or `compile_fail`).
fn has_runnable_example(docs: &str) -> bool {
    let fences: Vec<&str> = docs.lines().filter(|l| l.starts_with("```")).collect();
    fences
        .iter()
        .step_by(2)
        .any(|f| *f == "```" || *f == "```rust")
}

/// The files of a crate's public modules: `pub mod name;` in a module file, followed.
fn public_modules(file: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let text = fs::read_to_string(file)?;
    let dir = if file.ends_with("lib.rs") || file.ends_with("mod.rs") {
        file.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        file.with_extension("")
    };
    for line in text.lines() {
        let Some(name) = line
            .strip_prefix("pub mod ")
            .and_then(|r| r.strip_suffix(';'))
        else {
            continue;
        };
        let flat = dir.join(format!("{name}.rs"));
        let path = if flat.exists() {
            flat
        } else {
            dir.join(name).join("mod.rs")
        };
        out.push(path.clone());
        public_modules(&path, out)?;
    }
    Ok(())
}

fn crate_docs_drift(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (name, _) in consumers::LIBRARIES {
        let lib = root.join("crates").join(name).join("src/lib.rs");
        let text = fs::read_to_string(&lib)?;
        if !text.contains("#[doc = include_str!(\"../README.md\")]") {
            problems.push(format!(
                "{} does not run its README as a doctest (`#[cfg(doctest)] #[doc = include_str!(\"../README.md\")]`)",
                rel(root, &lib)
            ));
        }
        let mut files = vec![lib.clone()];
        public_modules(&lib, &mut files)?;
        for f in files {
            if !has_runnable_example(&module_docs(&fs::read_to_string(&f)?)) {
                problems.push(format!(
                    "{}: a public module without a runnable example in its `//!` docs",
                    rel(root, &f)
                ));
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_is_tidy() {
        run().unwrap();
    }

    #[test]
    fn the_example_detector() {
        assert!(has_runnable_example("text\n```\nlet x = 1;\n```"));
        assert!(has_runnable_example("```text\na\n```\n```rust\nf();\n```"));
        assert!(!has_runnable_example("```text\na\n```"));
        assert!(!has_runnable_example("```ignore\nf();\n```"));
        assert!(!has_runnable_example("no code"));
    }

    #[test]
    fn dependencies_are_read_from_the_dependencies_table_only() {
        let crates = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let manifest = "[package]\nname = \"x\"\n[dependencies]\na.workspace = true\nb = { workspace = true }\nserde = \"1\"\n[dev-dependencies]\nc.workspace = true\n";
        assert_eq!(internal_dependencies(manifest, &crates), ["a", "b"]);
    }

    #[test]
    fn revm_is_found_in_any_dependency_table() {
        assert!(names_revm("[dev-dependencies]\nrevm.workspace = true\n"));
        assert!(names_revm("[dependencies]\nrevm-primitives = \"21\"\n"));
        assert!(!names_revm(
            "[dependencies]\nrevmish = \"1\"\n# revm later\n"
        ));
    }

    #[test]
    fn a_wrong_arrow_is_caught() {
        let doc = "x\n## Dependencies\n\n- `a` → `b`\n- `b` → nothing of ours\n\n## Next\n";
        let map = documented_dependencies(doc).unwrap();
        assert_eq!(map["a"], ["b"]);
        assert!(map["b"].is_empty());
        assert!(documented_dependencies("- `a` → `b`").is_err());
    }
}
