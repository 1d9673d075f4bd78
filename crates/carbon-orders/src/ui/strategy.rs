//! Two linked float orders on one pair (the simulator's `add_strategy`, with `set_linked` both
//! ways): what one order receives is added to the other.

use super::{CarbonOrderUi, SellOptions, UiTrade};
use crate::{CarbonError, Pair};

/// A strategy of two linked [`CarbonOrderUi`] orders on one pair, selling opposite tokens:
/// when one sells `dy` and receives `dx`, the other gets `dx` through
/// [`addliqy`](CarbonOrderUi::addliqy), expanding its capacity when needed.
///
/// The reference links `CarbonOrderUI` objects through their `linked` field (carbon-simulator's
/// `CarbonSimulatorUI.add_strategy`); here the two orders are held together and a trade returns
/// the new strategy.
///
/// ```
/// use carbon_orders::{Pair, SellOptions, StrategyUi};
///
/// // Sell 1 ETH from 2000 up to 2500, and buy ETH with 1500 USDC from 1500 down to 1000.
/// let pair = Pair::parse("ETH/USDC")?;
/// let s = StrategyUi::from_prices(&pair, "ETH", 1.0, 2000.0, 2500.0, 1500.0, 1500.0, 1000.0)?;
/// // Order 0 sells 0.5 ETH; the USDC it takes in goes to order 1, the buy order.
/// let (after, trade) = s.selly(0, 0.5, SellOptions::default())?;
/// assert_eq!(after.orders()[0].y(), 0.5);
/// assert!((after.orders()[1].y() - (1500.0 + trade.dx)).abs() < 1e-9);
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyUi {
    orders: [CarbonOrderUi; 2],
}

impl StrategyUi {
    /// Links two orders.
    ///
    /// # Errors
    /// [`CarbonError::InvalidPair`] unless both are on the same pair and sell different tokens.
    pub fn new(first: CarbonOrderUi, second: CarbonOrderUi) -> Result<Self, CarbonError> {
        if first.pair() != second.pair() || first.tkn() == second.tkn() {
            return Err(CarbonError::InvalidPair {
                text: format!(
                    "orders selling {} on {} and {} on {} cannot be linked",
                    first.tkn(),
                    first.pair(),
                    second.tkn(),
                    second.pair()
                ),
            });
        }
        Ok(Self {
            orders: [first, second],
        })
    }

    /// The simulator's `add_strategy(tkn, amt_sell, psell_start, psell_end, amt_buy,
    /// pbuy_start, pbuy_end)`: order 0 sells `amt_sell` of `tkn` from `psell_start` to
    /// `psell_end`, order 1 sells `amt_buy` of the other token from `pbuy_start` to
    /// `pbuy_end`, both full (`y = yint`), prices in the pair's convention.
    ///
    /// # Errors
    /// As [`CarbonOrderUi::from_prices`].
    #[expect(
        clippy::too_many_arguments,
        reason = "the reference function's own arguments, one for one"
    )]
    pub fn from_prices(
        pair: &Pair,
        tkn: &str,
        amt_sell: f64,
        psell_start: f64,
        psell_end: f64,
        amt_buy: f64,
        pbuy_start: f64,
        pbuy_end: f64,
    ) -> Result<Self, CarbonError> {
        let sell =
            CarbonOrderUi::from_prices(pair, tkn, psell_start, psell_end, amt_sell, amt_sell)?;
        let other = pair.other(tkn)?;
        let buy = CarbonOrderUi::from_prices(pair, other, pbuy_start, pbuy_end, amt_buy, amt_buy)?;
        Self::new(sell, buy)
    }

    /// The two orders.
    #[must_use]
    pub fn orders(&self) -> &[CarbonOrderUi; 2] {
        &self.orders
    }

    /// One order; `None` for an index other than 0 or 1.
    #[must_use]
    pub fn order(&self, index: usize) -> Option<&CarbonOrderUi> {
        self.orders.get(index)
    }

    /// Order `index` sells `dy`; the other receives the `dx` it takes in. Returns the new
    /// strategy and the trade, whose `linked` holds what the other order did.
    ///
    /// # Errors
    /// [`CarbonError::UnknownOrder`] for an index other than 0 or 1; as
    /// [`CarbonOrderUi::selly`] and [`CarbonOrderUi::addliqy`], which refuses the negative `dx`
    /// of a buy-back, as the reference's `addliqy` does. Nothing changes on an error.
    pub fn selly(
        &self,
        index: usize,
        dy: f64,
        opts: SellOptions,
    ) -> Result<(Self, UiTrade), CarbonError> {
        let trade = self.order_at(index)?.selly(dy, opts)?;
        self.link(index, trade)
    }

    /// Order `index` receives `dx` (trade by target), which goes to the other order.
    ///
    /// # Errors
    /// As [`selly`](Self::selly) and [`CarbonOrderUi::buyx`].
    pub fn buyx(
        &self,
        index: usize,
        dx: f64,
        opts: SellOptions,
    ) -> Result<(Self, UiTrade), CarbonError> {
        let trade = self.order_at(index)?.buyx(dx, opts)?;
        self.link(index, trade)
    }

    /// Order `index` trades to the marginal price `p_marg`; the other receives what it takes
    /// in.
    ///
    /// # Errors
    /// As [`selly`](Self::selly) and [`CarbonOrderUi::tradeto`].
    pub fn tradeto(&self, index: usize, p_marg: f64) -> Result<(Self, UiTrade), CarbonError> {
        let trade = self.order_at(index)?.tradeto(p_marg)?;
        self.link(index, trade)
    }

    fn order_at(&self, index: usize) -> Result<&CarbonOrderUi, CarbonError> {
        self.orders
            .get(index)
            .ok_or(CarbonError::UnknownOrder { index })
    }

    fn link(&self, index: usize, mut trade: UiTrade) -> Result<(Self, UiTrade), CarbonError> {
        let added = self.orders[1 - index].addliqy(trade.dx, true)?;
        let (traded, linked) = (trade.order.clone(), added.order.clone());
        let orders = if index == 0 {
            [traded, linked]
        } else {
            [linked, traded]
        };
        trade.linked = Some(added);
        Ok((Self { orders }, trade))
    }
}
