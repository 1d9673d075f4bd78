//! Matching an amount across many orders, with carbon-sdk's two methods (`match.ts`):
//!
//! * **Fast**: quote every order for the whole amount, sort the quotes by rate (compared by
//!   cross-multiplication, ties broken on the output), and fill greedily from the best.
//! * **Best**: bring the best orders down to the rate of the next one
//!   (`getLimit = floor((y·a + z·b)/z)`, the order's marginal rate), bisect the limit between two
//!   orders' rates until the trades add up to the amount, then hand the remainder out order by
//!   order.
//!
//! The SDK works in unbounded JavaScript integers and its trade functions return 0 (by source)
//! or `2¹²⁸ − 1` (by target) instead of throwing; intermediate inputs can go negative while
//! the remainder is handed out. [`Amount`] carries those signed values; the trade functions
//! reproduce the SDK on them, including its answers for negative inputs. An action is kept
//! when its input and output are both positive (the SDK's default filter).
//!
//! **Fidelity.** Fast follows carbon-sdk 0.0.99 (the version the vectors come from): an order
//! whose quote is below what remains is taken whole, and the first whose quote covers the
//! remainder takes it and ends the matching, even when that last action is filtered out (its
//! output rounds to 0). Later SDKs go on to the next order instead.
//!
//! The SDK's Best can match more than the amount asked for, and for dust amounts can return
//! actions the contract would refuse (an input of `2¹²⁸ − 1`, a trade for an amount of 0).
//! [`Fidelity::Faithful`] reproduces every action the SDK returns; [`Fidelity::Corrected`], the
//! default, then walks the actions in order and keeps the total input within the amount: an
//! action that would pass it is re-quoted for what remains (by source, the largest input whose
//! output the order can pay), one the contract would refuse is dropped, and nothing is matched
//! once the amount is used up. Wherever the SDK's own answer stays within the amount and the
//! contract accepts each action, both fidelities give the same actions (a property test checks
//! it).
//!
//! **A defect of the reference, reproduced in [`Fidelity::Faithful`].** Best by target can
//! match more than the amount asked for. In the test `best_by_target_can_over_match` (four
//! orders found by the property tests), an amount of 1 007 256 441 734 594 212 705 756 994 079
//! gets actions whose inputs sum to 1 007 256 441 734 595 894 801 009 040 148, 1.68·10¹⁵ more
//! (1 682 095 252 046 069); carbon-sdk 0.0.99 from npm returns the same actions;
//! [`Fidelity::Corrected`] re-quotes the last one for what remains.

mod amount;
mod best;
mod corrected;
mod fast;
mod sdk;

pub use amount::Amount;

use crate::order::EncodedOrder;
use crate::strategy::TradeBy;
use sdk::{EqualizeFn, Quote, TradeFn};

/// One matched trade: order `id` (its index) takes `input` and gives `output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MatchAction {
    /// Index of the order in the slice given.
    pub id: usize,
    /// Source amount.
    pub input: u128,
    /// Target amount.
    pub output: u128,
}

/// The two matchings of one amount: what [`match_amount`], [`match_by_source_amount`] and
/// [`match_by_target_amount`] return (carbon-sdk's `MatchOptions`, a map from `MatchType` to
/// actions; here a field per method).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MatchResults {
    /// Greedy, best rate first.
    pub fast: Vec<MatchAction>,
    /// Rates equalised across the orders used.
    pub best: Vec<MatchAction>,
}

/// Whether matching reproduces carbon-sdk's answers exactly or keeps them within the amount
/// (the module docs say where the two differ). The same words as `tokensim-models`'s fidelity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Fidelity {
    /// Every action carbon-sdk 0.0.99 returns, including Best's over-matching (the
    /// `carbon-match` conformance suite).
    Faithful,
    /// The SDK's actions, kept within the amount asked for and to what the contract accepts
    /// (default).
    #[default]
    Corrected,
}

/// One of the SDK's two matching methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchMethod {
    /// Greedy, best rate first (`MatchType.Fast`).
    Fast,
    /// Rates equalised across the orders used (`MatchType.Best`).
    Best,
}

/// The quotes of every order for the whole amount, sorted best first (a stable sort, as
/// JavaScript's: equal quotes keep the orders' order).
fn sorted_quotes(
    amount: Amount,
    orders: &[EncodedOrder],
    trade: TradeFn,
    by_max: bool,
) -> Vec<(usize, Quote)> {
    let mut quotes: Vec<(usize, Quote)> = orders
        .iter()
        .enumerate()
        .map(|(id, o)| (id, trade(amount, o)))
        .collect();
    if by_max {
        quotes.sort_by(|a, b| sdk::by_min_rate(&b.1, &a.1));
    } else {
        quotes.sort_by(|a, b| sdk::by_min_rate(&a.1, &b.1));
    }
    quotes
}

/// The orders' quotes for an amount, sorted best first, with the SDK's trade functions for
/// matching by source or by target: what both methods start from.
struct Quotes {
    amount: u128,
    by: TradeBy,
    quotes: Vec<(usize, Quote)>,
    trade: TradeFn,
    equalize: EqualizeFn,
}

