//! A deposit of one asset at one location: the seed model's `Deposit` class (`model/types.py`),
//! with its assertions turned into typed errors.
//!
//! Every method checks all of its input before it changes anything, so a method that returns an
//! error leaves the deposit (and, for transfers, the other deposit) as it was.

use crate::error::{CamError, finite, non_negative, positive};

/// Who holds a deposit; the last part of its [`key`](Deposit::key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DepositKind {
    /// Protocol-controlled value (`pcv_deposit`, the seed's `PCVDeposit`).
    Pcv,
    /// User-circulating FEI (`user_deposit`, the seed's `UserDeposit`).
    User,
}

impl DepositKind {
    /// The seed's `_deposit_type` string.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pcv => "pcv_deposit",
            Self::User => "user_deposit",
        }
    }
}

/// A balance of one asset at one location, with the yield it accrues.
///
/// Fields follow the seed's `Deposit`: `asset` (`"FEI"`, `"ETH"`), `location`
/// (`deposit_location` in the seed: `"liquidity_pool"`, `"money_market"`, `"savings"`,
/// `"idle"`), the balance in asset units, its USD value, the yield accrued (simple interest, in
/// asset units) and its value, and the annual yield rate (APR). The seed starts the two values
/// as NaN ("uninitialized"); here they are `None` until a price is given.
///
/// ```
/// use fei_cam::{Deposit, DepositKind};
///
/// // 1000 FEI idle, at a FEI price of 1 USD, moved half to the savings deposit.
/// let mut idle = Deposit::with_balance("FEI", "idle", DepositKind::User, 1_000.0, 1.0)?;
/// let mut savings = Deposit::new("FEI", "savings", DepositKind::User);
/// assert_eq!(idle.key(), "FEI_idle_user_deposit");
/// idle.transfer(&mut savings, 500.0, 1.0, 1.0)?;
/// assert_eq!((idle.balance(), savings.balance()), (500.0, 500.0));
/// assert!(idle.transfer(&mut savings, 600.0, 1.0, 1.0).is_err()); // no overdraft
/// # Ok::<(), fei_cam::CamError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Deposit {
    asset: String,
    location: String,
    kind: DepositKind,
    balance: f64,
    asset_value: Option<f64>,
    yield_accrued: f64,
    yield_value: Option<f64>,
    yield_rate: f64,
}

impl Deposit {
    /// An empty deposit, as the seed's constructor with defaults.
    #[must_use]
    pub fn new(asset: impl Into<String>, location: impl Into<String>, kind: DepositKind) -> Self {
        Self {
            asset: asset.into(),
            location: location.into(),
            kind,
            balance: 0.0,
            asset_value: None,
            yield_accrued: 0.0,
            yield_value: None,
            yield_rate: 0.0,
        }
    }

    /// A deposit holding `balance` at `asset_price` (the seed's `set_balance` on a new deposit).
    ///
    /// # Errors
    /// As [`set_balance`](Self::set_balance).
    pub fn with_balance(
        asset: impl Into<String>,
        location: impl Into<String>,
        kind: DepositKind,
        balance: f64,
        asset_price: f64,
    ) -> Result<Self, CamError> {
        let mut d = Self::new(asset, location, kind);
        d.set_balance(balance, asset_price)?;
        Ok(d)
    }

    /// `asset_location_kind`, the seed's state-variable name, e.g. `FEI_idle_user_deposit`.
    #[must_use]
    pub fn key(&self) -> String {
        format!("{}_{}_{}", self.asset, self.location, self.kind.as_str())
    }

    /// The asset held, e.g. `"FEI"`.
    #[must_use]
    pub fn asset(&self) -> &str {
        &self.asset
    }

    /// Where it is held (the seed's `deposit_location`).
    #[must_use]
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Protocol or user deposit.
    #[must_use]
    pub fn kind(&self) -> DepositKind {
        self.kind
    }

    /// Balance in asset units.
    #[must_use]
    pub fn balance(&self) -> f64 {
        self.balance
    }

    /// USD value of the balance at the last price given; `None` before any.
    #[must_use]
    pub fn asset_value(&self) -> Option<f64> {
        self.asset_value
    }

    /// Yield accrued and not yet moved, in asset units.
    #[must_use]
    pub fn yield_accrued(&self) -> f64 {
        self.yield_accrued
    }

    /// USD value of the accrued yield; `None` before any accrual.
    #[must_use]
    pub fn yield_value(&self) -> Option<f64> {
        self.yield_value
    }

    /// Annual yield rate (APR, simple interest).
    #[must_use]
    pub fn yield_rate(&self) -> f64 {
        self.yield_rate
    }

