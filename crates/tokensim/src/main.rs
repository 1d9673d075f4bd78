//! `tokensim`: list, show and run the built-in experiments of the seed models, or an
//! experiment file, and get the records, a summary and the plots in one directory.
//!
//! ```text
//! tokensim list
//! tokensim show honey > my.toml
//! tokensim run honey --runs 100 --threads 2 --out out/honey
//! tokensim run my.toml --format parquet --shard 0/4
//! ```

#![expect(clippy::print_stdout, reason = "a command line prints its results")]

mod builtin;
mod collect;
mod config;
mod output;
mod plots;
mod run;
mod signals;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use crate::builtin::{Analysis, BUILTINS};
use crate::config::{ExperimentFile, Format};
use crate::run::RunRequest;
use tokensim_models::Fidelity;

/// mimalloc: the engine's workers allocate each run's records and the writing thread frees
/// them; glibc's allocator spent a fifth of a two-thread sweep's time in the kernel on that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// The built-in models and experiments, one line each.
    List,
    /// Prints a built-in experiment as the TOML that reproduces it.
    Show {
        /// The experiment's name (see `tokensim list`).
        experiment: String,
    },
    /// Runs a built-in experiment or an experiment file (`.toml`).
    Run(RunArgs),
}

#[derive(clap::Args)]
struct RunArgs {
    /// A built-in experiment's name, or the path of an experiment file.
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
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Csv,
    Parquet,
}

/// `--fidelity`: [`Fidelity`]'s own words, listed in `--help` as clap lists an enum's values.
fn fidelity_parser() -> impl clap::builder::TypedValueParser<Value = Fidelity> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Fidelity::ALL.map(Fidelity::name))
        .try_map(|word| word.parse::<Fidelity>())
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

fn list() {
    println!("models:");
    for m in tokensim_models::catalog::models() {
        println!("  {:<20} {}", m.name(), m.description());
    }
    println!("experiments:");
    for b in BUILTINS {
        println!("  {:<20} {}", b.name, b.description);
    }
}

fn unknown_experiment(name: &str) -> anyhow::Error {
    let known: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
    anyhow::anyhow!(
        "unknown experiment `{name}` (experiments: {}; or give a .toml file)",
        known.join(", ")
    )
}

fn show(name: &str) -> Result<()> {
    let b = builtin::find(name).ok_or_else(|| unknown_experiment(name))?;
    print!("{}", (b.file)().to_toml()?);
    Ok(())
}

/// How `tokensim run` ended, when it did not fail.
enum RunEnd {
    /// Every run completed, or some failed and others completed.
    Done,
    /// Every run failed: the outputs are written, and the exit code is non-zero.
    AllFailed,
}

fn run_cmd(args: RunArgs) -> Result<RunEnd> {
    let path = PathBuf::from(&args.experiment);
    let (name, mut file, analysis) = if let Some(b) = builtin::find(&args.experiment) {
        (b.name.to_owned(), (b.file)(), b.analysis)
    } else if path.extension().is_some_and(|e| e == "toml") || path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let file = ExperimentFile::parse(&text, &path.display().to_string())?;
        let stem = path
            .file_stem()
            .map_or_else(|| "experiment".into(), |s| s.to_string_lossy().into_owned());
        (stem, file, Analysis::None)
    } else {
        return Err(unknown_experiment(&args.experiment));
    };
    if let Some(r) = args.runs {
        file.sim.runs = usize::try_from(r).context("--runs is too large")?;
    }
    if let Some(t) = args.timesteps {
        file.sim.timesteps = usize::try_from(t).context("--timesteps is too large")?;
    }
    if let Some(s) = args.seed {
        file.sim.seed = s;
    }
    match args.format {
        Some(FormatArg::Csv) => file.output.format = Format::Csv,
        Some(FormatArg::Parquet) => file.output.format = Format::Parquet,
        None => {}
    }
    if let Some(f) = args.fidelity {
        file.fidelity = f;
    }
    let out = args.out.unwrap_or_else(|| PathBuf::from("out").join(&name));
    let req = RunRequest {
        name,
        file,
        analysis,
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
        return Ok(RunEnd::AllFailed);
    }
    Ok(RunEnd::Done)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List => {
            list();
            Ok(RunEnd::Done)
        }
        Command::Show { experiment } => show(&experiment).map(|()| RunEnd::Done),
        Command::Run(args) => run_cmd(args),
    };
    match result {
        Ok(RunEnd::Done) => ExitCode::SUCCESS,
        Ok(RunEnd::AllFailed) => ExitCode::from(3),
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
