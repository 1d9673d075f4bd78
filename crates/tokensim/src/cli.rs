//! The command line over a [`Registry`]: parses the arguments, runs the command, and turns
//! its end into an exit code. The commands themselves are in their own modules.

#![expect(clippy::print_stdout, reason = "a command line prints its results")]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use sim_core::{Fidelity, InvariantCheck};

use crate::experiment::{ExperimentFile, Format, Overrides};
use crate::registry::Registry;
use crate::run::RunRequest;
use crate::{falsify, merge, run, scaffold, signals};

#[derive(Parser)]
#[command(
    name = "tokensim",
    version,
    about = "Token-economy simulations with cadCAD's semantics"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The models and named experiments, one line each.
    List,
    /// Prints an experiment as the TOML that reproduces it (a model's name gives a starting
    /// experiment with every parameter at its default).
    Show {
        /// An experiment's or a model's name (see `list`).
        experiment: String,
    },
    /// Runs a named experiment, a model's starting experiment, or an experiment file (`.toml`).
    Run(RunArgs),
    /// Searches an experiment's space for a counterexample to its model's invariants, shrinks
    /// it, and writes it as an experiment file that `run` replays. Exits 4 when it finds one.
    /// Invariants the experiment turns off are checked after every substep here.
    Falsify(FalsifyArgs),
    /// Merges the outputs of `run --shard I/N` for every I into one output, as the unsharded
    /// run writes it: the records in record order, `summary.json` over all runs, the plots.
    Merge(MergeArgs),
    /// Writes a new crate in `NAME/` with a model of your own: `cd NAME && cargo run --release
    /// -- run NAME.toml`.
    New(NewArgs),
}

#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("source").multiple(false))]
struct NewArgs {
    /// The crate's (and its model's) name.
    name: String,
    /// Depend on a tokensim checkout at this path (default: the sources this tokensim was
    /// built from, when they are still there).
    #[arg(long, group = "source")]
    path: Option<PathBuf>,
    /// Depend on tokensim's git repository at this URL.
    #[arg(long, group = "source")]
    git: Option<String>,
    /// Depend on the crates.io releases of this tokensim's version.
    #[arg(long, group = "source")]
    crates_io: bool,
    /// Add a Python module (`pyproject.toml`, `python/`): `pip install ./NAME`, then
    /// `import NAME; NAME.run(...)`.
    #[arg(long)]
    python: bool,
}

#[derive(clap::Args)]
struct MergeArgs {
    /// The merged output directory: a new path, an empty directory, or a previous tokensim
    /// output, which is replaced whole.
    out: PathBuf,
    /// The shards' output directories, every shard of one experiment once, in any order.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// Skip the plots.
    #[arg(long)]
    no_plots: bool,
    /// No report on stderr.
    #[arg(long)]
    quiet: bool,
}

#[derive(clap::Args)]
struct RunArgs {
    /// A named experiment, a model's name, or the path of an experiment file.
    experiment: String,
    /// Monte Carlo runs per subset (overrides the experiment's).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u64).range(1..))]
    runs: Option<u64>,
    /// Timesteps per run (overrides the experiment's).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u64).range(1..))]
    timesteps: Option<u64>,
    /// The experiment's seed (overrides the experiment's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads, at most 1024; 0 for all cores. No more are started than there are
    /// runs. The records do not depend on it.
    #[arg(long, default_value_t = 0, value_parser = parse_threads)]
    threads: usize,
    /// The output directory (default `out/EXPERIMENT`): a new path, an empty directory, or a
    /// previous tokensim output (it holds `.tokensim-output`), which is replaced whole.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The records' format.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// The records' columns: `tokensim` (index, state, parameters) or `cadcad` (cadCAD's
    /// DataFrame: state, then index, no parameters). Overrides the experiment's.
    #[arg(long, value_enum)]
    layout: Option<LayoutArg>,
    /// Where the seed has a defect: `corrected` (the default) or `faithful`, the seed's own
    /// behaviour (overrides the experiment's).
    #[arg(long, value_parser = fidelity_parser())]
    fidelity: Option<Fidelity>,
    /// Skip the plots.
    #[arg(long)]
    no_plots: bool,
    /// Run only shard I of N (from 0) of the (subset, run) pairs, as `I/N`.
    #[arg(long, value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// No progress bar and no report on stderr.
    #[arg(long)]
    quiet: bool,
    /// Let a run's state become NaN or infinite. By default such a run fails, naming the
    /// variable.
    #[arg(long)]
    allow_non_finite: bool,
    /// When to check the model's invariants: after every substep (the default), at each
    /// timestep's end, or not at all (overrides the experiment's `[invariants] check`).
    #[arg(long, value_parser = invariant_check_parser())]
    invariants: Option<InvariantCheck>,
}