    /// The price implied by the stored value, `asset_value / balance`; `None` when the balance is
    /// zero or no value was set. The seed's `transfer` falls back to this when it is given no
    /// price.
    #[must_use]
    pub fn implied_price(&self) -> Option<f64> {
        match self.asset_value {
            Some(v) if self.balance > 0.0 => Some(v / self.balance),
            _ => None,
        }
    }

    /// Sets the annual yield rate.
    ///
    /// # Errors
    /// A negative or non-finite rate.
    pub fn set_yield_rate(&mut self, rate: f64) -> Result<(), CamError> {
        self.yield_rate = non_negative("yield rate", rate)?;
        Ok(())
    }

    /// Sets the balance directly and revalues it (seed `set_balance`).
    ///
    /// # Errors
    /// A negative or non-finite balance or price, or a value that overflows.
    pub fn set_balance(&mut self, balance: f64, asset_price: f64) -> Result<(), CamError> {
        non_negative("balance", balance)?;
        let value = value_at(balance, asset_price)?;
        self.balance = balance;
        self.asset_value = Some(value);
        Ok(())
    }

    /// Adds `amount` to the balance and revalues it (seed `deposit`).
    ///
    /// # Errors
    /// A negative or non-finite amount or price, or a balance or value that overflows.
    pub fn deposit(&mut self, amount: f64, asset_price: f64) -> Result<(), CamError> {
        non_negative("deposit amount", amount)?;
        let balance = overflow_checked("balance", self.balance + amount)?;
        let value = value_at(balance, asset_price)?;
        self.balance = balance;
        self.asset_value = Some(value);
        Ok(())
    }

    /// Takes `amount` from the balance and revalues it (seed `withdraw`).
    ///
    /// # Errors
    /// A negative or non-finite amount or price; an amount above the balance.
    pub fn withdraw(&mut self, amount: f64, asset_price: f64) -> Result<(), CamError> {
        self.check_withdrawal(amount)?;
        let balance = self.balance - amount;
        let value = value_at(balance, asset_price)?;
        self.balance = balance;
        self.asset_value = Some(value);
        Ok(())
    }

    /// Moves `amount` (in this deposit's asset) to `to`, which receives
    /// `amount · from_asset_price / to_asset_price` of its own asset (seed `transfer`, in the
    /// seed's order of operations). Returns the amount `to` received.
    ///
    /// Unlike the seed, both prices are required and must be positive: the seed's fallbacks
    /// (the implied price, or moving `amount` unconverted when the target price is zero) hide a
    /// missing price. Use [`implied_price`](Self::implied_price) to get the seed's fallback
    /// explicitly.
    ///
    /// # Errors
    /// A negative, non-finite or too large amount; a zero, negative or non-finite price; an
    /// overflowing result. Neither deposit changes then.
    pub fn transfer(
        &mut self,
        to: &mut Deposit,
        amount: f64,
        from_asset_price: f64,
        to_asset_price: f64,
    ) -> Result<f64, CamError> {
        self.check_withdrawal(amount)?;
        positive("from asset price", from_asset_price)?;
        positive("to asset price", to_asset_price)?;
        let received = overflow_checked(
            "transferred amount",
            amount * from_asset_price / to_asset_price,
        )?;
        let from_balance = self.balance - amount;
        let from_value = value_at(from_balance, from_asset_price)?;
        let to_balance = overflow_checked("balance", to.balance + received)?;
        let to_value = value_at(to_balance, to_asset_price)?;
        self.balance = from_balance;
        self.asset_value = Some(from_value);
        to.balance = to_balance;
        to.asset_value = Some(to_value);
        Ok(received)
    }

    /// Accrues `balance · yield_rate · period_in_days / 365` of simple interest to
    /// `yield_accrued` and revalues it (seed `accrue_yield`). Returns the yield accrued now.
    ///
    /// # Errors
    /// A negative or non-finite period or price, or an overflow.
    pub fn accrue_yield(&mut self, period_in_days: f64, asset_price: f64) -> Result<f64, CamError> {
        non_negative("period in days", period_in_days)?;
        let delta = overflow_checked(
            "yield accrued",
            self.balance * (self.yield_rate * period_in_days / 365.0),
        )?;
        let accrued = overflow_checked("yield accrued", self.yield_accrued + delta)?;
        let value = value_at(accrued, asset_price)?;
        self.yield_accrued = accrued;
        self.yield_value = Some(value);
        Ok(delta)
    }

    /// Accrues yield and adds all of it to the balance (seed `accrue_yield_compounded`):
    /// afterwards `yield_accrued` and `yield_value` are zero.
    ///
    /// # Errors
    /// As [`accrue_yield`](Self::accrue_yield), or a balance that overflows.
    pub fn accrue_yield_compounded(
        &mut self,
        period_in_days: f64,
        asset_price: f64,
    ) -> Result<(), CamError> {
        let mut next = self.clone();
        next.accrue_yield(period_in_days, asset_price)?;
        let amount = next.yield_accrued;
        next.reinvest_yield(amount, asset_price)?;
        *self = next;
        Ok(())
    }

