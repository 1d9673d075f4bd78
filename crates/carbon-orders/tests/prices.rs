//! The bridge between prices in token units and encoded orders, against carbon-sdk 0.0.99 and
//! carbon-simulator's `CarbonOrderUI`.
//!
//! Each case's `y, z, A, B` is what carbon-sdk 0.0.99 (`@bancor/carbon-sdk` on npm) returns for
//! `encodeOrder(createFromSellOrder(...))` or `encodeOrder(createFromBuyOrder(...))` with the
//! same decimals, prices and budget; the script that printed them is in the comment at the end.

mod common;

use carbon_orders::{CarbonError, CarbonOrderUi, Decimals, EncodedOrder, Pair, PriceRange, Side};

struct Case {
    side: Side,
    base: u8,
    quote: u8,
    low: &'static str,
    marginal: &'static str,
    high: &'static str,
    budget: &'static str,
    y: u128,
    z: u128,
    a: u64,
    b: u64,
}

#[rustfmt::skip]
#[expect(clippy::unreadable_literal, reason = "carbon-sdk's output, digit for digit")]
const SDK: &[Case] = &[
    Case { side: Side::Sell, base: 18, quote: 6, low: "2000", marginal: "2000", high: "2500", budget: "1.5", y: 1500000000000000000, z: 1500000000000000000, a: 3539924399406984, b: 4393923342499840 },
    Case { side: Side::Sell, base: 18, quote: 6, low: "2000", marginal: "2100", high: "2500", budget: "1.5", y: 1500000000000000000, z: 1943704576450449291, a: 3539924399406984, b: 4393923342499840 },
    Case { side: Side::Buy, base: 18, quote: 6, low: "1500", marginal: "1800", high: "1800", budget: "3000", y: 3000000000, z: 3000000000, a: 1040492914, b: 10901478971 },
    Case { side: Side::Buy, base: 18, quote: 6, low: "1500", marginal: "1650.5", high: "1800", budget: "3000.1234567", y: 3000123456, z: 5847668068, a: 1040492914, b: 10901478971 },
    Case { side: Side::Sell, base: 8, quote: 6, low: "60000", marginal: "61000.25", high: "70000", budget: "0.12345678", y: 12345678, z: 13886868, a: 852413681276, b: 10638754123772 },
    Case { side: Side::Buy, base: 8, quote: 6, low: "55000", marginal: "57000", high: "59000", budget: "10000", y: 10000000000, z: 19826047137, a: 235830094855264, b: 1613661550234466 },
    Case { side: Side::Sell, base: 6, quote: 18, low: "0.999", marginal: "0.999", high: "1.001", budget: "250000", y: 250000000000, z: 250000000000, a: 281475, b: 281334344 },
    Case { side: Side::Buy, base: 6, quote: 18, low: "0.995", marginal: "0.999", high: "0.999", budget: "250000.000000000000000001", y: 250000000000000000000001, z: 250000000000000000000001, a: 3371516036135424, b: 5897263060608591 },
    Case { side: Side::Sell, base: 18, quote: 18, low: "0.00000812345", marginal: "0.0000085", high: "0.0000091", budget: "123456789.123456789", y: 123456789123456789000000000, z: 207828588928883071412938227, a: 1577666396363408, b: 2715517068124236 },
    Case { side: Side::Buy, base: 18, quote: 18, low: "0.00000812345", marginal: "0.0000085", high: "0.0000091", budget: "42", y: 42000000000000000000, z: 107045520720355308467, a: 46852625642, b: 802250594749 },
    Case { side: Side::Sell, base: 0, quote: 18, low: "3", marginal: "3", high: "7", budget: "17", y: 17, z: 17, a: 56122, b: 106387 },
    Case { side: Side::Buy, base: 18, quote: 0, low: "0.001", marginal: "0.0015", high: "0.002", budget: "5", y: 5, z: 9, a: 3686, b: 8901 },
    Case { side: Side::Sell, base: 18, quote: 6, low: "1234.5678", marginal: "1234.5678", high: "1234.5678", budget: "2", y: 2000000000000000000, z: 2000000000000000000, a: 0, b: 4466598485046570 },
    Case { side: Side::Buy, base: 18, quote: 6, low: "1234.5678", marginal: "1234.5678", high: "1234.5678", budget: "2000", y: 2000000000, z: 2000000000, a: 0, b: 9890022158 },
    Case { side: Side::Sell, base: 18, quote: 6, low: "2000", marginal: "2000", high: "2500", budget: "0", y: 0, z: 0, a: 3539924399406984, b: 4393923342499840 },
];

fn encode(c: &Case) -> Result<EncodedOrder, CarbonError> {
    let range = PriceRange {
        low: c.low,
        marginal: c.marginal,
        high: c.high,
        budget: c.budget,
    };
    EncodedOrder::from_prices(
        c.side,
        Decimals {
            base: c.base,
            quote: c.quote,
        },
        &range,
    )
}

#[test]
fn encodes_as_carbon_sdk() {
    for c in SDK {
        let o = encode(c).unwrap_or_else(|e| panic!("{} {}..{}: {e}", c.budget, c.low, c.high));
        assert_eq!(
            (o.y, o.z, o.a, o.b),
            (c.y, c.z, c.a, c.b),
            "{:?} {}/{} decimals, {} ≤ {} ≤ {}, budget {}",
            c.side,
            c.base,
            c.quote,
            c.low,
            c.marginal,
            c.high,
            c.budget
        );
    }
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(f64::MIN_POSITIVE)
}

fn resolution(c: &Case, price: f64) -> f64 {
    common::resolution(
        c.side,
        Decimals {
            base: c.base,
            quote: c.quote,
        },
        price,
    )
}