#[derive(clap::Args)]
struct FalsifyArgs {
    /// A named experiment, a model's name, or the path of an experiment file; its `[search]`
    /// table (and its lists of several values) give the space.
    experiment: String,
    /// Search for a counterexample to this invariant only (repeat for several).
    #[arg(long = "invariant", value_name = "NAME")]
    invariants: Vec<String>,
    /// Cases to try (overrides `[search] cases`; default 256).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    cases: Option<u32>,
    /// The search's seed (default: the experiment's): the same seed tries the same cases.
    #[arg(long)]
    seed: Option<u64>,
    /// Stop trying new cases, and shrinking, after this long: seconds, or with a unit
    /// (`90s`, `5m`, `1h`).
    #[arg(long, value_parser = parse_duration)]
    time_limit: Option<std::time::Duration>,
    /// The longest run, in timesteps (overrides the experiment's).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    timesteps: Option<u64>,
    /// Where the seed has a defect: `corrected` (the default) or `faithful` (overrides the
    /// experiment's).
    #[arg(long, value_parser = fidelity_parser())]
    fidelity: Option<Fidelity>,
    /// Where to write the counterexample (a new file, or one `falsify` wrote).
    #[arg(long, default_value = "counterexample.toml")]
    out: PathBuf,
    /// No line on stderr before the search.
    #[arg(long)]
    quiet: bool,
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let (number, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let scale = match unit {
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("`{s}`: the unit must be s, m or h")),
    };
    let v: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (such as 30, 90s, 5m)"))?;
    std::time::Duration::try_from_secs_f64(v * scale)
        .map_err(|_| format!("`{s}` is not a duration (such as 30, 90s, 5m)"))
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Csv,
    Parquet,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LayoutArg {
    Tokensim,
    Cadcad,
}

/// `--fidelity`: [`Fidelity`]'s own words, listed in `--help` as clap lists an enum's values.
fn fidelity_parser() -> impl clap::builder::TypedValueParser<Value = Fidelity> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Fidelity::ALL.map(Fidelity::name))
        .try_map(|word| word.parse::<Fidelity>())
}

/// `--invariants`: [`InvariantCheck`]'s own words, listed in `--help`.
fn invariant_check_parser() -> impl clap::builder::TypedValueParser<Value = InvariantCheck> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(InvariantCheck::ALL.map(InvariantCheck::name))
        .try_map(|word| word.parse::<InvariantCheck>())
}