    /// Moves `amount` of accrued yield into `to`'s balance (seed `transfer_yield` to another
    /// deposit).
    ///
    /// # Errors
    /// A negative or non-finite amount or price; more than the yield accrued; an overflow.
    pub fn transfer_yield(
        &mut self,
        to: &mut Deposit,
        amount: f64,
        asset_price: f64,
    ) -> Result<(), CamError> {
        self.check_yield_withdrawal(amount)?;
        let remaining = self.yield_accrued - amount;
        let remaining_value = value_at(remaining, asset_price)?;
        let mut receiver = to.clone();
        receiver.deposit(amount, asset_price)?;
        *to = receiver;
        self.yield_accrued = remaining;
        self.yield_value = Some(remaining_value);
        Ok(())
    }

    /// Moves `amount` of accrued yield into this deposit's own balance (the seed's
    /// `transfer_yield(self, …)`, which Rust's borrow rules make a method of its own).
    ///
    /// # Errors
    /// As [`transfer_yield`](Self::transfer_yield).
    pub fn reinvest_yield(&mut self, amount: f64, asset_price: f64) -> Result<(), CamError> {
        self.check_yield_withdrawal(amount)?;
        let mut next = self.clone();
        next.yield_accrued -= amount;
        next.yield_value = Some(value_at(next.yield_accrued, asset_price)?);
        next.deposit(amount, asset_price)?;
        *self = next;
        Ok(())
    }

    /// Revalues the balance at `asset_price` (seed `update_asset_value`).
    ///
    /// # Errors
    /// A negative or non-finite price, or an overflowing value.
    pub fn update_asset_value(&mut self, asset_price: f64) -> Result<(), CamError> {
        self.asset_value = Some(value_at(self.balance, asset_price)?);
        Ok(())
    }

    fn check_withdrawal(&self, amount: f64) -> Result<(), CamError> {
        non_negative("amount", amount)?;
        if amount > self.balance {
            return Err(CamError::InsufficientBalance {
                amount,
                balance: self.balance,
            });
        }
        Ok(())
    }

    fn check_yield_withdrawal(&self, amount: f64) -> Result<(), CamError> {
        non_negative("yield amount", amount)?;
        if amount > self.yield_accrued {
            return Err(CamError::InsufficientBalance {
                amount,
                balance: self.yield_accrued,
            });
        }
        Ok(())
    }
}

/// Transfers `amount` from `deposits[from]` to `deposits[to]` (see [`Deposit::transfer`]).
///
/// ```
/// use fei_cam::{Deposit, DepositKind, transfer_between};
///
/// let mut deposits = vec![
///     Deposit::with_balance("FEI", "idle", DepositKind::User, 100.0, 1.0)?,
///     Deposit::new("FEI", "money_market", DepositKind::User),
/// ];
/// transfer_between(&mut deposits, 0, 1, 40.0, 1.0, 1.0)?;
/// assert_eq!(deposits[1].balance(), 40.0);
/// assert!(transfer_between(&mut deposits, 0, 0, 1.0, 1.0, 1.0).is_err()); // from == to
/// # Ok::<(), fei_cam::CamError>(())
/// ```
///
/// # Errors
/// An index out of range, `from == to`, or anything [`Deposit::transfer`] refuses.
pub fn transfer_between(
    deposits: &mut [Deposit],
    from: usize,
    to: usize,
    amount: f64,
    from_asset_price: f64,
    to_asset_price: f64,
) -> Result<f64, CamError> {
    let len = deposits.len();
    for index in [from, to] {
        if index >= len {
            return Err(CamError::IndexOutOfRange { index, len });
        }
    }
    if from == to {
        return Err(CamError::SameDeposit { index: from });
    }
    let (a, b) = deposits.split_at_mut(from.max(to));
    let (low, high) = (&mut a[from.min(to)], &mut b[0]);
    let (source, target) = if from < to { (low, high) } else { (high, low) };
    source.transfer(target, amount, from_asset_price, to_asset_price)
}

fn value_at(balance: f64, asset_price: f64) -> Result<f64, CamError> {
    non_negative("asset price", asset_price)?;
    overflow_checked("asset value", balance * asset_price)
}

fn overflow_checked(what: &'static str, value: f64) -> Result<f64, CamError> {
    finite(what, value).map_err(|_| CamError::Overflow { what, value })
}

#[cfg(test)]
#[expect(
    clippy::float_cmp,
    reason = "exact values are the point of these tests"
)]
mod tests {
    use super::*;

