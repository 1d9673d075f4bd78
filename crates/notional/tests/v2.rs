//! The v2 market: values worked out by hand, the identities the contract is built on, and its
//! rejections.

use notional::v2::{
    CashGroup, Market, RATE_PRECISION, exchange_rate_from_implied_rate, implied_rate,
    log_proportion, weighted_oracle_rate,
};

/// 1e8, v2's internal token precision.
const UNIT: i128 = 100_000_000;
/// A 90-day market.
const T: u32 = 90 * 86_400;

fn cash_group() -> CashGroup {
    CashGroup {
        rate_scalar: 30,
        total_fee: 6, // 30 bps a year
        reserve_fee_share: 50,
        rate_oracle_time_window: 600,
    }
}

/// 1M fCash against 950k cash at a last implied rate of 5 %.
fn market() -> Market {
    Market {
        total_fcash: 1_000_000 * UNIT,
        total_cash: 950_000 * UNIT,
        total_liquidity: 950_000 * UNIT,
        last_implied_rate: 50_000_000,
        oracle_rate: 50_000_000,
        previous_trade_time: 0,
    }
}

#[test]
fn logit_and_exponential_by_hand() {
    // p = 0.6: ln(0.6/0.4) = ln 1.5 = 0.405465108108…, at 1e9 and floored.
    assert_eq!(log_proportion(600_000_000).unwrap(), 405_465_108);
    // 5 % for 90 days of a 360-day year: e^0.0125 = 1.01257845154… → 1012578451.
    assert_eq!(
        exchange_rate_from_implied_rate(50_000_000, T).unwrap(),
        1_012_578_451
    );
    // p = 1 divides by zero; p = 0 has no logarithm.
    assert_eq!(
        log_proportion(RATE_PRECISION).unwrap_err().kind(),
        "RatioOverflow"
    );
    assert_eq!(
        log_proportion(0).unwrap_err().kind(),
        "ProportionOutOfBounds"
    );
}

#[test]
fn the_rolled_anchor_keeps_the_last_implied_rate() {
    // The anchor is rebuilt from e^(r·t) so that, untraded, the market's implied rate is still r,
    // whatever the time to maturity, to the rounding of the integer steps: the exchange rate is
    // truncated to 1e-9 (twice: e^(rt) and ln/scalar), and annualising multiplies that by 360d/t.
    let (m, cg) = (market(), cash_group());
    for t in [T, T / 3, 7 * 86_400, 86_400] {
        let curve = m.curve(&cg, t).unwrap();
        let r = implied_rate(&curve, t).unwrap();
        let bound = 3 * 31_104_000 / i64::from(t);
        assert!(
            (i64::from(r) - 50_000_000).abs() <= bound,
            "t = {t}: {r}, bound {bound}"
        );
    }
    // The scalar is s·1e9·360d/t: 30e9·4 for 90 days.
    assert_eq!(cg.rate_scalar(T).unwrap(), 120_000_000_000);
}

#[test]
fn trades_move_the_rate_and_conserve_cash() {
    let cg = cash_group();
    // Lend 10k fCash: the account pays cash, the rate falls.
    let mut lend = market();
    let trade = lend.calculate_trade(&cg, 10_000 * UNIT, T, 1000).unwrap();
    assert!(trade.net_cash_to_account < 0 && trade.net_cash_to_account > -10_000 * UNIT);
    assert_eq!(
        trade.net_cash_to_account + trade.net_cash_to_market + trade.cash_to_reserve,
        0
    );
    assert!(lend.last_implied_rate < 50_000_000);
    assert_eq!(lend.previous_trade_time, 1000);
    // Half of the fee goes to the reserve.
    assert!(trade.cash_to_reserve > 0);
    // Borrow 10k fCash: the account receives less than 10k cash, the rate rises.
    let mut borrow = market();
    let trade = borrow
        .calculate_trade(&cg, -10_000 * UNIT, T, 1000)
        .unwrap();
    assert!(trade.net_cash_to_account > 0 && trade.net_cash_to_account < 10_000 * UNIT);
    assert!(borrow.last_implied_rate > 50_000_000);
    // Borrowing past the 0.99 cap is refused, and the market is unchanged.
    let mut capped = market();
    let err = capped
        .calculate_trade(&cg, -200_000_000 * UNIT, T, 1000)
        .unwrap_err();
    assert_eq!(err.kind(), "ProportionOutOfBounds");
    assert_eq!(capped, market());
    // Lending all the fCash is refused.
    assert_eq!(
        capped
            .calculate_trade(&cg, 1_000_000 * UNIT, T, 1000)
            .unwrap_err()
            .kind(),
        "TradeTooLarge"
    );
}