impl Quotes {
    fn new(amount: u128, orders: &[EncodedOrder], by: TradeBy) -> Self {
        let (trade, by_max, equalize): (TradeFn, bool, EqualizeFn) = match by {
            TradeBy::SourceAmount => (sdk::quote_by_source, false, sdk::equal_source),
            TradeBy::TargetAmount => (sdk::quote_by_target, true, sdk::equal_target),
        };
        Self {
            amount,
            by,
            quotes: sorted_quotes(Amount::from_u128(amount), orders, trade, by_max),
            trade,
            equalize,
        }
    }

    /// One method's actions at a fidelity.
    fn matched(
        &self,
        orders: &[EncodedOrder],
        method: MatchMethod,
        fidelity: Fidelity,
    ) -> Vec<MatchAction> {
        let wide = Amount::from_u128(self.amount);
        let actions = match method {
            MatchMethod::Fast => fast::match_fast(wide, orders, &self.quotes, self.trade),
            MatchMethod::Best => {
                best::match_best(wide, orders, &self.quotes, self.trade, self.equalize)
            }
        };
        match fidelity {
            Fidelity::Faithful => actions,
            Fidelity::Corrected => corrected::within_amount(self.amount, orders, actions, self.by),
        }
    }
}

/// Both matchings of `amount` by source or by target, at a [`Fidelity`].
#[must_use]
pub fn match_amount(
    amount: u128,
    orders: &[EncodedOrder],
    by: TradeBy,
    fidelity: Fidelity,
) -> MatchResults {
    let quotes = Quotes::new(amount, orders, by);
    MatchResults {
        fast: quotes.matched(orders, MatchMethod::Fast, fidelity),
        best: quotes.matched(orders, MatchMethod::Best, fidelity),
    }
}

/// Matches `amount` of source token across `orders` (carbon-sdk `matchBySourceAmount`), kept
/// within the amount ([`Fidelity::Corrected`]; [`match_amount`] gives the SDK's own answer):
/// each action's `input` is source paid, `output` target received.
///
/// ```
/// use carbon_orders::{Decimals, EncodedOrder, PriceRange, Side, match_by_source_amount};
///
/// // Two orders selling ETH for USDC, one from 2000 and one from 2100 USDC per ETH.
/// let d = Decimals { base: 18, quote: 6 };
/// let order = |low, high| {
///     let range = PriceRange { low, marginal: low, high, budget: "1" };
///     EncodedOrder::from_prices(Side::Sell, d, &range)
/// };
/// let orders = [order("2100", "2600")?, order("2000", "2500")?];
/// // Spend 1000 USDC (in USDC's smallest unit) across them.
/// let m = match_by_source_amount(1_000_000_000, &orders);
/// // Fast fills the cheaper order (index 1) first; neither method spends more than the amount.
/// assert_eq!(m.fast[0].id, 1);
/// for actions in [&m.fast, &m.best] {
///     assert!(actions.iter().map(|a| a.input).sum::<u128>() <= 1_000_000_000);
/// }
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
#[must_use]
pub fn match_by_source_amount(amount: u128, orders: &[EncodedOrder]) -> MatchResults {
    match_amount(amount, orders, TradeBy::SourceAmount, Fidelity::Corrected)
}

/// Matches `amount` of target token across `orders` (carbon-sdk `matchByTargetAmount`), kept
/// within the amount ([`Fidelity::Corrected`]): each action's `input` is target received,
/// `output` source paid.
#[must_use]
pub fn match_by_target_amount(amount: u128, orders: &[EncodedOrder]) -> MatchResults {
    match_amount(amount, orders, TradeBy::TargetAmount, Fidelity::Corrected)
}

