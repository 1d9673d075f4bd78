//! The models and named experiments a `tokensim` binary knows: the built-in binary registers
//! the seed models, a user's binary registers their own, both through [`Registry`], and
//! [`Registry::main`] (implemented in `cli.rs`) is the whole command line.

use crate::error::Error;
use crate::experiment::ExperimentFile;
use crate::spec::ModelSpec;

/// An experiment with a name, as `tokensim list` shows it and `tokensim run NAME` runs it.
pub struct NamedExperiment {
    name: String,
    description: String,
    file: Box<dyn Fn() -> ExperimentFile + Send + Sync>,
}

impl std::fmt::Debug for NamedExperiment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NamedExperiment")
            .field("name", &self.name)
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

impl NamedExperiment {
    /// An experiment named `name`, described in one line, whose file `file` builds (a function,
    /// so that one experiment can depend on another's result; it runs when the experiment is
    /// shown or run).
    #[must_use]
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        file: impl Fn() -> ExperimentFile + Send + Sync + 'static,
    ) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            file: Box::new(file),
        }
    }

    /// Its name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its one-line description.
    #[must_use]
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Its experiment file.
    ///
    /// # Errors
    /// The function that builds it panicked ([`Error::Command`], with the panic's message).
    pub fn file(&self) -> Result<ExperimentFile, Error> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (self.file)())).map_err(|p| {
            Error::Command(format!(
                "experiment `{}` could not be built: {}",
                self.name,
                crate::spec::panic_message(&*p)
            ))
        })
    }
}

/// The models and experiments of a command line.
///
/// ```
/// use tokensim::{ExperimentFile, Fidelity, ModelSpec, NamedExperiment, Registry};
/// # use sim_core::{Block, BoxError, Ctx, Model, NoSignals};
/// # #[derive(Clone)] struct State { x: f64 }
/// # sim_core::vars!(State { x });
/// # #[derive(Clone)] struct Params { rate: f64 }
/// # sim_core::vars!(Params { rate });
/// # fn grow(p: &Params, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
/// #     n.x = c.state.x * (1.0 + p.rate);
/// #     Ok(())
/// # }
/// # fn model() -> Model<State, Params, NoSignals> {
/// #     Model::new(State { x: 1.0 }).block(Block::new().update("x", grow))
/// # }
///
/// let mut registry = Registry::new();
/// registry.model(ModelSpec::new("growth", "compound growth", model, |_: Fidelity| Params { rate: 0.1 }));
/// registry.experiment(NamedExperiment::new("growth-fast", "growth at 50 %", || {
///     ExperimentFile::parse("model = \"growth\"\n[sim]\nruns = 1\ntimesteps = 5\n[params]\nrate = [0.5]\n", "growth-fast")
///         .expect("a valid experiment")
/// }));
/// assert!(registry.check().is_ok());
/// assert_eq!(registry.find_model("growth").map(|m| m.name()), Some("growth"));
/// // A user's `main` ends with `registry.main()`, or is one line: `tokensim::main!(register);`
/// ```
#[derive(Debug, Default)]
pub struct Registry {
    models: Vec<ModelSpec>,
    experiments: Vec<NamedExperiment>,
}

impl Registry {
    /// No models, no experiments.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a model.
    pub fn model(&mut self, spec: ModelSpec) -> &mut Self {
        self.models.push(spec);
        self
    }

    /// Registers a named experiment.
    pub fn experiment(&mut self, experiment: NamedExperiment) -> &mut Self {
        self.experiments.push(experiment);
        self
    }

    /// The models, in registration order.
    #[must_use]
    pub fn models(&self) -> &[ModelSpec] {
        &self.models
    }

    /// The named experiments, in registration order.
    #[must_use]
    pub fn experiments(&self) -> &[NamedExperiment] {
        &self.experiments
    }

    /// The model named `name`.
    #[must_use]
    pub fn find_model(&self, name: &str) -> Option<&ModelSpec> {
        self.models.iter().find(|m| m.name() == name)
    }