/// The decoded prices and budget agree with the float order of carbon-simulator built from the
/// same range and the encoded capacity, and with the prices asked for, to the contract's
/// resolution ([`common::resolution`]).
#[test]
fn decodes_as_the_order_ui() {
    for c in SDK.iter().filter(|c| c.y > 0 && c.low != c.high) {
        let d = Decimals {
            base: c.base,
            quote: c.quote,
        };
        let o = encode(c).unwrap();
        let p = o.prices(c.side, d).unwrap();
        let pair = Pair::parse("BASE/QUOTE").unwrap();
        let (tkn, pa, pb, sold) = match c.side {
            Side::Sell => ("BASE", c.low, c.high, c.base),
            Side::Buy => ("QUOTE", c.high, c.low, c.quote),
        };
        let units = 10f64.powi(i32::from(sold));
        #[expect(clippy::cast_precision_loss, reason = "token units for a float order")]
        let (yint, y) = (c.z as f64 / units, c.y as f64 / units);
        let pa: f64 = pa.parse().unwrap();
        let pb: f64 = pb.parse().unwrap();
        let ui = CarbonOrderUi::from_prices(&pair, tkn, pa, pb, yint, y).unwrap();
        let what = format!("{:?} {} ≤ {} ≤ {}", c.side, c.low, c.marginal, c.high);
        let low: f64 = c.low.parse().unwrap();
        let high: f64 = c.high.parse().unwrap();
        let tol = resolution(c, low).max(resolution(c, high));
        assert!(
            rel(p.low.to_f64(), ui.pmin()) < tol,
            "low {what}: {} vs {}",
            p.low.to_f64(),
            ui.pmin()
        );
        assert!(rel(p.low.to_f64(), low) < tol, "low asked {what}");
        assert!(rel(p.high.to_f64(), ui.pmax()) < tol, "high {what}");
        assert!(rel(p.high.to_f64(), high) < tol, "high asked {what}");
        // The marginal price mixes both square roots with y/z: twice the worst resolution.
        assert!(
            rel(p.marginal.to_f64(), ui.p_marg()) < 2.0 * tol,
            "marginal {what}: {} vs {}",
            p.marginal.to_f64(),
            ui.p_marg()
        );
        assert!(rel(p.budget.to_f64(), ui.y()) < 1e-15, "budget {what}");
    }
}

#[test]
fn the_readme_order_by_hand() {
    // 1.5 ETH from 2000 to 2500 USDC per ETH. Its rates are ETH wei per USDC wei:
    // 10^12/2500 = 4·10^8 (lowest) and 10^12/2000 = 5·10^8 (highest), so
    // B = floor(√(4·10^8)·2^48) = 20000·2^48 cut to 48 significant bits, and so on.
    let eth_usdc = Decimals { base: 18, quote: 6 };
    let range = PriceRange {
        low: "2000",
        marginal: "2000",
        high: "2500",
        budget: "1.5",
    };
    let o = EncodedOrder::from_prices(Side::Sell, eth_usdc, &range).unwrap();
    assert_eq!(
        o,
        EncodedOrder::from_rates("1500000000000000000", "400000000", "500000000", "500000000")
            .unwrap()
    );
    // 20000 · 2^48 = 5 629 499 534 213 120 000 has 63 bits: 15 are cut, so B's mantissa is
    // 20000·2^33 and its exponent 15.
    assert_eq!(o.b, (20_000u64 << 33) | (15 << 48));
    let back = o.prices(Side::Sell, eth_usdc).unwrap();
    assert_eq!(back.low.to_decimal_string(9).unwrap(), "2000");
    assert_eq!(back.high.to_decimal_string(9).unwrap(), "2500");
}

#[test]
fn refusals() {
    let d = Decimals { base: 18, quote: 6 };
    let range = |low, marginal, high, budget| PriceRange {
        low,
        marginal,
        high,
        budget,
    };
    // The SDK's encodeOrder throws for these ("Either one of the following must hold").
    assert!(matches!(
        EncodedOrder::from_prices(Side::Sell, d, &range("2000", "1900", "2500", "1")),
        Err(CarbonError::InvalidOrder { .. })
    ));
    assert!(matches!(
        EncodedOrder::from_prices(Side::Buy, d, &range("2000", "2000", "2500", "1")),
        Err(CarbonError::InvalidOrder { .. })
    ));
    // A sell order's rates are inverses: a zero price has none.
    assert!(matches!(
        EncodedOrder::from_prices(Side::Sell, d, &range("0", "1", "2", "1")),
        Err(CarbonError::InvalidOrder { .. })
    ));
    assert!(matches!(
        EncodedOrder::from_prices(Side::Sell, d, &range("-1", "1", "2", "1")),
        Err(CarbonError::InvalidDecimal { .. })
    ));
    // A budget that does not fit uint128.
    assert!(matches!(
        EncodedOrder::from_prices(
            Side::Sell,
            d,
            &range("1", "1", "2", "1000000000000000000000")
        ),
        Err(CarbonError::Overflow { .. })
    ));
}

// The reference values were printed by this script (npm i @bancor/carbon-sdk@0.0.99-DEV):
//
//   const sm = require('@bancor/carbon-sdk/strategy-management');
//   const enc = require('@bancor/carbon-sdk/utils');
//   const o = side === 'sell' ? sm.createFromSellOrder(bd, qd, low, marg, high, budget)
//                             : sm.createFromBuyOrder(bd, qd, low, marg, high, budget);
//   const r = enc.encodeOrder(o); // y, z, A, B