/// One matching only: `method` by source or by target amount, at a [`Fidelity`]; the same
/// actions as the corresponding field of [`match_amount`], without computing the other
/// method's.
///
/// ```
/// use carbon_orders::{EncodedOrder, Fidelity, MatchMethod, TradeBy, match_orders};
///
/// let orders = [
///     EncodedOrder::from_rates("1000000", "1", "2", "2")?,
///     EncodedOrder::from_rates("1000000", "1", "1.5", "1.5")?,
/// ];
/// // Receive 10 000 of the target token, Best method, as carbon-sdk 0.0.99 answers.
/// let actions = match_orders(10_000, &orders, TradeBy::TargetAmount, MatchMethod::Best, Fidelity::Faithful);
/// assert!(!actions.is_empty());
/// // By target, `input` is what the trader receives and `output` what it pays.
/// assert!(actions.iter().all(|a| a.output < a.input));
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
#[must_use]
pub fn match_orders(
    amount: u128,
    orders: &[EncodedOrder],
    by: TradeBy,
    method: MatchMethod,
    fidelity: Fidelity,
) -> Vec<MatchAction> {
    Quotes::new(amount, orders, by).matched(orders, method, fidelity)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(y: u128) -> EncodedOrder {
        EncodedOrder::from_rates(&y.to_string(), "1", "1", "1").unwrap()
    }

    #[test]
    fn two_flat_orders_by_hand() {
        // Equal rates: the larger quote goes first; 100 from order 0, the other 20 from order 1.
        let orders = [flat(100), flat(50)];
        let m = match_by_source_amount(120, &orders);
        let expected = vec![
            MatchAction {
                id: 0,
                input: 100,
                output: 100,
            },
            MatchAction {
                id: 1,
                input: 20,
                output: 20,
            },
        ];
        assert_eq!(m.fast, expected);
        assert_eq!(m.best, expected);
        let m = match_by_target_amount(30, &orders);
        assert_eq!(
            m.fast,
            [MatchAction {
                id: 0,
                input: 30,
                output: 30
            }]
        );
    }

    #[test]
    fn best_by_target_can_over_match() {
        let o = |y: u128, z: u128, a: u64, b: u64| EncodedOrder { y, z, a, b };
        let orders = [
            o(
                897_685_776_931_512_027_230_226_700_001,
                932_290_669_850_059_636_758_660_442_290,
                0,
                3_238_559_797_698_383,
            ),
            o(
                152_469_226_917_655_101_884_049_293_363,
                608_741_820_752_942_608_198_614_208_938,
                3_327_087_610_341_510,
                3_047_409_835_937_476,
            ),
            o(
                4_492_822_546_490_494_979_344_250_362,
                5_508_672_634_082_165_377_390_885_916,
                0,
                3_238_559_797_698_383,
            ),
            o(
                158_191_373_919_861_537_289_532_593_373,
                166_562_899_382_138_674_552_793_651_603,
                3_575_886_877_928_909,
                2_724_305_340_610_682,
            ),
        ];
        let amount = 1_007_256_441_734_594_212_705_756_994_079;
        let m = match_amount(amount, &orders, TradeBy::TargetAmount, Fidelity::Faithful);
        // carbon-sdk 0.0.99's matchByTargetAmount on the same orders (run with node).
        let act = |id, input, output| MatchAction { id, input, output };
        assert_eq!(
            m.fast,
            [
                act(
                    1,
                    152_469_226_917_655_101_884_049_293_363,
                    142_160_236_467_256_296_675_586
                ),
                act(
                    0,
                    854_787_214_816_939_110_821_707_700_716,
                    796_991_990_083_295_740_112_656
                ),
            ]
        );
        assert_eq!(
            m.best,
            [
                act(
                    0,
                    897_685_776_931_512_027_230_226_700_001,
                    836_990_026_786_181_405_399_364
                ),
                act(
                    2,
                    4_492_822_546_490_494_979_344_250_362,
                    4_189_046_724_552_859_283_329
                ),
                act(
                    3,
                    105_077_842_256_593_372_591_438_089_785,
                    26_866_929_558_494_363_927_217
                ),
            ]
        );
        let matched: u128 = m.best.iter().map(|a| a.input).sum();
        assert_eq!(matched - amount, 1_682_095_252_046_069);

        // Corrected: the first two actions stand, the third is re-quoted for what remains
        // (105 077 842 256 593 372 591 438 089 785 − 1 682 095 252 046 069).
        let c = match_by_target_amount(amount, &orders);
        assert_eq!(c.fast, m.fast);
        assert_eq!(c.best[..2], m.best[..2]);
        assert_eq!(c.best[2].id, 3);
        assert_eq!(c.best[2].input, 105_077_842_256_591_690_496_186_043_716);
        assert_eq!(
            Ok(c.best[2].output),
            orders[3].source_amount(c.best[2].input)
        );
        assert_eq!(c.best.iter().map(|a| a.input).sum::<u128>(), amount);
    }

    #[test]
    fn dust_is_not_over_matched() {
        // Fast (0.0.99) stops at the first order whose quote covers the remainder, even when
        // that action rounds to 0: EdgeMatch case 0.
        let orders = [
            EncodedOrder::from_rates("1900000000000000000000", "2", "2", "2").unwrap(),
            EncodedOrder::from_rates("10000000000000000000000", "0.9", "0.9", "0.9").unwrap(),
            EncodedOrder::from_rates("100000000000000000000", "0.1", "1.5", "1.5").unwrap(),
        ];
        let m = match_amount(
            950_000_000_000_003_748_249,
            &orders,
            TradeBy::SourceAmount,
            Fidelity::Faithful,
        );
        let first = MatchAction {
            id: 0,
            input: 950_000_000_000_003_748_248,
            output: 1_899_999_999_999_999_999_999,
        };
        assert_eq!(m.fast, [first]);
        assert_eq!(m.best, [first]);
        // Nothing is matched for an amount of 0, at either fidelity's Fast, and Corrected's Best.
        let zero = match_by_target_amount(0, &orders);
        assert_eq!(zero, MatchResults::default());
    }

    #[test]
    fn signed_amounts() {
        let a = Amount::from_u128(5);
        let b = Amount::from_u128(7);
        assert!(a.sub(b).is_negative());
        assert_eq!(a.sub(b).add(b), a);
        assert_eq!(a.sub(b).to_u128(), None);
        assert_eq!(Amount::from_u128(u128::MAX).to_u128(), Some(u128::MAX));
    }
}