#[test]
fn newton_finds_the_fcash_for_a_cash_amount() {
    let (m, cg) = (market(), cash_group());
    // Lend exactly 5000 cash: Newton finds the fCash, and trading it costs 5000 cash to 1e-9 (the
    // contract's Newton solves with the fee as one multiplicative rate, and rounds at 1e9 and 1e8,
    // while the trade takes the fee from the cash).
    let q = m.fcash_given_cash(&cg, -5000 * UNIT, T, 0).unwrap();
    assert!(q.fcash > 5000 * UNIT && q.iterations <= 10, "{q:?}");
    let mut after = m;
    let trade = after.calculate_trade(&cg, q.fcash, T, 0).unwrap();
    assert!(
        (trade.net_cash_to_account + 5000 * UNIT).abs() <= 500,
        "{trade:?}"
    );
    // Borrow exactly 5000 cash.
    let q = m.fcash_given_cash(&cg, 5000 * UNIT, T, 0).unwrap();
    assert!(q.fcash < -5000 * UNIT);
    let mut after = m;
    let trade = after.calculate_trade(&cg, q.fcash, T, 0).unwrap();
    assert!(
        (trade.net_cash_to_account - 5000 * UNIT).abs() <= 500,
        "{trade:?}"
    );
}

#[test]
fn the_oracle_is_time_weighted() {
    // The market's last trade time, last implied rate and stored oracle rate; the window; now.
    let oracle_rate = |previous_trade_time, last_implied_rate, oracle_rate, window, now| {
        let m = Market {
            last_implied_rate,
            oracle_rate,
            previous_trade_time,
            ..Market::default()
        };
        weighted_oracle_rate(&m, window, now)
    };
    // Half the window since the last trade: (60e6 + 50e6)/2.
    assert_eq!(
        oracle_rate(1000, 60_000_000, 50_000_000, 600, 1300).unwrap(),
        55_000_000
    );
    // Past the window: the last implied rate.
    assert_eq!(
        oracle_rate(1000, 60_000_000, 50_000_000, 600, 1601).unwrap(),
        60_000_000
    );
    // A view from before the last trade: the last implied rate.
    assert_eq!(
        oracle_rate(1000, 60_000_000, 50_000_000, 600, 999).unwrap(),
        60_000_000
    );
    assert_eq!(
        oracle_rate(1000, 1, 1, 0, 1300).unwrap_err().kind(),
        "InvalidArgument"
    );
}

#[test]
fn liquidity_is_pro_rata() {
    let mut m = market();
    let (tokens, fcash) = m.add_liquidity(9_500 * UNIT).unwrap();
    // 1 % of the cash: 1 % of the tokens, and 1 % of the fCash owed to the market.
    assert_eq!((tokens, fcash), (9_500 * UNIT, -10_000 * UNIT));
    assert_eq!(
        m.remove_liquidity(tokens).unwrap(),
        (9_500 * UNIT, 10_000 * UNIT)
    );
    assert_eq!(m, market());
    assert_eq!(
        m.remove_liquidity(m.total_liquidity + 1)
            .unwrap_err()
            .kind(),
        "TradeTooLarge"
    );
    assert_eq!(
        Market::default().add_liquidity(1).unwrap_err().kind(),
        "InvalidArgument"
    );
}

#[test]
fn annualised_rate_by_hand() {
    // 1000 fCash for 990 cash, 90 days: ln(1000/990) · 360/90.
    let r = notional::v2::annualised_rate(1_000 * UNIT, -990 * UNIT, 90 * 86_400).unwrap();
    assert!((r - 0.040_201_343_414_006_02).abs() < 1e-15, "{r}");
    // A borrower's quote: receive 990 now, owe 1000 in a year (360 days): ln(1000/990).
    let r = notional::v2::annualised_rate(-1_000 * UNIT, 990 * UNIT, 360 * 86_400).unwrap();
    assert!((r - 0.010_050_335_853_501_4).abs() < 1e-15, "{r}");
    for (f, c, t) in [(1, 1, 1), (-1, -1, 1), (0, 1, 1), (1, 0, 1), (1, -1, 0)] {
        assert!(
            notional::v2::annualised_rate(f, c, t).is_err(),
            "{f} {c} {t}"
        );
    }
}
