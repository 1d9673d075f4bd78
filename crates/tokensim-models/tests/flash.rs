//! The Flash V3 model against the notebook's printout, and the corrected variant's fixes checked
//! by their defining equations.

use std::str::FromStr;

use rust_decimal::Decimal;
use sim_core::{Experiment, InvariantCheck, MemorySink, Value};
use tokensim_models::flash::{
    self, Asset, FlashParams, FlashSignals, FlashState, arbitrage, ext_step, int_step,
    market_apy_draw, stake,
};
use tokensim_models::{Fidelity, ModelError};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn faithful() -> FlashParams {
    FlashParams::with_fidelity(Fidelity::Faithful)
}

/// The signals of one step, with the speculative swap given and the rest from the policies'
/// pure functions.
fn signals(p: &FlashParams, s: &FlashState, token: Asset, amount: Decimal) -> FlashSignals {
    let (int_token, int_amount) = arbitrage(p, s).unwrap();
    let st = stake(p, s).unwrap();
    FlashSignals {
        market_apy: Some(d("0.17")),
        ext_swap_amount: Some(amount),
        ext_swap_input_token: Some(token),
        int_swap_amount: Some(int_amount),
        int_swap_input_token: Some(int_token),
        flash_needed: Some(st.flash_needed),
        flash_to_stake: Some(st.flash_to_stake),
    }
}

fn step(p: &FlashParams, s: &FlashState, i: &FlashSignals) -> FlashState {
    let e = ext_step(p, s, i).unwrap();
    let int = int_step(p, s, i).unwrap();
    FlashState {
        ext_flash: e.ext.flash,
        ext_alt: e.ext.alt,
        int_flash: int.flash,
        int_alt: int.alt,
        staked: s.staked + i.flash_to_stake.unwrap(),
        ..*s
    }
}

// The notebook's cell 51 prints its first two steps. Its first speculative swap sold ALT for
// "5.993113 flash"; the ALT that buys exactly that is a = 10¹⁰/(100000 − 5.993113) − 100000.
// The expected values are Python's decimal module on the seed's code with that input (and the
// exact 0.1 and 0.01), and each agrees with the printout's six decimals.
#[test]
fn faithful_steps_reproduce_the_notebook_printout() {
    let p = faithful();
    let s0 = FlashState::GENESIS;
    let a = d("5.9934721955613035699072");
    let i1 = signals(&p, &s0, Asset::Alt, a);
    // Equal prices: the seed's arbitrage asks for 0 ALT ("INT AMM: output 0.000000 flash").
    assert_eq!(i1.int_swap_input_token, Some(Asset::Alt));
    assert_eq!(i1.int_swap_amount, Some(Decimal::ZERO));
    // "flash_to_stake:  48284.83672191829616919975555" (float-built 0.1 and 0.01 in the seed).
    assert_eq!(i1.flash_to_stake, Some(d("48284.836721918295772111633")));
    let s1 = step(&p, &s0, &i1);
    // "EXT AMM for STAKE: output 4606.619286 alt".
    assert_eq!(
        d("100000") + a - s1.ext_alt,
        d("4606.61928585969570619784748")
    );
    assert_eq!(s1.ext_flash, d("104822.4905591918295772111633"));
    assert_eq!(s1.ext_alt, d("95399.37418633586559737205972"));
    // "INT AMM for STAKE: output 32562.221323 flash": the FLASH amount went in as ALT.
    assert_eq!(s1.int_alt, d("148284.836721918295772111633"));
    assert_eq!(
        d("100000") - s1.int_flash,
        d("32562.22132305265693599765744")
    );
    // Step 2: "INT AMM: output 52885.462536 alt" and "flash_to_stake:  5218.1023936…" (the
    // printout's own a carries more digits than its six decimals show).
    let (token, amount) = arbitrage(&p, &s1).unwrap();
    assert_eq!(token, Asset::Flash);
    assert_eq!(amount, d("37384.71188224448651320882074"));
    let after_arb = flash::swap(amount, s1.int_flash, s1.int_alt).unwrap();
    assert_eq!(after_arb.0, d("52885.46253558243017473957328"));
    let st = stake(&p, &s1).unwrap();
    assert_eq!(st.flash_to_stake, d("5218.102395122203990450878"));
    assert!((st.flash_to_stake - d("5218.102393690291088883401884")).abs() < d("2e-6"));
}

