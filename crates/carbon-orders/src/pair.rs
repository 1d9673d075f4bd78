//! A token pair and its price convention, so that float orders never confuse a price with its
//! inverse (carbon-simulator's `CarbonPair`).

use std::fmt;
use std::str::FromStr;

use crate::CarbonError;

/// A token pair `BASE/QUOTE`, such as `ETH/USDC`: prices are quoted as QUOTE per BASE
/// (USDC per ETH). carbon-simulator's `CarbonPair`, whose `tknb` and `tknq` are
/// [`base`](Self::base) and [`quote`](Self::quote) here.
///
/// Tokens are stored in upper case, as the reference does, and every comparison with a token
/// is made in upper case.
///
/// ```
/// use carbon_orders::Pair;
///
/// let pair = Pair::parse("ETH/USDC")?;
/// assert_eq!((pair.base(), pair.quote()), ("ETH", "USDC"));
/// assert_eq!(pair.price_convention(), "USDC per ETH");
/// assert!(pair.has_base_token("eth")); // tokens compare in upper case
/// assert_eq!(pair.other("USDC")?, "ETH");
/// assert!(Pair::parse("ETH").is_err());
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pair {
    base: String,
    quote: String,
}

impl Pair {
    /// Parses `"BASE/QUOTE"` (the reference's `slashpair`). Surrounding spaces are trimmed and
    /// the tokens upper-cased.
    ///
    /// # Errors
    /// [`CarbonError::InvalidPair`] unless there are exactly two tokens, both non-empty and
    /// different.
    pub fn parse(text: &str) -> Result<Self, CarbonError> {
        let invalid = || CarbonError::InvalidPair {
            text: text.to_owned(),
        };
        let mut parts = text.split('/');
        let (Some(b), Some(q), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid());
        };
        Self::new(b, q).map_err(|_| invalid())
    }

    /// A pair from its base and quote tokens (the reference's `CarbonPair(tknb=…, tknq=…)`).
    ///
    /// # Errors
    /// [`CarbonError::InvalidPair`] when a token is empty or contains `/`, or both are the same.
    pub fn new(base: &str, quote: &str) -> Result<Self, CarbonError> {
        let base = base.trim().to_uppercase();
        let quote = quote.trim().to_uppercase();
        let bad = |t: &str| t.is_empty() || t.contains('/');
        if bad(&base) || bad(&quote) || base == quote {
            return Err(CarbonError::InvalidPair {
                text: format!("{base}/{quote}"),
            });
        }
        Ok(Self { base, quote })
    }

    /// The base (risk) token, the reference's `tknb`.
    #[must_use]
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The quote (numeraire) token, the reference's `tknq`.
    #[must_use]
    pub fn quote(&self) -> &str {
        &self.quote
    }

    /// Whether `tkn` is the base token.
    #[must_use]
    pub fn has_base_token(&self, tkn: &str) -> bool {
        tkn.trim().to_uppercase() == self.base
    }

    /// Whether `tkn` is the quote token.
    #[must_use]
    pub fn has_quote_token(&self, tkn: &str) -> bool {
        tkn.trim().to_uppercase() == self.quote
    }

    /// Whether `tkn` is one of the two tokens.
    #[must_use]
    pub fn has_token(&self, tkn: &str) -> bool {
        self.has_base_token(tkn) || self.has_quote_token(tkn)
    }

    /// The other token of the pair.
    ///
    /// # Errors
    /// [`CarbonError::TokenNotInPair`].
    pub fn other(&self, tkn: &str) -> Result<&str, CarbonError> {
        if self.has_base_token(tkn) {
            Ok(&self.quote)
        } else if self.has_quote_token(tkn) {
            Ok(&self.base)
        } else {
            Err(self.not_in_pair(tkn))
        }
    }

    /// The canonical (upper-case) spelling of `tkn`, checked to be in the pair.
    ///
    /// # Errors
    /// [`CarbonError::TokenNotInPair`].
    pub fn token(&self, tkn: &str) -> Result<&str, CarbonError> {
        if self.has_base_token(tkn) {
            Ok(&self.base)
        } else if self.has_quote_token(tkn) {
            Ok(&self.quote)
        } else {
            Err(self.not_in_pair(tkn))
        }
    }

    /// The price convention, such as `"USDC per ETH"`.
    #[must_use]
    pub fn price_convention(&self) -> String {
        format!("{} per {}", self.quote, self.base)
    }

    /// Converts `amount` of `from` into `to` at `price` (quote per base). A base amount is
    /// multiplied by the price, a quote amount divided by it, and a token converted into
    /// itself is unchanged (the reference's `convert`).
    ///
    /// # Errors
    /// [`CarbonError::TokenNotInPair`]; [`CarbonError::InvalidInput`] for a non-finite amount or
    /// a price that is not finite and positive.
    pub fn convert(
        &self,
        amount: f64,
        from: &str,
        to: &str,
        price: f64,
    ) -> Result<f64, CarbonError> {
        let from_base = self.has_base_token(from);
        if !from_base && !self.has_quote_token(from) {
            return Err(self.not_in_pair(from));
        }
        if !self.has_token(to) {
            return Err(self.not_in_pair(to));
        }
        if !amount.is_finite() {
            return Err(CarbonError::InvalidInput {
                name: "amount",
                value: amount,
                reason: "must be finite",
            });
        }
        if self.has_base_token(to) == from_base {
            return Ok(amount);
        }
        if !(price.is_finite() && price > 0.0) {
            return Err(CarbonError::InvalidInput {
                name: "price",
                value: price,
                reason: "must be finite and positive",
            });
        }
        Ok(if from_base {
            amount * price
        } else {
            amount / price
        })
    }

    /// Converts a price quoted with `numeraire` as the quote into the pair's convention: it is
    /// returned as is when `numeraire` is the pair's quote token, and inverted otherwise (the
    /// reference's `convert_price`).
    ///
    /// # Errors
    /// [`CarbonError::TokenNotInPair`]; [`CarbonError::InvalidInput`] for a price that is not
    /// finite and positive.
    pub fn convert_price(&self, price: f64, numeraire: &str) -> Result<f64, CarbonError> {
        if !self.has_token(numeraire) {
            return Err(self.not_in_pair(numeraire));
        }
        if !(price.is_finite() && price > 0.0) {
            return Err(CarbonError::InvalidInput {
                name: "price",
                value: price,
                reason: "must be finite and positive",
            });
        }
        Ok(if self.has_quote_token(numeraire) {
            price
        } else {
            1.0 / price
        })
    }

    fn not_in_pair(&self, tkn: &str) -> CarbonError {
        CarbonError::TokenNotInPair {
            token: tkn.to_owned(),
            pair: self.to_string(),
        }
    }
}

