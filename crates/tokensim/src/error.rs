//! tokensim's one error type for its library: what was wrong with an experiment, a model's
//! registration or an output, said so that the user can fix it.

use std::path::PathBuf;

/// Why a tokensim command or library call failed. The state it was given is unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An experiment file that is not valid TOML or not an experiment.
    #[error("{origin}{place}: {message}")]
    ExperimentFile {
        /// Where the text came from (a path, or `experiment`).
        origin: String,
        /// ` at line L, column C`, or empty when the parser gave no position.
        place: String,
        /// What the parser said.
        message: String,
    },
    /// An experiment that names a model no one registered.
    #[error("unknown model `{name}` (models: {known})")]
    UnknownModel {
        /// The name given.
        name: String,
        /// The registered models, comma-separated.
        known: String,
    },
    /// A name that is no named experiment, no model and no experiment file.
    #[error(
        "unknown experiment `{name}` (experiments: {experiments}; models: {models}; or give a .toml file)"
    )]
    UnknownExperiment {
        /// The name given.
        name: String,
        /// The registered experiments, comma-separated.
        experiments: String,
        /// The registered models, comma-separated.
        models: String,
    },
    /// An experiment that names a parameter or a state variable the model does not have.
    #[error("model `{model}` has no {kind} `{name}` ({kind}s: {known})")]
    UnknownName {
        /// The model.
        model: String,
        /// `parameter` or `state variable`.
        kind: &'static str,
        /// The name given.
        name: String,
        /// The names that exist, comma-separated.
        known: String,
    },
    /// Two registrations of one name.
    #[error("{kind} `{name}` is registered twice")]
    Duplicate {
        /// `model` or `experiment`.
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// The engine refused the experiment or could not write its records.
    #[error(transparent)]
    Engine(#[from] sim_core::EngineError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// Anything else a command reports, with its context.
    #[error("{0}")]
    Command(String),
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        match e.downcast::<Error>() {
            Ok(e) => e,
            Err(e) => Error::Command(format!("{e:#}")),
        }
    }
}
