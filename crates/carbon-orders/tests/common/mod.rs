//! Helpers shared by the integration tests.

use carbon_orders::{Decimals, Side};

/// The relative resolution of a price (quote units per base unit) in an encoded order. The
/// contract keeps `√rate` (rate in wei per wei) in 48-bit fixed point cut to 48 significant
/// bits, an error below `2⁻⁴⁸/√rate + 2⁻⁴⁷` relative; squaring doubles it. A price of 3 quote
/// per base with 0 and 18 decimals is a sell rate of 3.3·10⁻¹⁹: √ ≈ 5.8·10⁻¹⁰, so only about
/// 17 bits survive.
pub(crate) fn resolution(side: Side, decimals: Decimals, price: f64) -> f64 {
    let shift = 10f64.powi(i32::from(decimals.quote) - i32::from(decimals.base));
    let rate = match side {
        Side::Sell => 1.0 / (price * shift),
        Side::Buy => price * shift,
    };
    2.0 * (2f64.powi(-48) / rate.sqrt() + 2f64.powi(-47)) * 1.01 + 1e-13
}
