//! `Fidelity`'s words: the two names round-trip, and any other string, however odd, is a typed
//! error naming what was given (never a panic, never a silent default).

use proptest::prelude::*;
use sim_core::EngineError;
use tokensim_models::Fidelity;

fn refused(word: &str) -> bool {
    matches!(word.parse::<Fidelity>(), Err(EngineError::UnknownFidelity { given }) if given == word)
}

#[test]
fn the_two_words_round_trip() {
    for f in Fidelity::ALL {
        assert_eq!(f.name().parse::<Fidelity>().ok(), Some(f));
        assert_eq!(f.to_string(), f.name());
    }
    assert_eq!(Fidelity::ALL[0], Fidelity::default());
    // Exact words only: no case folding, no trimming.
    for word in ["Faithful", " corrected", "faithful\n", ""] {
        assert!(refused(word), "{word:?}");
    }
}

proptest! {
    #[test]
    fn any_other_string_is_refused_by_name(s in any::<String>()) {
        match s.parse::<Fidelity>() {
            Ok(f) => prop_assert_eq!(f.name(), s.as_str()),
            Err(_) => prop_assert!(refused(&s)),
        }
    }
}