#[test]
fn faithful_market_apy_never_moves_and_the_corrected_one_does() {
    let s0 = FlashState::GENESIS;
    let i = signals(&faithful(), &s0, Asset::Flash, d("1"));
    let mut n = s0;
    let model = flash::model();
    let mut sink = MemorySink::new();
    let subsets = vec![faithful(), FlashParams::default()];
    let out = Experiment::new(&model, subsets)
        .runs(3)
        .timesteps(5)
        .seed(11)
        // The seed's defects break `product_never_falls` on day 1: its records as written.
        .invariants(InvariantCheck::Off)
        .run(&mut sink)
        .unwrap();
    assert!(out.is_success(), "{:?}", out.failures);
    let apy = sink.column("market_apy").unwrap();
    let meta = sink.meta();
    for (row, v) in meta.iter().zip(apy) {
        let Value::Decimal(v) = *v else {
            panic!("market_apy is not a decimal: {v:?}")
        };
        if row.subset == 0 || row.timestep == 0 {
            assert_eq!(v, d("0.01"));
        } else {
            // randrange(10, 25) / 100.
            assert!(v >= d("0.10") && v <= d("0.24") && (v * d("100")).fract().is_zero());
        }
    }
    n.staked += i.flash_to_stake.unwrap();
    assert_eq!(n.staked, d("48284.836721918295772111633"));
}

#[test]
fn market_apy_draw_is_randrange() {
    let p = FlashParams::default();
    assert_eq!(market_apy_draw(&p, 0.0).unwrap(), d("0.10"));
    assert_eq!(market_apy_draw(&p, 0.999_999_999).unwrap(), d("0.24"));
    assert_eq!(market_apy_draw(&p, 0.5).unwrap(), d("0.17"));
    let empty = FlashParams {
        market_apy_low: 25,
        market_apy_high: 25,
        ..p
    };
    assert!(matches!(
        market_apy_draw(&empty, 0.5),
        Err(ModelError::InvalidParameter {
            name: "market_apy_high",
            ..
        })
    ));
}

// Fix 2 and 3: the premium per day is 0.1 − 0.01/365, and the sale, with the 0.3 % fee, lands
// the external price on px1·(1 − premium). Fix 5: the burn is 1 % of the mint.
#[test]
fn corrected_sale_lands_on_the_target_and_burns_one_percent() {
    let p = FlashParams::default();
    let s0 = FlashState::GENESIS;
    let i = signals(&p, &s0, Asset::Flash, Decimal::ZERO);
    let e = ext_step(&p, &s0, &i).unwrap();
    let premium = d("0.1") - d("0.01") / d("365");
    let target = Decimal::ONE - premium;
    let price = e.ext.alt / e.ext.flash;
    assert!(((price - target) / target).abs() < d("1e-20"), "{price}");
    // The fee stays in the pool, so k grows.
    assert!(e.ext.alt * e.ext.flash > d("10000000000"));
    let sale = i.flash_needed.unwrap();
    // To Python's 28 significant digits.
    assert!((e.ext.flash - (d("100000") + sale)).abs() <= d("1e-22"));
    assert!((e.burned / e.minted - d("0.01")).abs() < d("1e-24"));
    assert_eq!(e.minted - e.burned, sale);
    // Fix 6: the stake is minted / mint_rate, and the stakers buy exactly that much FLASH.
    let to_stake = i.flash_to_stake.unwrap();
    assert!((to_stake * d("0.1") - e.minted).abs() < d("1e-20"));
    let int = int_step(&p, &s0, &i).unwrap();
    assert_eq!(d("100000") - int.flash, to_stake);
    // Bought with the fee: (x + in)(y − out) ≥ k, and in ≥ the no-fee price of that FLASH.
    let no_fee_in = d("10000000000") / int.flash - d("100000");
    assert!(int.alt - d("100000") > no_fee_in);
}

