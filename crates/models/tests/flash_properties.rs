//! Property tests for the Flash V3 functions: any input gives a value or an error, never a
//! panic, and the corrected staking formula lands the external pool on its target price.

use cp_amm::{Decimal, Fee, Pool, Token};
use models::flash::{self, Liquidity};
use models::{Fidelity, ModelError};
use proptest::prelude::*;

fn any_dec() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
            0u32..=28
        )
            .prop_map(|(lo, mid, hi, neg, scale)| Decimal::from_parts(lo, mid, hi, neg, scale)),
        Just(Decimal::ZERO),
        (1i64..=1_000_000_000_000).prop_map(|m| Decimal::new(m, 6)),
    ]
}

fn liq(flash: Decimal, alt: Decimal) -> Liquidity {
    Liquidity { flash, alt }
}

proptest! {
    #[test]
    fn any_input_no_panic(a in any_dec(), b in any_dec(), c in any_dec(), d in any_dec()) {
        let _ = flash::swap(a, b, c);
        let _ = flash::amm_arb_calc(liq(a, b), liq(c, d));
        for f in [Fidelity::Faithful, Fidelity::Corrected] {
            let _ = flash::p_flash_to_stake(f, a, b, liq(c, d));
        }
    }

    /// Selling `flash_needed` FLASH into the external pool moves its price to
    /// `px1 − (FPY − mAPY)`: the premium is gone.
    #[test]
    fn corrected_stake_removes_the_premium(
        fl in 10_000i64..=1_000_000,
        al in 10_000i64..=1_000_000,
        m_apy in 1i64..=30,
        premium in 1i64..=50,
    ) {
        let ext = liq(Decimal::from(fl), Decimal::from(al));
        let m = Decimal::new(m_apy, 2);
        let fpy = m + Decimal::new(premium, 3);
        let px1 = ext.alt / ext.flash;
        let target = px1 - (fpy - m);
        match flash::p_flash_to_stake(Fidelity::Corrected, m, fpy, ext) {
            Ok(s) => {
                prop_assert!(s.flash_needed > Decimal::ZERO);
                let mut pool = Pool::new(ext.flash, ext.alt, Fee::ZERO).unwrap();
                pool.swap_exact_in(Token::X, s.flash_needed).unwrap();
                let gap = ((pool.price().unwrap() - target) / target).abs();
                prop_assert!(gap < Decimal::new(1, 20), "price {} target {target}", pool.price().unwrap());
            }
            Err(ModelError::TargetPriceNotPositive { .. }) => prop_assert!(target <= Decimal::ZERO),
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    /// Both modes agree when the external price is exactly 1 (where the seed's formula is right).
    #[test]
    fn modes_agree_at_price_one(r in 10_000i64..=1_000_000, m_apy in 1i64..=30, premium in 1i64..=50) {
        let ext = liq(Decimal::from(r), Decimal::from(r));
        let m = Decimal::new(m_apy, 2);
        let fpy = m + Decimal::new(premium, 3);
        let a = flash::p_flash_to_stake(Fidelity::Faithful, m, fpy, ext).unwrap();
        let b = flash::p_flash_to_stake(Fidelity::Corrected, m, fpy, ext).unwrap();
        let gap = (a.fl_2 - b.fl_2).abs();
        prop_assert!(gap <= Decimal::new(1, 20), "{} vs {}", a.fl_2, b.fl_2);
    }
}