    /// The experiment named `name`.
    #[must_use]
    pub fn find_experiment(&self, name: &str) -> Option<&NamedExperiment> {
        self.experiments.iter().find(|e| e.name == name)
    }

    /// The model named `name`, or an error listing the registered ones.
    ///
    /// # Errors
    /// [`Error::UnknownModel`].
    pub fn model_named(&self, name: &str) -> Result<&ModelSpec, Error> {
        self.find_model(name).ok_or_else(|| Error::UnknownModel {
            name: name.to_owned(),
            known: self
                .models
                .iter()
                .map(ModelSpec::name)
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// A named experiment's name and file, or a model's starting experiment
    /// ([`ExperimentFile::for_model`]); `None` when neither has that name.
    ///
    /// # Errors
    /// The named experiment's builder panicked ([`NamedExperiment::file`]).
    pub fn resolve(&self, name: &str) -> Result<Option<(String, ExperimentFile)>, Error> {
        if let Some(e) = self.find_experiment(name) {
            return Ok(Some((e.name().to_owned(), e.file()?)));
        }
        Ok(self
            .find_model(name)
            .map(|m| (m.name().to_owned(), ExperimentFile::for_model(m.entry()))))
    }

    /// What `tokensim run GIVEN` runs: a named experiment, a model's starting experiment, or
    /// the experiment file at the path `given` (named after its stem), with its name.
    ///
    /// # Errors
    /// [`Error::UnknownExperiment`] when `given` is none of these, [`Error::Io`] for a file that
    /// cannot be read, [`Error::ExperimentFile`] for one that is not an experiment.
    pub fn load(&self, given: &str) -> Result<(String, ExperimentFile), Error> {
        let path = std::path::PathBuf::from(given);
        if let Some(found) = self.resolve(given)? {
            Ok(found)
        } else if path.extension().is_some_and(|e| e == "toml") || path.exists() {
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            let file = ExperimentFile::parse(&text, &path.display().to_string())?;
            let stem = path
                .file_stem()
                .map_or_else(|| "experiment".into(), |s| s.to_string_lossy().into_owned());
            Ok((stem, file))
        } else {
            Err(self.unknown_experiment(given))
        }
    }

    /// [`Error::UnknownExperiment`] for `name`, listing what is registered.
    pub(crate) fn unknown_experiment(&self, name: &str) -> Error {
        let names = |it: &mut dyn Iterator<Item = &str>| it.collect::<Vec<_>>().join(", ");
        Error::UnknownExperiment {
            name: name.to_owned(),
            experiments: names(&mut self.experiments.iter().map(|e| e.name.as_str())),
            models: names(&mut self.models.iter().map(ModelSpec::name)),
        }
    }

    /// Refuses a name registered twice (models and experiments have their own names).
    ///
    /// # Errors
    /// [`Error::Duplicate`], naming the first repeated name.
    pub fn check(&self) -> Result<(), Error> {
        let mut seen = std::collections::BTreeSet::new();
        for m in &self.models {
            if !seen.insert(m.name()) {
                return Err(Error::Duplicate {
                    kind: "model",
                    name: m.name().to_owned(),
                });
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for e in &self.experiments {
            if !seen.insert(e.name.as_str()) {
                return Err(Error::Duplicate {
                    kind: "experiment",
                    name: e.name.clone(),
                });
            }
        }
        Ok(())
    }
}

/// A `main` that registers models and experiments and hands over to tokensim's command line,
/// as criterion's `criterion_main!` does for benchmarks. Each argument is a function
/// `fn(&mut tokensim::Registry)`.
///
/// ```no_run
/// fn register(registry: &mut tokensim::Registry) {
///     // registry.model(…); registry.experiment(…);
/// #   let _ = registry;
/// }
/// tokensim::main!(register);
/// ```
#[macro_export]
macro_rules! main {
    ($($register:path),+ $(,)?) => {
        fn main() -> ::std::process::ExitCode {
            let mut registry = $crate::Registry::new();
            $( $register(&mut registry); )+
            registry.main()
        }
    };
}
