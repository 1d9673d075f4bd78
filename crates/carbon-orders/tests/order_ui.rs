//! The float order (`CarbonOrderUi`) against values worked out by hand, and the typed errors
//! it gives for bad input.
#![expect(clippy::float_cmp, reason = "exact values are the point")]

use carbon_orders::{
    CarbonError, CarbonOrderUi, Pair, PriceBound, SellOptions, StrategyUi, TradeKind,
};

fn eth_usdc() -> Pair {
    Pair::parse("ETH/USDC").unwrap()
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(f64::MIN_POSITIVE)
}

/// NBTest 050's first order: sell 1 ETH from 2000 to 2500 USDC per ETH.
fn eth_order() -> CarbonOrderUi {
    CarbonOrderUi::from_prices(&eth_usdc(), "ETH", 2000., 2500., 1., 1.).unwrap()
}

#[test]
fn selling_the_base_token_inverts_prices() {
    let o = eth_order();
    assert!(o.reverseq());
    assert_eq!((o.tkny(), o.tknx()), ("ETH", "USDC"));
    // Raw prices are ETH per USDC: pa_raw = 1/2000, pb_raw = 1/2500, so B = 1/50.
    assert_eq!(o.b(), 0.02);
    assert!(close(o.s(), 2000f64.sqrt().recip() - 0.02, 1e-15));
    assert!(close(o.p_start(), 2000., 1e-12) && close(o.p_end(), 2500., 1e-12));
    assert!(close(o.pmin(), 2000., 1e-12) && close(o.pmax(), 2500., 1e-12));
    assert!(close(o.widthr(), 1.25, 1e-12));
    assert!(close(o.p0(), (2000f64 * 2500.).sqrt(), 1e-12));
    // Q = sqrt(pb_raw/pa_raw) = sqrt(0.8), Γ = 1 − 0.8^¼.
    assert!(close(o.q(), 0.8f64.sqrt(), 1e-12));
    assert!(close(o.gamma(), 1. - 0.8f64.powf(0.25), 1e-12));
    assert_eq!(o.leverage_fctr(), 1. / o.gamma());
    // y0/x0 is p0_raw exactly, as the notebook asserts.
    assert_eq!(o.y0() / o.x0(), o.p0_raw());
    assert!(close(o.p0_raw(), 1. / o.p0(), 1e-12));
    assert_eq!(
        o.to_string(),
        "Sell ETH buy USDC from 2000.0000 to 2500.0000 USDC per ETH"
    );
}

#[test]
fn selly_matches_nbtest_050_by_hand() {
    // With y = yint = 1: S·y + B·yint = 1/√2000, and selling dy = ½ gives
    // dx = √2000/(0.02 + 1/√2000) = 2000/(1 + 0.02·√2000) = 1055.7281…
    let o = eth_order();
    let t = o.selly(0.5, SellOptions::default()).unwrap();
    let r = 2000f64.sqrt();
    assert!(close(t.dx, 2000. / (1. + 0.02 * r), 1e-12));
    assert_eq!(format!("{:.4}", t.dx), "1055.7281");
    // The marginal price at y = ½ is 1/(B + S/2)² = 4/(0.02 + 1/√2000)².
    let half = 0.02 + 1. / r;
    assert!(close(t.pmarg, 4. / (half * half), 1e-12));
    assert_eq!(format!("{:.4}", t.pmarg), "2229.1236");
    assert!(close(t.pmarg_old, 2000., 1e-12));
    assert_eq!(t.p(), t.dx_per_dy());
    assert_eq!(format!("{:.4}", t.dx_per_dy().unwrap()), "2111.4562");
    assert_eq!(
        (t.kind, t.executed, t.y, t.order.y()),
        (TradeKind::BySource, true, 0.5, 0.5)
    );
    // The order itself is unchanged.
    assert_eq!(o.y(), 1.);
    // The x received is the x on the curve: x(½) − x(1) with x(1) = 0.
    assert!(close(t.x, t.dx, 1e-12));
}

#[test]
fn linked_order_receives_dx_and_expands() {
    let s =
        StrategyUi::from_prices(&eth_usdc(), "ETH", 1., 2000., 2500., 750., 1250., 1000.).unwrap();
    let (after, t) = s.selly(0, 0.5, SellOptions::default()).unwrap();
    let linked = t.linked.as_ref().unwrap();
    assert_eq!(linked.dy, t.dx);
    assert!(linked.expanded);
    assert_eq!(after.orders()[1].y(), 750. + t.dx);
    assert_eq!(after.orders()[1].yint(), 750. + t.dx);
    assert_eq!(after.orders()[0].y(), 0.5);
    // A full USDC order at 1250 stays at its start price when it grows.
    assert!(close(after.orders()[1].p_marg(), 1250., 1e-12));
    // A buy-back would take USDC out of the linked order, which `addliqy` refuses.
    assert!(matches!(
        after.selly(0, -0.1, SellOptions::default()),
        Err(CarbonError::InvalidInput { name: "dy", .. })
    ));
    assert_eq!(s.order(2), None);
    assert!(matches!(
        s.selly(2, 0.1, SellOptions::default()),
        Err(CarbonError::UnknownOrder { index: 2 })
    ));
}