#[test]
fn corrected_speculative_swap_pays_the_fee() {
    let p = FlashParams::default();
    let s = FlashState {
        market_apy: d("100"), // no premium: nothing staked, so only the swap moves the pool
        ..FlashState::GENESIS
    };
    let i = signals(&p, &s, Asset::Alt, d("100"));
    assert_eq!(i.flash_to_stake, Some(Decimal::ZERO));
    let e = ext_step(&p, &s, &i).unwrap();
    // out = y − k/(x + 0.997·100), by hand: 100000 − 10¹⁰/100099.7 = 99.60069…
    let hand = d("100000") - d("10000000000") / d("100099.7");
    assert_eq!(e.ext.alt, d("100100"));
    assert!((d("100000") - e.ext.flash - hand).abs() < d("1e-20"));
    assert!(d("100000") - e.ext.flash <= hand);
    assert_eq!((e.minted, e.burned), (Decimal::ZERO, Decimal::ZERO));
    // Fix 7: the internal pool is untouched (equal prices, no stake).
    assert_eq!(int_step(&p, &s, &i).unwrap(), s.int());
}

fn run(p: FlashParams, genesis: FlashState, timesteps: usize) -> (sim_core::Outcome, MemorySink) {
    let mut model = flash::model();
    model.genesis = genesis;
    let mut sink = MemorySink::new();
    let out = Experiment::new(&model, vec![p])
        .runs(1)
        .timesteps(timesteps)
        .seed(3)
        // The seed's own errors, not the invariants its defects break first.
        .invariants(InvariantCheck::Off)
        .run(&mut sink)
        .unwrap();
    (out, sink)
}

#[test]
fn seed_crashes_end_the_run_with_named_errors() {
    // No premium: UnboundLocalError in the seed, a zero stake when corrected.
    let rich_market = FlashState {
        market_apy: d("0.2"),
        ..FlashState::GENESIS
    };
    let (out, _) = run(faithful(), rich_market, 5);
    assert_eq!(out.failures.len(), 1);
    assert_eq!(out.failures[0].timestep, 1);
    let msg = out.failures[0].error.to_string();
    assert!(msg.contains("UnboundLocalError"), "{msg}");
    // Corrected, a mint of 0.0001 a day (3.65 % a year) never beats a market of 10 % or more.
    let (out, sink) = run(
        FlashParams {
            mint_rate: d("0.0001"),
            ..FlashParams::default()
        },
        rich_market,
        5,
    );
    assert!(out.is_success());
    assert!(sink.f64_column("staked").unwrap().iter().all(|v| *v == 0.0));
    // px1 = 0.05 < premium 0.09: the seed's square root of a negative (InvalidOperation).
    let cheap = FlashState {
        ext_alt: d("5000"),
        ..FlashState::GENESIS
    };
    let (out, _) = run(faithful(), cheap, 5);
    let msg = out.failures[0].error.to_string();
    assert!(msg.contains("negative"), "{msg}");
}

