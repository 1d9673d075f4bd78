//! Property tests for the Flash V3 functions: any input gives a value or an error, never a
//! panic, and the corrected staking formula lands the external pool on its target price.

use cp_amm::{Decimal, Fee, Pool, Token};
use proptest::prelude::*;
use tokensim_models::flash::{self, Liquidity};
use tokensim_models::{Fidelity, ModelError};

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

fn state(v: [Decimal; 6]) -> flash::FlashState {
    flash::FlashState {
        market_apy: v[0],
        ext_flash: v[1],
        ext_alt: v[2],
        int_flash: v[3],
        int_alt: v[4],
        staked: v[5],
        ..flash::FlashState::GENESIS
    }
}

fn any_asset() -> impl Strategy<Value = Option<flash::Asset>> {
    prop_oneof![
        Just(None),
        Just(Some(flash::Asset::Flash)),
        Just(Some(flash::Asset::Alt))
    ]
}

proptest! {
    /// The model's step functions, on any state, parameters and signals (missing ones
    /// included), give a value or an error.
    #[test]
    fn model_steps_no_panic(
        s in prop::array::uniform6(any_dec()),
        rates in prop::array::uniform3(any_dec()),
        ints in (any::<i64>(), any::<i64>(), any::<i64>()),
        factor in prop_oneof![any::<f64>(), 0.0..1000.0f64],
        u in any::<f64>(),
        sig in prop::array::uniform4(prop::option::of(any_dec())),
        tokens in (any_asset(), any_asset()),
        seed_mode in any::<bool>(),
    ) {
        let p = flash::FlashParams {
            fee_rate: rates[0],
            burn_rate: rates[1],
            mint_rate: rates[2],
            ext_swap_rand_factor: factor,
            market_apy_low: ints.0,
            market_apy_high: ints.1,
            steps_per_year: ints.2,
            fidelity: if seed_mode { Fidelity::Faithful } else { Fidelity::Corrected },
        };
        let st = state(s);
        let i = flash::FlashSignals {
            market_apy: sig[0],
            ext_swap_amount: sig[1],
            ext_swap_input_token: tokens.0,
            int_swap_amount: sig[2],
            int_swap_input_token: tokens.1,
            flash_needed: sig[3],
            flash_to_stake: sig[3],
        };
        let _ = flash::market_apy_draw(&p, u);
        let _ = flash::ext_swap_amount(&p, u);
        let _ = flash::arbitrage(&p, &st);
        let _ = flash::stake(&p, &st);
        let _ = flash::ext_step(&p, &st, &i);
        let _ = flash::int_step(&p, &st, &i);
    }

    /// Corrected: with no speculative swap, the day's sale (with the fee) brings the external
    /// price to px1·(1 − premium), and the stakers' purchase takes exactly the stake's FLASH.
    #[test]
    fn corrected_step_lands_on_the_relative_target(
        fl in 10_000i64..=1_000_000,
        al in 10_000i64..=1_000_000,
        apy in 0i64..=40,
        mint in 1i64..=2000,
        fee_ppm in 0i64..=10_000,
    ) {
        let p = flash::FlashParams {
            fee_rate: Decimal::new(fee_ppm, 6),
            mint_rate: Decimal::new(mint, 4),
            ..flash::FlashParams::default()
        };
        let s = flash::FlashState {
            market_apy: Decimal::new(apy, 2),
            ext_flash: Decimal::from(fl),
            ext_alt: Decimal::from(al),
            int_flash: Decimal::from(fl) * Decimal::from(4),
            int_alt: Decimal::from(al) * Decimal::from(4),
            ..flash::FlashState::GENESIS
        };
        let st = flash::stake(&p, &s).unwrap();
        let premium = p.mint_rate - s.market_apy / Decimal::from(365);
        let (tok, amt) = flash::arbitrage(&p, &s).unwrap();
        let i = flash::FlashSignals {
            market_apy: Some(s.market_apy),
            ext_swap_amount: Some(Decimal::ZERO),
            ext_swap_input_token: Some(flash::Asset::Flash),
            int_swap_amount: Some(amt),
            int_swap_input_token: Some(tok),
            flash_needed: Some(st.flash_needed),
            flash_to_stake: Some(st.flash_to_stake),
        };
        let e = flash::ext_step(&p, &s, &i).unwrap();
        let px1 = s.ext_alt / s.ext_flash;
        if premium <= Decimal::ZERO {
            prop_assert_eq!(st.flash_to_stake, Decimal::ZERO);
            prop_assert_eq!(e.ext, s.ext());
        } else {
            let target = px1 * (Decimal::ONE - premium);
            let got = e.ext.alt / e.ext.flash;
            prop_assert!(((got - target) / target).abs() < Decimal::new(1, 18), "{got} vs {target}");
        }
        match flash::int_step(&p, &s, &i) {
            Ok(int) if st.flash_to_stake > Decimal::ZERO => {
                // Equal prices, so the arbitrage is nothing: only the purchase moved FLASH.
                let bought = s.int_flash - int.flash;
                prop_assert!((bought - st.flash_to_stake).abs() < Decimal::new(1, 18));
            }
            // Nothing staked: the pools are unchanged up to the arbitrage's 28-digit rounding
            // (fl = 197904, al = 10880 gave 791615.9999999999999999999998 for 791616).
            Ok(int) => {
                let before = s.int();
                let tol = Decimal::new(1, 20);
                prop_assert!(((int.flash - before.flash) / before.flash).abs() < tol, "{int:?}");
                prop_assert!(((int.alt - before.alt) / before.alt).abs() < tol, "{int:?}");
            }
            // A stake of the whole internal FLASH reserve or more cannot be bought.
            Err(e) => prop_assert!(st.flash_to_stake >= s.int_flash, "{e}"),
        }
    }
}