#[test]
fn trade_by_target_and_to_a_price() {
    let pair = eth_usdc();
    // Sell 3000 USDC from 1500 down to 1000 USDC per ETH (the notebook's second order).
    let o = CarbonOrderUi::from_prices(&pair, "USDC", 1500., 1000., 3000., 3000.).unwrap();
    assert!(!o.reverseq());
    let t = o.buyx(0.5, SellOptions::default()).unwrap();
    assert_eq!(t.kind, TradeKind::ByTarget);
    assert!(close(t.dx, 0.5, 1e-12));
    assert!(close(
        o.dxfromdy_f(o.dyfromdx_f(0.5).unwrap()).unwrap(),
        0.5,
        1e-12
    ));
    // The first ETH costs close to 1500 USDC, the average price is below the start.
    assert!(t.p().unwrap() < 1500. && t.p().unwrap() > 1400.);
    // Trading to 1200 leaves the marginal price at 1200.
    let t = o.tradeto(1200.).unwrap();
    assert_eq!(t.kind, TradeKind::ByPrice);
    assert!(close(t.order.p_marg(), 1200., 1e-12));
    // y(1200) = yint·(√1200 − B)/S.
    let want = 3000. * (1200f64.sqrt() - 1000f64.sqrt()) / (1500f64.sqrt() - 1000f64.sqrt());
    assert!(close(t.order.y(), want, 1e-12));
    // Beyond the start nothing trades; beyond the end everything does.
    assert!(!o.tradeto(1600.).unwrap().executed);
    let all = o.tradeto(900.).unwrap();
    assert_eq!(all.order.y(), 0.);
    assert!(close(all.dx, o.xint(), 1e-12));
    assert!(matches!(
        o.yfromp_f(1600.),
        Err(CarbonError::PriceOutOfBounds {
            bound: PriceBound::BeyondStart,
            ..
        })
    ));
    assert!(matches!(
        o.yfromp_f(900.),
        Err(CarbonError::PriceOutOfBounds {
            bound: PriceBound::BeyondEnd,
            ..
        })
    ));
    assert!(matches!(
        t.order.yfromp_f(1300.),
        Err(CarbonError::PriceOutOfBounds {
            bound: PriceBound::BeyondMarginal,
            ..
        })
    ));
    assert_eq!(o.dyfromp_f(900.).unwrap(), 3000.);
    assert_eq!(o.dyfromp_f(1600.).unwrap(), 0.);
}

#[test]
fn invariant_curve_functions_agree() {
    let o = CarbonOrderUi::from_prices(&eth_usdc(), "USDC", 1500., 1000., 3000., 1500.).unwrap();
    for y in [0., 1., 1000., 2999., 3000.] {
        let x = o.xfromy_f(y).unwrap();
        assert!(close(o.yfromx_f(x).unwrap() + 1., y + 1., 1e-12), "y = {y}");
        let k = (x - o.xasym()) * (y - o.yasym());
        assert!(close(k, o.kappa(), 1e-12));
    }
    assert_eq!(o.xfromy_f(3000.).unwrap(), 0.);
    assert!(close(o.xfromy_f(0.).unwrap(), o.xint(), 1e-12));
    // The static relations of the notebook.
    let g = o.gamma();
    assert!(close(CarbonOrderUi::q_from_gamma(g), o.q(), 1e-12));
    assert!(close(CarbonOrderUi::gamma_from_q(o.q()), g, 1e-12));
    assert!(close(
        o.yasym() / o.y0(),
        CarbonOrderUi::asym_over_0(g),
        1e-12
    ));
    assert!(close(
        o.xint() / o.x0(),
        CarbonOrderUi::int_over_0(g),
        1e-12
    ));
    assert!(close(o.kappa_bar() * o.kappa_bar(), o.kappa(), 1e-12));
    // The effective price of a trade lies between the marginal prices at its two ends.
    let (p0, p1) = (o.p_marg(), o.p_marg_f(500., false).unwrap());
    let pe = o.p_eff_f(500., false).unwrap();
    assert!(p1 < pe && pe < p0);
    assert_eq!(o.p_eff_f(0., false).unwrap(), o.p_marg());
}

