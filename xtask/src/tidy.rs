//! Tidy checks, run as xtask's unit tests (so `cargo xtask check` runs them): rules about the
//! source that no compiler checks, which fail when the docs drift from the code.

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::{Path, PathBuf};

    use crate::project_root;

    /// The module docs of a file: its leading `//!` lines, without the marker.
    fn module_docs(path: &Path) -> String {
        fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| l.trim_start_matches("//!").trim_start())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Whether the docs hold a code block rustdoc runs: ```` ``` ```` or ```` ```rust ````,
    /// without `ignore`, `no_run` or `compile_fail`.
    fn has_runnable_example(docs: &str) -> bool {
        docs.lines().any(|l| l == "```" || l == "```rust") && {
            // An opening fence is every other fence line; an opening bare fence or `rust` one.
            let fences: Vec<&str> = docs.lines().filter(|l| l.starts_with("```")).collect();
            fences
                .iter()
                .step_by(2)
                .any(|f| *f == "```" || *f == "```rust")
        }
    }

    /// The files of a crate's public modules: `pub mod name;` in a module file, followed.
    fn public_modules(file: &Path, out: &mut Vec<PathBuf>) {
        let text = fs::read_to_string(file).unwrap();
        let dir = if file.ends_with("lib.rs") || file.ends_with("mod.rs") {
            file.parent().unwrap().to_path_buf()
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
            let nested = dir.join(name).join("mod.rs");
            let path = if flat.exists() { flat } else { nested };
            out.push(path.clone());
            public_modules(&path, out);
        }
    }

    /// Every library crate and every public module opens with a runnable example.
    #[test]
    fn every_public_module_opens_with_an_example() {
        let crates = project_root().join("crates");
        let mut missing = Vec::new();
        for (name, _) in crate::consumers::LIBRARIES {
            let lib = crates.join(name).join("src/lib.rs");
            let mut files = vec![lib.clone()];
            public_modules(&lib, &mut files);
            for f in files {
                if !has_runnable_example(&module_docs(&f)) {
                    missing.push(f.strip_prefix(&crates).unwrap().display().to_string());
                }
            }
        }
        assert!(
            missing.is_empty(),
            "these public modules have no runnable example in their //! docs: {missing:?}"
        );
    }

    #[test]
    fn the_example_detector() {
        assert!(has_runnable_example("text\n```\nlet x = 1;\n```"));
        assert!(has_runnable_example("```text\na\n```\n```rust\nf();\n```"));
        assert!(!has_runnable_example("```text\na\n```"));
        assert!(!has_runnable_example("```ignore\nf();\n```"));
        assert!(!has_runnable_example("no code"));
    }
}
