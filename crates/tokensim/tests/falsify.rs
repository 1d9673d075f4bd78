//! `tokensim falsify` end to end: the seed's Honey walk gives a shrunk counterexample whose
//! file replays it; the corrected model gives none in the same budget; a user's file is never
//! overwritten; every corrected built-in experiment runs without a violation.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{scratch, stderr};

fn tokensim(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tokensim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

/// `(timestep, substep)` from "broke at timestep T, substep K".
fn broke_at(text: &str) -> (u64, u64) {
    let rest = text.split("broke at timestep ").nth(1).expect(text);
    let (t, rest) = rest.split_once(", substep ").unwrap();
    let k: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (t.parse().unwrap(), k.parse().unwrap())
}

#[test]
fn the_seed_s_walk_is_falsified_shrunk_and_replayed() {
    let dir = scratch("falsify-seed");
    let o = tokensim(&["falsify", "honey", "--fidelity", "faithful"], &dir);
    assert_eq!(o.status.code(), Some(4), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("invariant `price_positive` broke at timestep"),
        "{text}"
    );
    let at = broke_at(&text);
    // Shrunk to one run, and a horizon that ends where the price first crosses zero.
    assert!(
        text.contains(&format!("one run of {} timestep", at.0)),
        "{text}"
    );
    assert!(at.0 <= 12, "{text}");
    let file = std::fs::read_to_string(dir.join("counterexample.toml")).unwrap();
    assert!(
        file.starts_with("# tokensim falsify: a counterexample"),
        "{file}"
    );
    assert!(file.contains("fidelity = \"faithful\""), "{file}");
    assert!(file.contains("[sim]\nruns = 1\n"), "{file}");
    assert!(!file.contains("[search"), "{file}");
    // `tokensim run` replays it: its one run fails at the same substep, on the same invariant.
    let o = tokensim(
        &[
            "run",
            "counterexample.toml",
            "--out",
            "replay",
            "--no-plots",
            "--quiet",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let s = summary(&dir.join("replay"));
    let f = &s["failures"][0];
    assert_eq!(f["invariant"], "price_positive");
    assert_eq!(
        (
            f["timestep"].as_u64().unwrap(),
            f["substep"].as_u64().unwrap()
        ),
        at
    );
    assert_eq!(s["invariants"]["violations"]["price_positive"], 1);
    // The same search seed finds the same case, and overwrites its own file.
    let again = tokensim(
        &["falsify", "honey", "--fidelity", "faithful", "--quiet"],
        &dir,
    );
    assert_eq!(again.status.code(), Some(4));
    assert_eq!(stdout(&again).lines().nth(1), text.lines().nth(1));
    assert_eq!(
        std::fs::read_to_string(dir.join("counterexample.toml"))
            .unwrap()
            .lines()
            .skip(2)
            .collect::<Vec<_>>(),
        file.lines().skip(2).collect::<Vec<_>>()
    );
}

#[test]
fn the_corrected_model_survives_the_same_budget() {
    let dir = scratch("falsify-corrected");
    let o = tokensim(&["falsify", "honey"], &dir);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).starts_with(
            "no counterexample in 256 cases of up to 120 timesteps over p_variance in [0.0, 0.5], target_reserve_ratio in {0.1, 0.2, 0.3}, throttle in {0.002, 0.004, 0.008}"
        ),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("every invariant (price_positive, target_price_positive"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("counterexample.toml").exists());
}

#[test]
fn a_file_falsify_did_not_write_is_left_alone() {
    let dir = scratch("falsify-refuse");
    std::fs::write(dir.join("counterexample.toml"), "my notes\n").unwrap();
    let o = tokensim(
        &["falsify", "honey", "--fidelity", "faithful", "--quiet"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is not a counterexample tokensim wrote"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("counterexample.toml")).unwrap(),
        "my notes\n"
    );
    // Unknown names are refused before the search, naming what exists.
    let o = tokensim(
        &[
            "falsify",
            "honey",
            "--invariant",
            "price_postive",
            "--out",
            "x.toml",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the model has no invariant `price_postive`"),
        "{}",
        stderr(&o)
    );
    std::fs::write(dir.join("space.toml"), "model = \"honey\"\n[sim]\nruns = 1\ntimesteps = 3\n[search]\nvolatility = { min = 0.0, max = 1.0 }\n").unwrap();
    let o = tokensim(&["falsify", "space.toml", "--out", "x.toml"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("model `honey` has no parameter `volatility`"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("x.toml").exists());
    // One invariant only, from a file's [search] with a genesis range and a time limit.
    std::fs::write(dir.join("space.toml"), "model = \"honey\"\nfidelity = \"faithful\"\n[sim]\nruns = 1\ntimesteps = 24\n[search]\ncases = 64\np_variance = { min = 1.0, max = 2.0 }\n[search.genesis]\nprice = { min = 1.0, max = 50.0 }\n").unwrap();
    let o = tokensim(
        &[
            "falsify",
            "space.toml",
            "--invariant",
            "price_positive",
            "--time-limit",
            "30s",
            "--out",
            "one.toml",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(4), "{}{}", stdout(&o), stderr(&o));
    let file = std::fs::read_to_string(dir.join("one.toml")).unwrap();
    assert!(
        file.contains("[invariants]\ncheck = \"substep\"\nonly = [\"price_positive\"]"),
        "{file}"
    );
    assert!(file.contains("[genesis]\nprice = "), "{file}");
    let o = tokensim(
        &["run", "one.toml", "--out", "one", "--no-plots", "--quiet"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(
        summary(&dir.join("one"))["invariants"]["only"][0],
        "price_positive"
    );
}

/// Every built-in experiment, in its corrected form and at its full size: no run violates an
/// invariant (or fails at all), and the summary lists the invariants checked.
#[test]
fn every_corrected_built_in_experiment_runs_without_violations() {
    let dir = scratch("falsify-builtins");
    // The experiments `list` names, after its `experiments:` line.
    let list = stdout(&tokensim(&["list"], &dir));
    let names: Vec<&str> = list
        .lines()
        .skip_while(|l| *l != "experiments:")
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(names.len(), 8, "{list}");
    for name in names {
        let o = tokensim(
            &[
                "run",
                name,
                "--fidelity",
                "corrected",
                "--invariants",
                "substep",
                "--no-plots",
                "--quiet",
                "--out",
                name,
            ],
            &dir,
        );
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let s = summary(&dir.join(name));
        assert_eq!(s["runs_failed"], 0, "{name}");
        let v = s["invariants"]["violations"].as_object().unwrap();
        assert!(v.len() >= 2 && v.values().all(|n| n == 0), "{name}: {v:?}");
    }
}
