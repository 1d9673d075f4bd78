//! `Fidelity`'s words: the two names round-trip, and any other string, however odd, is a typed
//! error naming what was given (never a panic, never a silent default).

use proptest::prelude::*;
use tokensim_models::{Fidelity, ModelError};

#[test]
fn the_two_words_round_trip() {
    for f in Fidelity::ALL {
        assert_eq!(f.name().parse::<Fidelity>(), Ok(f));
        assert_eq!(f.to_string(), f.name());
    }
    assert_eq!(Fidelity::ALL[0], Fidelity::default());
    // Exact words only: no case folding, no trimming.
    for word in ["Faithful", " corrected", "faithful\n", ""] {
        assert_eq!(
            word.parse::<Fidelity>(),
            Err(ModelError::UnknownFidelity {
                given: word.to_owned()
            })
        );
    }
}

proptest! {
    #[test]
    fn any_other_string_is_refused_by_name(s in any::<String>()) {
        match s.parse::<Fidelity>() {
            Ok(f) => prop_assert_eq!(f.name(), s.as_str()),
            Err(e) => prop_assert_eq!(e, ModelError::UnknownFidelity { given: s.clone() }),
        }
    }
}
