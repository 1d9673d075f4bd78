//! The reliability promises of `tokensim run` (docs/RELIABILITY.md), each tried as an attacker
//! would: a user's files are never deleted, the output is replaced atomically, signals and
//! failures leave nothing behind, one run at a time per output, bad and huge input refused up
//! front, and a run in which every run failed exits non-zero.

mod common;

use std::path::Path;

use common::{scratch, stderr};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn tokensim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tokensim"))
}

fn run(args: &[&str], dir: &Path) -> Output {
    tokensim()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

/// The names in `dir`, sorted, hidden ones included.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

const SMALL: [&str; 5] = ["--runs", "2", "--timesteps", "3", "--quiet"];

fn small(dir: &Path, out: &str, extra: &[&str]) -> Output {
    let mut args = vec!["run", "honey", "--out", out];
    args.extend(SMALL);
    args.extend(extra);
    run(&args, dir)
}

#[test]
fn an_existing_directory_tokensim_did_not_write_is_refused() {
    let dir = scratch("foreign");
    std::fs::create_dir(dir.join("exp")).unwrap();
    let toml = run(&["show", "honey"], &dir).stdout;
    std::fs::write(dir.join("exp/my.toml"), &toml).unwrap();
    let o = run(
        &[
            "run",
            "exp/my.toml",
            "--out",
            "exp",
            "--runs",
            "2",
            "--quiet",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("exp exists and is not a tokensim output"),
        "{}",
        stderr(&o)
    );
    // The input is untouched and nothing was left beside it.
    assert_eq!(std::fs::read(dir.join("exp/my.toml")).unwrap(), toml);
    assert_eq!(names(&dir), ["exp"]);
    assert_eq!(names(&dir.join("exp")), ["my.toml"]);
}

#[test]
fn a_previous_output_is_replaced_but_not_one_with_a_users_file() {
    let dir = scratch("replace");
    assert!(small(&dir, "o", &["--seed", "1"]).status.success());
    let first = std::fs::read(dir.join("o/records.csv")).unwrap();
    assert!(small(&dir, "o", &["--seed", "2"]).status.success());
    let second = std::fs::read(dir.join("o/records.csv")).unwrap();
    assert_ne!(first, second);
    assert_eq!(names(&dir), ["o"]);
    // An empty directory is taken too.
    std::fs::create_dir(dir.join("empty")).unwrap();
    assert!(small(&dir, "empty", &[]).status.success());
    // A file the user put into an output is never deleted.
    std::fs::write(dir.join("o/notes.txt"), "mine").unwrap();
    let o = small(&dir, "o", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("holds notes.txt, which tokensim did not write"));
    assert_eq!(std::fs::read(dir.join("o/records.csv")).unwrap(), second);
    assert_eq!(
        std::fs::read_to_string(dir.join("o/notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_file_or_a_symlink_as_out_is_refused_before_any_work() {
    let dir = scratch("file");
    std::fs::write(dir.join("f"), "data").unwrap();
    std::os::unix::fs::symlink("nowhere", dir.join("dangling")).unwrap();
    std::fs::create_dir(dir.join("real")).unwrap();
    std::os::unix::fs::symlink("real", dir.join("link")).unwrap();
    for (out, says) in [
        ("f", "is a file, not a directory"),
        ("dangling", "is a dangling symbolic link"),
        ("link", "is a symbolic link"),
    ] {
        // A run that would take minutes is refused at once.
        let o = run(&["run", "honey", "--runs", "100000", "--out", out], &dir);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains(says), "{out}: {}", stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(dir.join("f")).unwrap(), "data");
    assert_eq!(names(&dir), ["dangling", "f", "link", "real"]);
}

/// A run killed (as by SIGKILL: the test hook aborts) before or after the swap leaves the old
/// output intact or the new one complete; the next run removes what the killed one left.
#[test]
fn the_replace_is_atomic_and_a_killed_runs_leftovers_are_removed() {
    let dir = scratch("atomic");
    assert!(small(&dir, "o", &["--seed", "1"]).status.success());
    let old = std::fs::read(dir.join("o/records.csv")).unwrap();
    for point in ["before-swap", "after-swap"] {
        let mut args = vec!["run", "honey", "--out", "o", "--seed", "2"];
        args.extend(SMALL);
        let o = tokensim()
            .args(&args)
            .current_dir(&dir)
            .env("TOKENSIM_TEST_ABORT_AT", point)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{point}: the hook aborts");
        let now = std::fs::read(dir.join("o/records.csv")).unwrap();
        let summary = std::fs::read_to_string(dir.join("o/summary.json")).unwrap();
        if point == "before-swap" {
            assert_eq!(now, old, "the old output is intact");
            assert!(summary.contains("\"seed\": 1"));
        } else {
            assert_ne!(now, old, "the new output is in place, whole");
            assert!(summary.contains("\"seed\": 2"));
        }
        // The killed process left its temporary directory.
        assert!(names(&dir).iter().any(|n| n.starts_with(".o.tmp-")));
    }
    assert!(small(&dir, "o", &["--seed", "3"]).status.success());
    assert_eq!(names(&dir), ["o"]);
}

/// Spawns a long run into `out` and waits until its temporary directory exists.
fn long_run(dir: &Path, out: &str) -> Child {
    let child = tokensim()
        .args([
            "run",
            "honey",
            "--runs",
            "1000000",
            "--out",
            out,
            "--quiet",
            "--no-plots",
        ])
        .current_dir(dir)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let tmp = format!(".{out}.tmp-{}", child.id());
    let deadline = Instant::now() + Duration::from_secs(60);
    while !dir.join(&tmp).exists() {
        assert!(Instant::now() < deadline, "the run did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

#[test]
fn signals_stop_the_run_and_leave_nothing() {
    let dir = scratch("signals");
    for (sig, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let child = long_run(&dir, "o");
        signal(&child, sig);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(code), "SIG{sig}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("interrupted by SIG{sig}: nothing was written")),
            "{}",
            stderr(&o)
        );
        assert!(names(&dir).is_empty(), "SIG{sig} left {:?}", names(&dir));
    }
}

#[test]
fn a_second_run_on_the_same_output_is_refused_at_once() {
    let dir = scratch("lock");
    let first = long_run(&dir, "o");
    let started = Instant::now();
    let o = small(&dir, "o", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!(
            "another tokensim (process {}) is writing to o",
            first.id()
        )),
        "{}",
        stderr(&o)
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // Another output beside it is not blocked.
    assert!(small(&dir, "p", &[]).status.success());
    signal(&first, "TERM");
    assert_eq!(first.wait_with_output().unwrap().status.code(), Some(143));
    assert_eq!(names(&dir), ["p"]);
}

#[test]
fn an_empty_shard_gives_readable_outputs() {
    let dir = scratch("empty-shard");
    // 9 subsets × 2 runs: shard 18 of 19 and 999 of 1000 have no pairs; with two varying
    // parameters the heatmaps have nothing finite to draw (this used to spin for ever).
    for shard in ["18/19", "999/1000"] {
        let out = format!("s{}", shard.replace('/', "-"));
        let mut child = tokensim()
            .args(["run", "honey", "--runs", "2", "--shard", shard, "--quiet"])
            .args(["--out", &out])
            .current_dir(&dir)
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("shard {shard} hangs");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success());
        let csv = std::fs::read_to_string(dir.join(&out).join("records.csv")).unwrap();
        assert_eq!(csv.lines().count(), 1, "the header alone");
        assert!(csv.starts_with("simulation,subset,run,substep,timestep,"));
        let summary = std::fs::read_to_string(dir.join(&out).join("summary.json")).unwrap();
        let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
        assert_eq!(summary["rows"], 0);
        assert_eq!(summary["runs_failed"], 0);
        let skipped = summary["plots_skipped"].as_array().unwrap();
        assert!(skipped.iter().any(|s| {
            s.as_str()
                .unwrap()
                .starts_with("heatmap_saturation: skipped")
        }));
    }
}

#[cfg(feature = "parquet")]
#[test]
fn an_empty_shard_in_parquet_is_a_valid_file() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let dir = scratch("empty-parquet");
    let o = run(
        &[
            "run", "honey", "--runs", "2", "--shard", "999/1000", "--format", "parquet", "--out",
            "e", "--quiet",
        ],
        &dir,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let file = std::fs::File::open(dir.join("e/records.parquet")).unwrap();
    let reader = SerializedFileReader::new(file).unwrap();
    let meta = reader.metadata().file_metadata();
    assert_eq!(meta.num_rows(), 0);
    // 5 index columns, 10 state variables, 8 parameters.
    assert_eq!(meta.schema_descr().num_columns(), 23);
}

#[test]
fn huge_requests_are_refused_at_once_with_their_size() {
    let dir = scratch("huge");
    std::fs::write(
        dir.join("max.toml"),
        "model = \"honey\"\n[sim]\nruns = 18446744073709551615\ntimesteps = 12\n[params]\nthrottle = [0.002, 0.004]\n",
    )
    .unwrap();
    let grid: Vec<String> = (0..200)
        .map(|i| format!("{}", f64::from(i) / 1000.0))
        .collect();
    let list = grid.join(", ");
    std::fs::write(
        dir.join("grid.toml"),
        format!(
            "model = \"honey\"\n[sim]\nruns = 10\ntimesteps = 12\nsweep = \"product\"\n[params]\nthrottle = [{list}]\noutflow_rate = [{list}]\ntarget_reserve_ratio = [{list}]\np_pull = [{list}]\n"
        ),
    )
    .unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["run", "honey", "--runs", "1000000000000"],
            "GiB for the summary's final states",
        ),
        (
            &["run", "max.toml"],
            "more (subset, run) pairs than can be counted",
        ),
        (
            &["run", "fei", "--timesteps", "1000000000000"],
            "1000000000000 timesteps × 3 substeps is 3000000000001 records of about",
        ),
        (&["run", "grid.toml"], "the sweep has 1.600e9 subsets"),
        (
            &["run", "honey", "--threads", "2000"],
            "2000 threads is more than the 1024",
        ),
    ];
    for (args, says) in cases {
        let started = Instant::now();
        let o = run(args, &dir);
        assert!(!o.status.success(), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{args:?} took long"
        );
    }
    assert_eq!(names(&dir), ["grid.toml", "max.toml"]);
}

#[test]
fn invalid_parameters_are_refused_and_nothing_is_written() {
    let dir = scratch("invalid");
    for (value, shown) in [("nan", "NaN"), ("-1.0", "-1")] {
        std::fs::write(
            dir.join("bad.toml"),
            format!("model = \"honey\"\n[sim]\nruns = 2\ntimesteps = 3\n[params]\nthrottle = [0.002, {value}]\n"),
        )
        .unwrap();
        let o = run(&["run", "bad.toml", "--out", "o"], &dir);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains(&format!(
                "subset 1: parameter `throttle` = {shown}: it must be finite and in [0, 1]"
            )),
            "{}",
            stderr(&o)
        );
        assert_eq!(names(&dir), ["bad.toml"]);
    }
    std::fs::write(
        dir.join("bad.toml"),
        "model = \"fei\"\n[sim]\nruns = 2\ntimesteps = 3\n[params]\ndt = [0.0]\n",
    )
    .unwrap();
    let o = run(&["run", "bad.toml", "--out", "o"], &dir);
    assert!(stderr(&o).contains("parameter `dt` = 0: it must be finite and > 0"));
    assert_eq!(names(&dir), ["bad.toml"]);
}

#[test]
fn every_run_failing_exits_non_zero_and_keeps_the_outputs() {
    let dir = scratch("all-failed");
    // A genesis price of 1e308 overflows on the first step: every run fails the finite check.
    std::fs::write(
        dir.join("big.toml"),
        "model = \"honey\"\n[sim]\nruns = 3\ntimesteps = 5\n[genesis]\nprice = 1e308\n",
    )
    .unwrap();
    let o = run(&["run", "big.toml", "--out", "o", "--quiet"], &dir);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("every run failed (3 of 3)"));
    let summary = std::fs::read_to_string(dir.join("o/summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["runs_failed"], 3);
    let why = summary["failures"][0]["error"].as_str().unwrap();
    assert!(why.contains("is not finite"), "{why}");
    // With the check off, the model's invariants still see the NaN saturation.
    let o = run(
        &[
            "run",
            "big.toml",
            "--out",
            "o",
            "--quiet",
            "--allow-non-finite",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let summary = std::fs::read_to_string(dir.join("o/summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["failures"][0]["invariant"], "saturation_in_unit");
    assert_eq!(summary["invariants"]["violations"]["saturation_in_unit"], 3);
    // With both off, the NaN records are kept, and the run succeeds (in the seed's model: the
    // corrected one refuses a target price that is not a positive number).
    let o = run(
        &[
            "run",
            "big.toml",
            "--out",
            "o",
            "--quiet",
            "--allow-non-finite",
            "--invariants",
            "off",
            "--fidelity",
            "faithful",
        ],
        &dir,
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

/// docs/RELIABILITY.md names the test behind each promise: each name must be a test (or test
/// helper) that exists, so the page cannot drift from the checks.
#[test]
fn the_reliability_page_names_tests_that_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let page = std::fs::read_to_string(root.join("docs/RELIABILITY.md")).unwrap();
    let mut sources = String::new();
    let mut stack = vec![root.join("crates")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                sources.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let names: Vec<&str> = page
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|t| t.matches('_').count() >= 2)
        .filter(|t| {
            t.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .collect();
    assert!(names.len() >= 15, "{names:?}");
    for name in names {
        assert!(
            sources.contains(&format!("fn {name}(")),
            "docs/RELIABILITY.md names `{name}`, which is no function in crates/"
        );
    }
}

/// An output of a tokensim from before the marker file is recognised by its files alone.
#[test]
fn an_output_from_before_the_marker_is_replaced_but_nothing_else() {
    let dir = scratch("legacy");
    let legacy = |extra: Option<&str>| {
        let _ = std::fs::remove_dir_all(dir.join("o"));
        std::fs::create_dir_all(dir.join("o/plots")).unwrap();
        std::fs::write(dir.join("o/records.csv"), "x\n").unwrap();
        std::fs::write(
            dir.join("o/summary.json"),
            "{\"tokensim_version\": \"0.1.0\"}",
        )
        .unwrap();
        std::fs::write(dir.join("o/plots/price.png"), "png").unwrap();
        if let Some(name) = extra {
            std::fs::write(dir.join("o").join(name), "mine").unwrap();
        }
    };
    legacy(None);
    assert!(small(&dir, "o", &["--no-plots"]).status.success());
    assert_eq!(
        names(&dir.join("o")),
        [".tokensim-output", "records.csv", "summary.json"]
    );
    legacy(Some("notes.txt"));
    let o = small(&dir, "o", &[]);
    assert!(
        stderr(&o).contains("is not a tokensim output"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("o/notes.txt")).unwrap(),
        "mine"
    );
}