fn parse_threads(s: &str) -> Result<usize, String> {
    let n: usize = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of threads"))?;
    if n > sim_core::MAX_THREADS {
        return Err(format!(
            "{n} threads is more than the {} tokensim uses at most",
            sim_core::MAX_THREADS
        ));
    }
    Ok(n)
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("`{s}` is not a shard: write I/N with 0 ≤ I < N, such as 0/4");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let i: usize = i.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

fn list(registry: &Registry) {
    println!("models:");
    for m in registry.models() {
        println!("  {:<20} {}", m.name(), m.entry().description());
    }
    println!("experiments:");
    for e in registry.experiments() {
        println!("  {:<20} {}", e.name(), e.description());
    }
}

fn show(registry: &Registry, name: &str) -> Result<()> {
    let (_, file) = registry
        .resolve(name)?
        .ok_or_else(|| registry.unknown_experiment(name))?;
    print!("{}", file.to_toml()?);
    Ok(())
}

/// How a command ended, when it did not fail.
enum End {
    /// Every run completed, or some failed and others completed.
    Done,
    /// Every run failed: the outputs are written, and the exit code is non-zero.
    AllFailed,
    /// `falsify` found a counterexample (exit code 4).
    Counterexample,
}

/// A named experiment, a model's starting experiment, or an experiment file, with its name.
fn load(registry: &Registry, given: &str) -> Result<(String, ExperimentFile)> {
    Ok(registry.load(given)?)
}

/// The experiment `args` names, with the command line's overrides applied.
fn experiment(registry: &Registry, args: &RunArgs) -> Result<(String, ExperimentFile)> {
    let (name, mut file) = load(registry, &args.experiment)?;
    let count = |n: Option<u64>, flag: &str| {
        n.map(usize::try_from)
            .transpose()
            .with_context(|| format!("{flag} is too large"))
    };
    file.apply(&Overrides {
        runs: count(args.runs, "--runs")?,
        timesteps: count(args.timesteps, "--timesteps")?,
        seed: args.seed,
        fidelity: args.fidelity,
        layout: args.layout.map(|l| match l {
            LayoutArg::Tokensim => sim_core::Layout::Tokensim,
            LayoutArg::Cadcad => sim_core::Layout::Cadcad,
        }),
        format: args.format.map(|f| match f {
            FormatArg::Csv => Format::Csv,
            FormatArg::Parquet => Format::Parquet,
        }),
        invariants: args.invariants,
    });
    Ok((name, file))
}

fn falsify_cmd(registry: &Registry, args: FalsifyArgs) -> Result<End> {
    let (_, mut file) = load(registry, &args.experiment)?;
    if let Some(f) = args.fidelity {
        file.fidelity = f;
    }
    if let Some(t) = args.timesteps {
        file.sim.timesteps = usize::try_from(t).context("--timesteps is too large")?;
    }
    if !args.invariants.is_empty() {
        file.invariants.only = args.invariants;
    }
    if file.invariants.check == InvariantCheck::Off {
        file.invariants.check = InvariantCheck::Substep;
    }
    let spec = registry.model_named(&file.model)?;
    signals::install()?;
    let found = falsify::falsify(&falsify::FalsifyRequest {
        spec,
        file,
        cases: args.cases,
        seed: args.seed,
        time_limit: args.time_limit,
        out: args.out,
        quiet: args.quiet,
    })?;
    Ok(if found {
        End::Counterexample
    } else {
        End::Done
    })
}

fn run_cmd(registry: &Registry, args: RunArgs) -> Result<End> {
    let (name, file) = experiment(registry, &args)?;
    let spec = registry.model_named(&file.model)?;
    let out = args.out.unwrap_or_else(|| PathBuf::from("out").join(&name));
    let req = RunRequest {
        name,
        spec,
        file,
        threads: args.threads,
        shard: args.shard.unwrap_or((0, 1)),
        out,
        plots: !args.no_plots,
        quiet: args.quiet,
        check_finite: !args.allow_non_finite,
    };
    signals::install()?;
    let report = run::run(&req)?;
    if !req.quiet {
        eprintln!("results in {}", report.dir.display());
    }
    if report.runs > 0 && report.failed == report.runs {
        eprintln!(
            "error: every run failed ({} of {}); summary.json in {} lists why",
            report.failed,
            report.runs,
            report.dir.display()
        );
        return Ok(End::AllFailed);
    }
    Ok(End::Done)
}

fn merge_cmd(registry: &Registry, args: MergeArgs) -> Result<End> {
    signals::install()?;
    let req = merge::MergeRequest {
        out: args.out,
        shards: args.shards,
        plots: !args.no_plots,
        quiet: args.quiet,
    };
    let (dir, summary) = merge::merge(registry, &req)?;
    if !req.quiet {
        eprintln!("results in {}", dir.display());
    }
    let runs = summary.runs_completed + summary.runs_failed;
    if runs > 0 && summary.runs_failed == runs {
        return Ok(End::AllFailed);
    }
    Ok(End::Done)
}

fn new_cmd(args: NewArgs) -> Result<End> {
    let source = if let Some(p) = args.path {
        scaffold::Source::Path(p)
    } else if let Some(url) = args.git {
        scaffold::Source::Git(url)
    } else if args.crates_io {
        scaffold::Source::CratesIo
    } else {
        scaffold::Source::default_for_this_build()
    };
    scaffold::new(Path::new("."), &args.name, &source, args.python)?;
    println!(
        "wrote {0}/: cd {0} && cargo run --release -- run {0}.toml",
        args.name
    );
    if args.python {
        println!(
            "and its Python module: pip install ./{0}, then `import {1}; {1}.run(\"{0}\")`",
            args.name,
            args.name.replace('-', "_")
        );
    }
    Ok(End::Done)
}

/// The program's name for usage lines: the binary's file name.
fn bin_name(first: Option<&OsString>) -> String {
    first
        .map(PathBuf::from)
        .and_then(|p| p.file_name().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "tokensim".to_owned())
}

impl Registry {
    /// The command line, on this process's arguments: `list`, `show`, `run`, `falsify`,
    /// `merge` and `new`. Returns the exit code (0, 1 on an error, 2 on bad usage, 3 when every
    /// run failed, 4 when `falsify` found a counterexample, 128 + the signal when stopped by
    /// one).
    #[must_use]
    pub fn main(self) -> ExitCode {
        self.main_from(std::env::args_os())
    }

    /// [`main`](Self::main) on the given arguments (the first is the program's name).
    #[must_use]
    pub fn main_from(self, args: impl IntoIterator<Item = OsString>) -> ExitCode {
        main(&self, args)
    }
}

/// Parses `args` and runs the command over `registry`.
fn main(registry: &Registry, args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let parsed = Cli::command()
        .bin_name(bin_name(args.first()))
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version on stdout with 0; usage errors on stderr with 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let result = registry
        .check()
        .map_err(anyhow::Error::from)
        .and_then(|()| match cli.command {
            Command::List => {
                list(registry);
                Ok(End::Done)
            }
            Command::Show { experiment } => show(registry, &experiment).map(|()| End::Done),
            Command::Run(args) => run_cmd(registry, args),
            Command::Merge(args) => merge_cmd(registry, args),
            Command::Falsify(args) => falsify_cmd(registry, args),
            Command::New(args) => new_cmd(args),
        });
    match result {
        Ok(End::Done) => ExitCode::SUCCESS,
        Ok(End::AllFailed) => ExitCode::from(3),
        Ok(End::Counterexample) => ExitCode::from(4),
        Err(e) => {
            eprintln!("error: {e:#}");
            // Stopped by a signal: the shell's convention, 128 + the signal.
            match signals::received().and_then(|sig| u8::try_from(128 + sig).ok()) {
                Some(code) => ExitCode::from(code),
                None => ExitCode::FAILURE,
            }
        }
    }
}
