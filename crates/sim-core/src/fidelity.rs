//! [`Fidelity`]: the house word for a model that re-creates a reference with known defects,
//! shared by every model and front end (the command line's `--fidelity`, an experiment file's
//! `fidelity = "…"`), so that a user's model can offer the same switch as the built-ins.

use crate::error::EngineError;

/// Which behaviour to give where a model's reference (a seed notebook, a contract) has a known
/// defect.
///
/// The same two words everywhere: `carbon_orders::Fidelity` and `fei_cam::Fidelity` (the math
/// crates share no crate, so each has its own enum with these two names), the command line's
/// `--fidelity` and an experiment file's `fidelity = "…"`. [`Fidelity::name`] and
/// [`FromStr`](std::str::FromStr) give and read those words. A model without defects to keep
/// ignores it.
///
/// ```
/// use sim_core::Fidelity;
///
/// assert_eq!(Fidelity::default(), Fidelity::Corrected);
/// assert_eq!("faithful".parse::<Fidelity>().ok(), Some(Fidelity::Faithful));
/// assert_eq!(Fidelity::Faithful.to_string(), "faithful");
/// assert!("seed".parse::<Fidelity>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Fidelity {
    /// The corrected behaviour, documented beside each function. The default.
    #[default]
    Corrected,
    /// The reference exactly as written, defects included (crashes become named errors).
    Faithful,
}

impl Fidelity {
    /// Both, the default first.
    pub const ALL: [Self; 2] = [Self::Corrected, Self::Faithful];

    /// The word for it in experiment files and on the command line: `corrected` or `faithful`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Corrected => "corrected",
            Self::Faithful => "faithful",
        }
    }
}

impl std::fmt::Display for Fidelity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Fidelity {
    type Err = EngineError;

    /// Reads [`Fidelity::name`]'s words, exactly: no case folding, no trimming.
    fn from_str(s: &str) -> Result<Self, EngineError> {
        Self::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| EngineError::UnknownFidelity {
                given: s.to_owned(),
            })
    }
}