    fn fei(location: &str, balance: f64) -> Deposit {
        Deposit::with_balance("FEI", location, DepositKind::User, balance, 1.0).unwrap()
    }

    #[test]
    fn key_is_the_seeds_state_variable_name() {
        assert_eq!(fei("idle", 0.0).key(), "FEI_idle_user_deposit");
        let pcv = Deposit::new("ETH", "liquidity_pool", DepositKind::Pcv);
        assert_eq!(pcv.key(), "ETH_liquidity_pool_pcv_deposit");
        assert_eq!(pcv.asset_value(), None);
    }

    #[test]
    fn transfer_converts_at_the_two_prices() {
        // 3 ETH at 2000 USD into a USD-priced deposit: 6000 units arrive.
        let mut eth = Deposit::with_balance("ETH", "idle", DepositKind::Pcv, 5.0, 2000.0).unwrap();
        let mut usd = Deposit::with_balance("USDC", "idle", DepositKind::Pcv, 100.0, 1.0).unwrap();
        let got = eth.transfer(&mut usd, 3.0, 2000.0, 1.0).unwrap();
        assert_eq!(got, 6000.0);
        assert_eq!(eth.balance(), 2.0);
        assert_eq!(eth.asset_value(), Some(4000.0));
        assert_eq!(usd.balance(), 6100.0);
        assert_eq!(usd.asset_value(), Some(6100.0));
    }

    #[test]
    fn refused_transfers_change_nothing() {
        let mut a = fei("idle", 10.0);
        let mut b = fei("savings", 1.0);
        let (a0, b0) = (a.clone(), b.clone());
        let cases = [
            (-1.0, 1.0, 1.0),
            (10.5, 1.0, 1.0),
            (f64::NAN, 1.0, 1.0),
            (1.0, 0.0, 1.0),
            (1.0, 1.0, 0.0),
            (1.0, f64::INFINITY, 1.0),
            (1.0, 1.0, -2.0),
            (10.0, f64::MAX, f64::MIN_POSITIVE),
        ];
        for (amount, fp, tp) in cases {
            assert!(
                a.transfer(&mut b, amount, fp, tp).is_err(),
                "{amount} {fp} {tp}"
            );
            assert_eq!((&a, &b), (&a0, &b0));
        }
        assert_eq!(
            a.transfer(&mut b, 11.0, 1.0, 1.0),
            Err(CamError::InsufficientBalance {
                amount: 11.0,
                balance: 10.0
            })
        );
    }

    #[test]
    fn simple_and_compound_yield() {
        let mut d = fei("savings", 1000.0);
        d.set_yield_rate(0.073).unwrap();
        // 1000 · (0.073 · 5 / 365) = 1.0 (0.073·5/365 is 0.001 up to rounding).
        let delta = d.accrue_yield(5.0, 1.0).unwrap();
        assert!((delta - 1.0).abs() < 1e-12);
        assert_eq!(d.yield_accrued(), delta);
        d.accrue_yield_compounded(5.0, 1.0).unwrap();
        assert_eq!(d.yield_accrued(), 0.0);
        assert_eq!(d.yield_value(), Some(0.0));
        assert!((d.balance() - 1002.0).abs() < 1e-9);
        assert!(d.set_yield_rate(-0.1).is_err());
        assert_eq!(d.yield_rate(), 0.073);
    }

    #[test]
    fn transfer_yield_to_another_deposit() {
        let mut d = fei("money_market", 365.0);
        d.set_yield_rate(1.0).unwrap();
        d.accrue_yield(10.0, 1.0).unwrap();
        assert_eq!(d.yield_accrued(), 10.0);
        let mut idle = fei("idle", 0.0);
        assert!(d.transfer_yield(&mut idle, 10.5, 1.0).is_err());
        d.transfer_yield(&mut idle, 4.0, 1.0).unwrap();
        assert_eq!((d.yield_accrued(), idle.balance()), (6.0, 4.0));
    }

    #[test]
    fn transfer_between_indices() {
        let mut ds = vec![fei("a", 1.0), fei("b", 2.0), fei("c", 3.0)];
        transfer_between(&mut ds, 2, 0, 1.5, 1.0, 1.0).unwrap();
        assert_eq!(
            ds.iter().map(Deposit::balance).collect::<Vec<_>>(),
            [2.5, 2.0, 1.5]
        );
        assert_eq!(
            transfer_between(&mut ds, 1, 1, 1.0, 1.0, 1.0),
            Err(CamError::SameDeposit { index: 1 })
        );
        assert_eq!(
            transfer_between(&mut ds, 3, 1, 1.0, 1.0, 1.0),
            Err(CamError::IndexOutOfRange { index: 3, len: 3 })
        );
    }
}
