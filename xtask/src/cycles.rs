//! Tidy's import-cycle check: the modules of the `tokensim` library (its files and folders
//! under `crates/tokensim/src`, the binary aside) must import each other without cycles, so
//! that each can be read knowing only the ones below it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Result;

use crate::files_under;

/// The library's modules and the modules each one names as `crate::NAME` (tests included).
fn imports(src: &Path) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files_under(src)? {
        let Ok(rel) = file.strip_prefix(src) else {
            continue;
        };
        let Some(first) = rel.components().next() else {
            continue;
        };
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if module == "bin" || module == "lib" || file.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file)?;
        let names = graph.entry(module.clone()).or_default();
        for (at, _) in text.match_indices("crate::") {
            let name: String = text[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                names.insert(name);
            }
        }
    }
    // Only names that are modules.
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for names in graph.values_mut() {
        names.retain(|n| modules.contains(n));
    }
    Ok(graph)
}

/// A cycle in the graph, as the modules along it, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|p| p == node) {
            let mut c = path[start..].to_vec();
            c.push(node.to_owned());
            return Some(c);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

/// The problems: a cycle among the `tokensim` library's modules.
pub(crate) fn problems(root: &Path) -> Result<Vec<String>> {
    let graph = imports(&root.join("crates/tokensim/src"))?;
    Ok(cycle(&graph)
        .map(|c| {
            vec![format!(
                "the tokensim library's modules import each other in a cycle: {}",
                c.join(" → ")
            )]
        })
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_is_found_and_a_tree_is_not() {
        let g = |edges: &[(&str, &str)]| {
            let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for (a, b) in edges {
                m.entry((*a).into()).or_default().insert((*b).into());
                m.entry((*b).into()).or_default();
            }
            m
        };
        assert_eq!(cycle(&g(&[("a", "b"), ("b", "c"), ("a", "c")])), None);
        assert_eq!(
            cycle(&g(&[("a", "b"), ("b", "c"), ("c", "a")])),
            Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
        );
    }
}
