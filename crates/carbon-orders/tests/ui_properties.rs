//! Property tests of the float order: the marginal price moves one way with each trade, the
//! curve functions invert each other, the invariant holds, and arbitrary `f64` input to every
//! public function gives a value or a typed error, never a panic.

use carbon_orders::{CarbonOrderUi, Pair, SellOptions, StrategyUi};
use proptest::prelude::*;

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}

/// Valid orders: prices in `[1e-6, 1e6]` with `pa/pb ≥ 1.001`, capacities in `[1e-3, 1e9]`,
/// selling either token.
fn order() -> impl Strategy<Value = CarbonOrderUi> {
    (
        -6.0f64..6.0,
        0.001f64..3.0,
        -3.0f64..9.0,
        0.0f64..=1.0,
        any::<bool>(),
    )
        .prop_map(|(lp, lw, ly, fill, base)| {
            let pair = Pair::parse("ETH/USDC").unwrap();
            let (pb, pa) = (10f64.powf(lp), 10f64.powf(lp + lw));
            let yint = 10f64.powf(ly);
            let tkn = if base { "ETH" } else { "USDC" };
            CarbonOrderUi::from_prices(&pair, tkn, pa, pb, yint, yint * fill).unwrap()
        })
}

/// The marginal price in raw terms (`dy/dx`), which falls as the order sells.
fn raw_marginal(o: &CarbonOrderUi) -> f64 {
    if o.reverseq() {
        1. / o.p_marg()
    } else {
        o.p_marg()
    }
}

proptest! {
    #[test]
    fn marginal_price_moves_one_way(o in order(), frac in -1.0f64..1.0) {
        let dy = frac * o.y();
        let opts = SellOptions { allow_neg: true, expand_curve: true };
        let t = o.selly(dy, opts).unwrap();
        let (before, after) = (raw_marginal(&o), raw_marginal(&t.order));
        prop_assert!(t.order.y() <= t.order.yint());
        if t.dy > 0.0 {
            prop_assert!(after <= before, "selling raised the price: {before} -> {after}");
            prop_assert!(t.dx >= 0.0);
        } else if t.dy < 0.0 {
            prop_assert!(after >= before * (1. - 1e-15), "buying back lowered the price: {before} -> {after}");
        }
        // Within the range, whichever way the trade went.
        prop_assert!(after <= o.pa_raw() * (1. + 1e-12) && after >= o.pb_raw() * (1. - 1e-12));
    }

    #[test]
    fn curve_functions_invert_each_other(o in order(), frac in 0.0f64..1.0) {
        let dy = frac * o.y();
        let dx = o.dxfromdy_f(dy).unwrap();
        if dx > 0.0 && dy > 1e-9 * o.yint() {
            prop_assert!(close(o.dyfromdx_f(dx).unwrap(), dy, 1e-9));
        }
        let y = frac * o.yint();
        let x = o.xfromy_f(y).unwrap();
        prop_assert!((o.yfromx_f(x).unwrap() - y).abs() <= 1e-9 * o.yint());
        // (x − xasym)(y − yasym) = κ along the curve.
        prop_assert!(close((x - o.xasym()) * (y - o.yasym()), o.kappa(), 1e-9));
        // The price reached is the one asked for.
        let p = o.p_marg_f(dy, false).unwrap();
        if o.y() - dy > 1e-9 * o.yint() {
            let back = o.yfromp_f(p).unwrap();
            prop_assert!((back - (o.y() - dy)).abs() <= 1e-6 * o.yint());
        }
    }

    #[test]
    fn no_public_function_panics(
        v in prop::array::uniform8(any::<f64>()),
        tkn in "ETH|USDC|eth|DAI|",
        pair in "ETH/USDC|eth/usdc|ETH|A/A|/|\\PC{0,8}",
        index in 0usize..4,
    ) {
        let Ok(pair) = Pair::parse(&pair) else { return Ok(()); };
        let _ = (pair.convert(v[0], &tkn, "USDC", v[1]), pair.convert_price(v[0], &tkn));
        let built = [
            CarbonOrderUi::from_prices(&pair, &tkn, v[0], v[1], v[2], v[3]),
            CarbonOrderUi::from_bsy(&pair, &tkn, v[0], v[1], v[2], v[3]),
            CarbonOrderUi::from_qxy(&pair, &tkn, v[0], v[1], v[2], v[3]),
            CarbonOrderUi::from_prices(&pair, "USDC", 1500., 1000., 3000., 1500.),
        ];
        for o in built.into_iter().flatten() {
            let _ = (o.p0(), o.p0_raw(), o.widthpc(), o.kappa(), o.kappa_bar(), o.x(), o.xasym());
            for &a in &v {
                let _ = (o.p_marg_f(a, false), o.p_eff_f(a, true), o.yfromp_f(a), o.dyfromp_f(a));
                let _ = (o.dyfromdx_f(a), o.dxfromdy_f(a), o.xfromy_f(a), o.yfromx_f(a));
                let opts = SellOptions { allow_neg: a > 0.0, expand_curve: a < 1.0 };
                let _ = o.addliqy(a, a > 1.0);
                // A trade that is returned has finite numbers throughout.
                for t in [o.selly(a, opts), o.buyx(a, opts), o.tradeto(a)].into_iter().flatten() {
                    let fields = [t.y_old, t.y, t.dy, t.yint, t.x, t.dx, t.pmarg_old, t.pmarg];
                    prop_assert!(fields.iter().all(|f| f.is_finite()), "{t:?}");
                }
            }
            let other = pair.other(o.tkn()).unwrap();
            let linked = CarbonOrderUi::from_prices(&pair, other, v[4].abs(), v[5].abs(), v[6], v[7]);
            if let Ok(s) = linked.and_then(|l| StrategyUi::new(o.clone(), l)) {
                let _ = (s.selly(index, v[0], SellOptions::default()), s.tradeto(index, v[1]));
                let _ = s.buyx(index, v[2], SellOptions::default());
            }
        }
        let _ = StrategyUi::from_prices(&pair, &tkn, v[0], v[1], v[2], v[3], v[4], v[5]);
    }
}