#[test]
fn single_price_order_trades_at_its_price() {
    // A limit order: sell 10 USDC at 2 USDC per ETH. S = 0, Γ = 0, no asymptote.
    let o = CarbonOrderUi::from_bsy(&eth_usdc(), "USDC", 2f64.sqrt(), 0., 10., 10.).unwrap();
    assert_eq!(o.gamma(), 0.);
    assert_eq!(o.xasym(), f64::NEG_INFINITY);
    let t = o.selly(4., SellOptions::default()).unwrap();
    assert!(close(t.dx, 2., 1e-12));
    assert_eq!(o.yfromp_f(o.pa()).unwrap(), 10.);
}

#[test]
fn from_qxy_and_addliqy() {
    let pair = eth_usdc();
    let o = CarbonOrderUi::from_prices(&pair, "USDC", 1500., 1000., 3000., 1500.).unwrap();
    let q = CarbonOrderUi::from_qxy(&pair, "USDC", o.q(), o.xint(), 3000., 1500.).unwrap();
    assert!(close(q.b(), o.b(), 1e-12) && close(q.s(), o.s(), 1e-12));
    let added = o.addliqy(2000., true).unwrap();
    assert!(added.expanded);
    assert_eq!((added.order.y(), added.order.yint()), (3500., 3500.));
    assert!(close(added.pmarg, 1500., 1e-12));
    assert!(matches!(
        o.addliqy(2000., false),
        Err(CarbonError::CurveNeedsExpanding { .. })
    ));
    // Buying back past yint needs expand_curve.
    let grow = SellOptions {
        allow_neg: true,
        expand_curve: true,
    };
    assert!(o.selly(-2000., SellOptions::default()).is_err());
    let t = o.selly(-2000., grow).unwrap();
    assert_eq!((t.yint_old, t.order.yint()), (Some(3000.), 3500.));
    assert!(t.dx < 0.);
}

#[test]
fn bad_input_is_a_typed_error() {
    let pair = eth_usdc();
    let bad = |r: Result<CarbonOrderUi, CarbonError>, name: &str| match r {
        Err(CarbonError::InvalidInput { name: n, .. }) => assert_eq!(n, name),
        other => panic!("expected an InvalidInput for {name}, got {other:?}"),
    };
    bad(
        CarbonOrderUi::from_prices(&pair, "ETH", 0., 2500., 1., 1.),
        "pa",
    );
    bad(
        CarbonOrderUi::from_prices(&pair, "ETH", 2000., -1., 1., 1.),
        "pb",
    );
    bad(
        CarbonOrderUi::from_prices(&pair, "ETH", f64::NAN, 2500., 1., 1.),
        "pa",
    );
    bad(
        CarbonOrderUi::from_prices(&pair, "ETH", 2000., 2500., 1., -1.),
        "y",
    );
    bad(
        CarbonOrderUi::from_prices(&pair, "ETH", 2000., 2500., -1., -2.),
        "yint",
    );
    bad(CarbonOrderUi::from_qxy(&pair, "ETH", 1.5, 1., 1., 1.), "Q");
    assert!(matches!(
        CarbonOrderUi::from_prices(&pair, "ETH", 2000., 2500., 1., 2.),
        Err(CarbonError::AboveCapacity { .. })
    ));
    assert!(matches!(
        CarbonOrderUi::from_prices(&pair, "DAI", 2000., 2500., 1., 1.),
        Err(CarbonError::TokenNotInPair { .. })
    ));
    assert_eq!(
        CarbonOrderUi::from_bsy(&pair, "ETH", 0., 0., 1., 1.),
        Err(CarbonError::OrderDisabled)
    );
    let o = eth_order();
    assert!(matches!(
        o.selly(1.5, SellOptions::default()),
        Err(CarbonError::TradeBeyondLiquidity { .. })
    ));
    assert!(matches!(
        o.dxfromdy_f(1.5),
        Err(CarbonError::TradeBeyondLiquidity { .. })
    ));
    assert!(matches!(
        o.dyfromdx_f(1e9),
        Err(CarbonError::TradeBeyondLiquidity { .. })
    ));
    assert!(o.selly(f64::NAN, SellOptions::default()).is_err());
    assert!(o.xfromy_f(2.).is_err() && o.yfromx_f(1e9).is_err());
    // Amounts within EPSILON of zero are no trade.
    let t = o.selly(1e-11, SellOptions::default()).unwrap();
    assert!(!t.executed && t.dy == 0. && t.order == o);
}
