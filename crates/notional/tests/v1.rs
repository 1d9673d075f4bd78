//! v1 `CashMarket.sol`: one market worked out by hand (with Python's exact `ln`, floored as the
//! contract floors ABDK's), and every rejection the contract makes.

use notional::NotionalError;
use notional::v1::{AddLiquidity, CashMarket, Governance, calculate_implied_rate, transaction_fee};

const E18: u128 = 1_000_000_000_000_000_000;
const MATURITY: u32 = 1_700_000_000;
/// Ten days before maturity, in a 30-day cash group.
const NOW: u32 = MATURITY - 864_000;

fn gov() -> Governance {
    Governance {
        maturity_length: 2_592_000,
        max_trade_size: 10_000 * E18,
        rate_anchor: 1_100_000_000,
        rate_scalar: 100,
        liquidity_fee: 1_000_000,
        transaction_fee: 1_000_000_000_000_000,
    }
}

/// 1.1M fCash against 1M cash; the last implied rate is 3000 below the current one.
fn market() -> CashMarket {
    CashMarket {
        total_fcash: 1_100_000 * E18,
        total_liquidity: 1_000_000 * E18,
        total_current_cash: 1_000_000 * E18,
        rate_scalar: 100,
        rate_anchor: 1_010_000_000,
        last_implied_rate: 30_950_100,
    }
}

#[test]
fn the_zero_trade_by_hand() {
    // p = ⌊1.1M·1e18/2.1M⌋ = 523809523809523809; ratio = ⌊p·1e18/(1e18 − p)⌋ = 1099999999999999997;
    // ⌊ln(ratio)·1e9⌋ − 41446531673 = 95310180; scalar = 100·2592000/864000 = 300;
    // rate = trunc(95310180/300) + 1010000000 = 1010317700.
    let m = market();
    assert_eq!(m.exchange_rate(&gov(), 864_000, 0).unwrap(), 1_010_317_700);
    // implied = (1010317700 − 1e9)·2592000/864000 = 30953100.
    assert_eq!(m.implied_rate(&gov(), 864_000).unwrap(), 30_953_100);
    // anchor − trunc((30953100 − 30950100)·864000/2592000) = 1010000000 − 1000.
    assert_eq!(m.new_rate_anchor(&gov(), 864_000).unwrap(), 1_009_999_000);
}

#[test]
fn a_borrow_by_hand() {
    // 1000 fCash sold at the rolled anchor 1009999000: the pre-fee rate is 1010323064, plus the
    // liquidity fee ⌊1e6·864000/2592000⌋ = 333333 is 1010656397; cash = ⌊1000e18·1e9/1010656397⌋.
    let mut m = market();
    let g = gov();
    let (after, cash) = m
        .trade_calculation(&g, 1000 * E18.cast_signed(), 864_000)
        .unwrap();
    assert_eq!(cash, 989_455_964_429_026_416_185);
    assert_eq!(after.total_fcash, 1_101_000 * E18);
    assert_eq!(after.total_current_cash, 1_000_000 * E18 - cash);
    assert_eq!(after.rate_anchor, 1_009_999_000);
    assert_eq!(after.last_implied_rate, 30_969_087);
    // The transaction fee ⌊cash·1e15·864000/2592000/1e18⌋.
    assert_eq!(
        transaction_fee(&g, cash, 864_000).unwrap(),
        329_818_654_809_675_472
    );
    assert_eq!(
        m.fcash_to_current_cash(&g, MATURITY, 1000 * E18, NOW)
            .unwrap(),
        989_126_145_774_216_740_713
    );
    // Taking the cash applies the same trade and keeps the market it computed.
    let trade = m
        .take_current_cash(&g, MATURITY, 1000 * E18, NOW, u32::MAX)
        .unwrap();
    assert_eq!((trade.cash, trade.fee), (cash, 329_818_654_809_675_472));
    assert_eq!(m, after);
}

#[test]
fn rejections_are_typed_and_leave_the_market_unchanged() {
    let g = gov();
    let mut m = market();
    let before = m;
    let kind = |r: Result<_, NotionalError>| r.map(|_: notional::v1::Trade| ()).unwrap_err().kind();
    // Above the max trade size.
    assert_eq!(
        kind(m.take_current_cash(&g, MATURITY, 10_001 * E18, NOW, u32::MAX)),
        "TradeTooLarge"
    );
    // More fCash than the pool holds.
    assert_eq!(
        kind(m.take_fcash(&g, MATURITY, 2_000_000 * E18, NOW, 0)),
        "TradeTooLarge"
    );
    // At and after maturity.
    assert_eq!(
        kind(m.take_fcash(&g, MATURITY, E18, MATURITY, 0)),
        "MaturedMarket"
    );
    // Slippage: the borrow's implied rate is above a limit of 1.
    assert_eq!(
        kind(m.take_current_cash(&g, MATURITY, E18, NOW, 1)),
        "Slippage"
    );
    assert_eq!(m, before);
    // A pool with almost no cash: selling fCash pushes p past 1 in 1e18 units.
    let thin = CashMarket {
        total_current_cash: 1,
        ..market()
    };
    assert_eq!(
        thin.exchange_rate(&g, 864_000, 1).unwrap_err().kind(),
        "RatioOverflow"
    );
    // An empty market divides by zero.
    assert_eq!(
        CashMarket::default()
            .exchange_rate(&g, 864_000, 0)
            .unwrap_err()
            .kind(),
        "DivisionByZero"
    );
    // A negative rate on the anchor update: an anchor far below 1.
    let low = CashMarket {
        rate_anchor: 900_000_000,
        ..market()
    };
    assert_eq!(
        low.new_rate_anchor(&g, 864_000).unwrap_err().kind(),
        "NegativeInterestRate"
    );
    // Lending at a rate the fee pushes below 1.
    let flat = CashMarket {
        rate_anchor: 999_800_000,
        last_implied_rate: 0,
        ..market()
    };
    let fee = Governance {
        liquidity_fee: 10_000_000,
        ..g
    };
    assert_eq!(
        flat.trade_calculation(&fee, -E18.cast_signed(), 864_000)
            .unwrap_err()
            .kind(),
        "NegativeInterestRate"
    );
    // fCash below cash is a negative implied rate.
    assert_eq!(
        calculate_implied_rate(&g, 2, 1, 864_000)
            .unwrap_err()
            .kind(),
        "NegativeInterestRate"
    );
}

#[test]
fn liquidity_is_pro_rata() {
    let g = gov();
    let mut m = market();
    let added = m
        .add_liquidity(
            &g,
            MATURITY,
            AddLiquidity::at_any_rate(1000 * E18, u128::MAX),
            NOW,
        )
        .unwrap();
    // 1000 cash is 1/1000 of the pool: 1000 tokens and 1100 fCash.
    assert_eq!((added.tokens, added.fcash), (1000 * E18, 1100 * E18));
    let removed = m.remove_liquidity(MATURITY, added.tokens, NOW).unwrap();
    assert_eq!((removed.cash, removed.fcash), (1000 * E18, 1100 * E18));
    assert_eq!(m, market());
    // The first deposit sets the anchor (1.1e9 − 1e9)·864000/31536000 + 1e9 = 1002739726.
    let mut new = CashMarket::default();
    let first = new
        .add_liquidity(
            &g,
            MATURITY,
            AddLiquidity::at_any_rate(1000 * E18, 1100 * E18),
            NOW,
        )
        .unwrap();
    assert_eq!(first.tokens, 1000 * E18);
    assert_eq!((new.rate_scalar, new.rate_anchor), (100, 1_002_739_726));
    assert!(new.last_implied_rate > 0);
}