#[test]
fn the_seed_hovers_at_its_fixed_point_and_the_corrected_price_falls_by_the_premium() {
    let (out, sink) = run(faithful(), FlashState::GENESIS, 30);
    assert!(out.is_success());
    let px = sink.f64_column("ext_price").unwrap();
    // px² − px + 0.09 = 0 at 0.9; the speculative swaps (≤ 100 of 100,000) move it a little.
    assert!(px[5..].iter().all(|v| (v - 0.9).abs() < 0.01), "{px:?}");
    let (out, sink) = run(FlashParams::default(), FlashState::GENESIS, 30);
    assert!(out.is_success(), "{:?}", out.failures);
    let px = sink.f64_column("ext_price").unwrap();
    for t in 1..px.len() {
        let ratio = px[t] / px[t - 1];
        // (1 − premium) with premium = 0.1 − apy/365, apy in [0.10, 0.24], and the swaps.
        assert!((0.895..0.905).contains(&ratio), "t = {t}: {ratio}");
    }
}

#[test]
fn bad_parameters_are_named() {
    let s = FlashState::GENESIS;
    for (p, name) in [
        (
            FlashParams {
                fee_rate: d("0.0000001"),
                ..FlashParams::default()
            },
            "fee_rate",
        ),
        (
            FlashParams {
                fee_rate: d("1"),
                ..FlashParams::default()
            },
            "fee_rate",
        ),
        (
            FlashParams {
                burn_rate: d("1"),
                ..FlashParams::default()
            },
            "burn_rate",
        ),
        (
            FlashParams {
                steps_per_year: 0,
                ..FlashParams::default()
            },
            "steps_per_year",
        ),
    ] {
        let err = stake(&p, &s)
            .err()
            .or_else(|| arbitrage(&p, &s).err())
            .unwrap_or_else(|| panic!("{name} accepted"));
        assert!(
            matches!(err, ModelError::InvalidParameter { name: n, .. } if n == name),
            "{err}"
        );
    }
    let p = FlashParams {
        ext_swap_rand_factor: -1.0,
        ..FlashParams::default()
    };
    assert!(flash::ext_swap_amount(&p, 0.5).is_err());
}

#[test]
fn records_are_identical_on_one_and_two_threads() {
    let model = flash::model();
    let subsets = vec![faithful(), FlashParams::default()];
    let mut cols = Vec::new();
    for threads in [1, 2] {
        let mut sink = MemorySink::new();
        Experiment::new(&model, subsets.clone())
            .runs(4)
            .timesteps(8)
            .seed(99)
            .threads(threads)
            .invariants(InvariantCheck::Off)
            .run(&mut sink)
            .unwrap();
        cols.push(
            ["ext_flash", "int_alt", "staked", "market_apy"]
                .map(|c| sink.column(c).unwrap().to_vec()),
        );
    }
    assert_eq!(cols[0], cols[1]);
}

#[test]
fn bad_parameters_are_refused_with_their_range() {
    let g = FlashState::GENESIS;
    let p = FlashParams {
        market_apy_low: i64::MIN,
        market_apy_high: i64::MAX,
        ..FlashParams::default()
    };
    // The range is not empty: its width overflows, and the message says so.
    assert_eq!(
        flash::validate(&g, &p).map_err(|e| e.to_string()),
        Err(format!(
            "parameter `market_apy_high` = {} (market_apy_low {}): market_apy_high − market_apy_low overflows a 64-bit integer",
            i64::MAX,
            i64::MIN
        ))
    );
    let p = FlashParams {
        market_apy_low: 5,
        market_apy_high: 5,
        ..FlashParams::default()
    };
    assert!(
        flash::validate(&g, &p)
            .unwrap_err()
            .to_string()
            .ends_with("the range [market_apy_low, market_apy_high) is empty")
    );
    let p = FlashParams {
        ext_swap_rand_factor: f64::NAN,
        ..FlashParams::default()
    };
    assert_eq!(
        flash::validate(&g, &p).map_err(|e| e.to_string()),
        Err("parameter `ext_swap_rand_factor` = NaN: it must be finite and ≥ 0".to_owned())
    );
    for fidelity in [Fidelity::Corrected, Fidelity::Faithful] {
        assert_eq!(
            flash::validate(&g, &FlashParams::with_fidelity(fidelity)),
            Ok(())
        );
    }
}
