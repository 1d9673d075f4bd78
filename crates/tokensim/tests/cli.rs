//! End-to-end tests of the `tokensim` binary: the built-in experiments at small sizes, bad
//! input, shard equivalence and thread-count determinism.

mod common;

use std::path::Path;

use common::{scratch, stderr};
use std::process::{Command, Output};

fn tokensim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tokensim"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn run_ok(args: &[&str]) {
    let o = tokensim(args);
    assert!(
        o.status.success(),
        "tokensim {args:?} failed: {}",
        stderr(&o)
    );
}

fn records(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("records.csv"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Every built-in experiment.
const BUILTINS: [&str; 8] = [
    "honey",
    "honey-productivity",
    "honey-grid",
    "honey-sensitivity",
    "flash",
    "flash-seed",
    "fei",
    "fei-savings-rate",
];

#[test]
fn list_names_every_experiment() {
    let o = tokensim(&["list"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    for name in BUILTINS {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(name)),
            "{name} not listed"
        );
    }
}

#[test]
fn every_builtin_runs_small_and_show_reproduces_it() {
    let dir = scratch("builtins");
    for name in BUILTINS {
        let out = dir.join(name);
        run_ok(&[
            "run",
            name,
            "--runs",
            "2",
            "--timesteps",
            "6",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap())
                .unwrap();
        assert_eq!(summary["experiment"], name);
        assert_eq!(summary["runs"], 2);
        let subsets = summary["subsets"].as_array().unwrap().len();
        // Genesis row plus one row per block and timestep, per run and subset, plus the
        // header; a failed run (the price guard) stops early. Fei has three blocks.
        let blocks = if name.starts_with("fei") { 3 } else { 1 };
        let full = subsets * 2 * (1 + 6 * blocks);
        let rows = records(&out).len() - 1;
        assert_eq!(rows as u64, summary["rows"].as_u64().unwrap(), "{name}");
        if summary["runs_failed"] == 0 {
            assert_eq!(rows, full, "{name}");
        } else {
            assert!(rows < full, "{name}");
        }
        // `show` prints a file that runs to the same records.
        let o = tokensim(&["show", name]);
        assert!(o.status.success());
        let toml = dir.join(format!("{name}.toml"));
        std::fs::write(&toml, &o.stdout).unwrap();
        let again = dir.join(format!("{name}-from-file"));
        run_ok(&[
            "run",
            toml.to_str().unwrap(),
            "--runs",
            "2",
            "--timesteps",
            "6",
            "--quiet",
            "--no-plots",
            "--out",
            again.to_str().unwrap(),
        ]);
        assert_eq!(records(&again), records(&out), "{name}");
    }
    let plots = dir.join("honey/plots");
    for f in [
        "saturation.png",
        "saturation.svg",
        "heatmap_price.png",
        "heatmap_saturation.svg",
    ] {
        assert!(plots.join(f).is_file(), "{f} missing");
    }
    // Step 1 reports its productivity range.
    let s: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("honey-productivity/summary.json")).unwrap(),
    )
    .unwrap();
    assert!(s["results"]["productivity_range"].is_object());
}

#[test]
fn records_do_not_depend_on_threads_and_shards_partition_them() {
    let dir = scratch("threads");
    let one = dir.join("one");
    let two = dir.join("two");
    let common = [
        "--runs",
        "3",
        "--timesteps",
        "10",
        "--seed",
        "7",
        "--no-plots",
        "--quiet",
    ];
    let mut a = vec![
        "run",
        "honey",
        "--threads",
        "1",
        "--out",
        one.to_str().unwrap(),
    ];
    a.extend(common);
    run_ok(&a);
    let mut b = vec![
        "run",
        "honey",
        "--threads",
        "2",
        "--out",
        two.to_str().unwrap(),
    ];
    b.extend(common);
    run_ok(&b);
    assert_eq!(
        std::fs::read(one.join("records.csv")).unwrap(),
        std::fs::read(two.join("records.csv")).unwrap()
    );
    // The summary too: on 2 threads the collector reads only each run's final record.
    let subsets = |dir: &std::path::Path| -> serde_json::Value {
        let s: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap())
                .unwrap();
        s["subsets"].clone()
    };
    let summary = subsets(&one);
    assert_eq!(summary.as_array().map(Vec::len), Some(9));
    assert_eq!(subsets(&two), summary);
    // Three shards: their rows together are the full run's rows.
    let full = records(&one);
    let mut joined = Vec::new();
    for i in 0..3 {
        let out = dir.join(format!("shard{i}"));
        let shard = format!("{i}/3");
        let mut c = vec![
            "run",
            "honey",
            "--shard",
            &shard,
            "--out",
            out.to_str().unwrap(),
        ];
        c.extend(common);
        run_ok(&c);
        let rows = records(&out);
        assert_eq!(rows[0], full[0], "the header");
        joined.extend(rows.into_iter().skip(1));
    }
    let key = |r: &String| -> (u32, u32, u32, u32) {
        let f: Vec<u32> = r.split(',').take(5).map(|x| x.parse().unwrap()).collect();
        (f[1], f[2], f[4], f[3])
    };
    joined.sort_by_key(key);
    assert_eq!(joined, full[1..].to_vec());
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let dir = scratch("bad");
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    let fails = |args: &[&str], needle: &str| {
        let r = tokensim(args);
        assert!(!r.status.success(), "{args:?} succeeded");
        let e = stderr(&r);
        assert!(e.contains(needle), "{args:?}: `{needle}` not in {e}");
    };
    fails(&["run", "nonesuch"], "unknown experiment `nonesuch`");
    fails(&["show", "nonesuch"], "honey-grid");
    fails(&["run", "honey", "--runs", "0", "--out", o], "--runs");
    fails(
        &["run", "honey", "--timesteps", "-3", "--out", o],
        "--timesteps",
    );
    fails(
        &["run", "honey", "--shard", "3/3", "--out", o],
        "not a shard",
    );
    fails(&["run", "honey", "--shard", "x", "--out", o], "not a shard");
    let toml = dir.join("broken.toml");
    std::fs::write(&toml, "model = \"honey\"\n[sim]\nruns = 2\ntimesteps = \n").unwrap();
    fails(&["run", toml.to_str().unwrap(), "--out", o], "line 4");
    std::fs::write(&toml, "model = \"nope\"\n[sim]\nruns = 1\ntimesteps = 1\n").unwrap();
    fails(
        &["run", toml.to_str().unwrap(), "--out", o],
        "unknown model `nope` (models: honey",
    );
    std::fs::write(
        &toml,
        "model = \"honey\"\n[sim]\nruns = 1\ntimesteps = 1\n[params]\nthrotle = [0.1]\n",
    )
    .unwrap();
    fails(
        &["run", toml.to_str().unwrap(), "--out", o],
        "no parameter `throtle`",
    );
    std::fs::write(
        &toml,
        "model = \"honey\"\n[sim]\nruns = 1\ntimesteps = 1\n[genesis]\nprise = 1.0\n",
    )
    .unwrap();
    fails(
        &["run", toml.to_str().unwrap(), "--out", o],
        "no state variable `prise`",
    );
    // An output directory that cannot be written: its parent is a file.
    let file = dir.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let under = file.join("out");
    fails(
        &[
            "run",
            "honey",
            "--runs",
            "1",
            "--out",
            under.to_str().unwrap(),
        ],
        "cannot",
    );
    // Nothing was left behind.
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn cadcads_layout_is_state_then_index_without_parameters() {
    let dir = scratch("layout");
    let flag = dir.join("flag");
    run_ok(&[
        "run",
        "fei",
        "--runs",
        "1",
        "--timesteps",
        "2",
        "--layout",
        "cadcad",
        "--quiet",
        "--no-plots",
        "--out",
        flag.to_str().unwrap(),
    ]);
    let lines = records(&flag);
    // radCAD's README and cadCAD's DataFrame: the state's keys, then the index, in this order.
    assert!(
        lines[0].ends_with(",simulation,subset,run,substep,timestep"),
        "{}",
        lines[0]
    );
    assert!(lines[0].starts_with("eth_price,"), "{}", lines[0]);
    assert!(
        !lines[0].contains("rebalance_duration"),
        "no parameter columns"
    );
    assert!(
        lines[1].ends_with(",0,0,1,0,0"),
        "the genesis row: {}",
        lines[1]
    );
    // The same from the experiment file, which `show` round-trips.
    let toml = dir.join("fei.toml");
    let shown = tokensim(&["show", "fei"]);
    let text = String::from_utf8_lossy(&shown.stdout).into_owned();
    assert!(
        !text.contains("layout"),
        "the default layout is not written"
    );
    std::fs::write(
        &toml,
        text.replace("[output]", "[output]\nlayout = \"cadcad\""),
    )
    .unwrap();
    let file = dir.join("file");
    run_ok(&[
        "run",
        toml.to_str().unwrap(),
        "--runs",
        "1",
        "--timesteps",
        "2",
        "--quiet",
        "--no-plots",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(records(&file), lines);
    // And back to ours on the command line.
    let ours = dir.join("ours");
    run_ok(&[
        "run",
        toml.to_str().unwrap(),
        "--runs",
        "1",
        "--timesteps",
        "2",
        "--layout",
        "tokensim",
        "--quiet",
        "--no-plots",
        "--out",
        ours.to_str().unwrap(),
    ]);
    assert!(records(&ours)[0].starts_with("simulation,subset,run,substep,timestep,"));
}

#[test]
fn a_genesis_list_is_swept_with_the_parameters() {
    let dir = scratch("genesis-sweep");
    let toml = dir.join("sweep.toml");
    std::fs::write(
        &toml,
        "model = \"honey\"\n[sim]\nruns = 2\ntimesteps = 3\nseed = 1\nsweep = \"product\"\n\
         [params]\nthrottle = [0.002, 0.008]\n\
         [genesis]\nprice = [8.0, 12.0]\nreserve = 7000.0\n",
    )
    .unwrap();
    let out = dir.join("out");
    run_ok(&[
        "run",
        toml.to_str().unwrap(),
        "--quiet",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    let lines = records(&out);
    let header: Vec<&str> = lines[0].split(',').collect();
    // The swept variable is a column after the parameters; the single value is not.
    assert_eq!(header.last(), Some(&"genesis_price"));
    assert!(!header.contains(&"genesis_reserve"));
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (price, reserve, genesis_price, subset) = (
        col("price"),
        col("reserve"),
        col("genesis_price"),
        col("subset"),
    );
    // 2 throttles × 2 prices, the price varying fastest; each run starts from its price.
    for line in lines[1..]
        .iter()
        .filter(|l| l.split(',').nth(4) == Some("0"))
    {
        let cells: Vec<&str> = line.split(',').collect();
        let expected = if cells[subset].parse::<usize>().unwrap() % 2 == 0 {
            "8.0"
        } else {
            "12.0"
        };
        assert_eq!(cells[price], expected, "{line}");
        assert_eq!(cells[genesis_price], expected, "{line}");
        assert_eq!(cells[reserve], "7000.0", "{line}");
    }
    assert_eq!(lines.len(), 1 + 4 * 2 * 4, "4 subsets × 2 runs × 4 rows");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["subsets"][1]["params"]["genesis_price"], 12.0);
    assert_eq!(summary["experiment_file"]["genesis"]["price"][1], 12.0);
}