impl fmt::Display for Pair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.base, self.quote)
    }
}

impl FromStr for Pair {
    type Err = CarbonError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names_the_convention() {
        let p = Pair::parse(" eth/usdc ").unwrap();
        assert_eq!((p.base(), p.quote()), ("ETH", "USDC"));
        assert_eq!(p.to_string(), "ETH/USDC");
        assert_eq!(p.price_convention(), "USDC per ETH");
        assert!(p.has_base_token("eth") && p.has_quote_token("USDC"));
        assert_eq!(p.other("ETH"), Ok("USDC"));
        assert!(matches!(
            p.other("DAI"),
            Err(CarbonError::TokenNotInPair { .. })
        ));
        for bad in ["ETH", "ETH/", "/USDC", "ETH/ETH", "A/B/C", ""] {
            assert!(
                matches!(Pair::parse(bad), Err(CarbonError::InvalidPair { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn converts_amounts_and_prices() {
        let p = Pair::parse("ETH/USDC").unwrap();
        assert_eq!(p.convert(2.0, "ETH", "USDC", 1500.0), Ok(3000.0));
        assert_eq!(p.convert(3000.0, "USDC", "ETH", 1500.0), Ok(2.0));
        assert_eq!(p.convert(7.0, "USDC", "usdc", f64::NAN), Ok(7.0));
        assert_eq!(p.convert_price(0.5, "ETH"), Ok(2.0));
        assert_eq!(p.convert_price(1500.0, "USDC"), Ok(1500.0));
        assert!(p.convert(1.0, "ETH", "USDC", 0.0).is_err());
    }
}
