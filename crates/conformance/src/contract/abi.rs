//! The ABI's static types as 32-byte words: parsing a signature's flattened argument types,
//! reading a case's decimal strings into words and writing words back as the suites print them.
//!
//! Every harness function takes and returns static types only (integers, `bool`, `address`,
//! `bytes32` and tuples of them), so a call's arguments are its flattened words in order and
//! a return value is its flattened words, as the ABI lays them out.

use anyhow::{Context, Result, bail};
use ruint::aliases::U256;

/// One 32-byte ABI word.
pub type Word = U256;

/// A static ABI type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// `uintN`.
    Uint(u16),
    /// `intN`, two's complement in the word.
    Int(u16),
    /// `bool`.
    Bool,
    /// `address`.
    Address,
    /// `bytes32`.
    Bytes32,
}

impl Ty {
    fn parse(text: &str) -> Result<Self> {
        let bits = |digits: &str| -> Result<u16> {
            if digits.is_empty() {
                return Ok(256);
            }
            digits.parse().with_context(|| format!("ABI type `{text}`"))
        };
        Ok(match text {
            "bool" => Self::Bool,
            "address" => Self::Address,
            "bytes32" => Self::Bytes32,
            _ if text.starts_with("uint") => Self::Uint(bits(&text[4..])?),
            _ if text.starts_with("int") => Self::Int(bits(&text[3..])?),
            _ => bail!("unsupported ABI type `{text}`"),
        })
    }

    /// Whether `w` is a value of this type (the ABI's validity of a word).
    #[must_use]
    pub fn holds(self, w: Word) -> bool {
        match self {
            Self::Uint(bits) => w.bit_len() <= usize::from(bits),
            Self::Int(bits) => {
                // Sign-extended from `bits`: the bits above bits − 1 are all equal.
                let top = w >> (usize::from(bits) - 1);
                top.is_zero() || top == (U256::MAX >> (usize::from(bits) - 1))
            }
            Self::Bool => w <= U256::from(1u8),
            Self::Address => w.bit_len() <= 160,
            Self::Bytes32 => true,
        }
    }

    /// `text` (a decimal string, `-` for negatives; `0x` hex for `address`/`bytes32`;
    /// `true`/`false`) as a word of this type.
    ///
    /// # Errors
    /// Text that is not a value of the type.
    pub fn word(self, text: &str) -> Result<Word> {
        let w = match self {
            Self::Bool => match text {
                "true" => U256::from(1u8),
                "false" => U256::ZERO,
                _ => bail!("`{text}` is not a bool"),
            },
            Self::Address | Self::Bytes32 => {
                let hex = text.strip_prefix("0x").context("hex needs 0x")?;
                U256::from_str_radix(hex, 16).with_context(|| format!("`{text}`"))?
            }
            Self::Uint(_) | Self::Int(_) => match text.strip_prefix('-') {
                Some(abs) => {
                    let abs = U256::from_str_radix(abs, 10).with_context(|| format!("`{text}`"))?;
                    abs.wrapping_neg()
                }
                None => U256::from_str_radix(text, 10).with_context(|| format!("`{text}`"))?,
            },
        };
        if !self.holds(w) || (matches!(self, Self::Uint(_)) && text.starts_with('-')) {
            bail!("`{text}` is not a value of {self:?}");
        }
        Ok(w)
    }

    /// `w` written as the suites write values of this type.
    #[must_use]
    pub fn text(self, w: Word) -> String {
        match self {
            Self::Bool => if w.is_zero() { "false" } else { "true" }.to_owned(),
            Self::Address => format!("0x{:040x}", w),
            Self::Bytes32 => format!("0x{:064x}", w),
            Self::Uint(_) => w.to_string(),
            Self::Int(_) if w.bit(255) => format!("-{}", w.wrapping_neg()),
            Self::Int(_) => w.to_string(),
        }
    }
}

/// The flattened types of a parenthesised list: `(uint128,(bool,int256))` gives
/// `[Uint(128), Bool, Int(256)]`; a function signature `f(..)` gives its arguments'.
///
/// # Errors
/// A type this module does not know, or unbalanced parentheses.
pub fn flat_types(list: &str) -> Result<Vec<Ty>> {
    let start = list.find('(').context("a type list starts with `(`")?;
    let inner = &list[start..];
    if !inner.ends_with(')') {
        bail!("`{list}` does not end with `)`");
    }
    let mut out = Vec::new();
    for part in inner.split([',', '(', ')']) {
        if !part.is_empty() {
            out.push(Ty::parse(part)?);
        }
    }
    Ok(out)
}

/// `x` as a word, two's complement.
#[must_use]
pub fn from_i128(x: i128) -> Word {
    let abs = U256::from(x.unsigned_abs());
    if x < 0 { abs.wrapping_neg() } else { abs }
}

/// `texts` (as the suites write values) as the words of the type list `list` (a signature or
/// a parenthesised list).
///
/// # Errors
/// A count other than the list's, or a text that is not a value of its type.
pub fn words<S: AsRef<str>>(list: &str, texts: &[S]) -> Result<Vec<Word>> {
    let types = flat_types(list)?;
    if types.len() != texts.len() {
        bail!("{list} takes {} words, not {}", types.len(), texts.len());
    }
    texts
        .iter()
        .zip(&types)
        .map(|(t, ty)| ty.word(t.as_ref()))
        .collect()
}

/// `ws` as the types of `list` write them; words past the list's types (a malformed return) as
/// `uint256`.
#[must_use]
pub fn texts(list: &str, ws: &[Word]) -> Vec<String> {
    let types = flat_types(list).unwrap_or_default();
    ws.iter()
        .zip(types.iter().chain(std::iter::repeat(&Ty::Uint(256))))
        .map(|(w, ty)| ty.text(*w))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_words_round_trip_through_text() {
        let t = Ty::Int(256);
        for s in [
            "0",
            "-1",
            "5",
            "-57896044618658097711785492504343953926634992332820282019728792003956564819968",
        ] {
            assert_eq!(t.text(t.word(s).unwrap()), s);
        }
        assert_eq!(t.word("-1").unwrap(), U256::MAX);
        assert!(
            Ty::Int(128)
                .word("170141183460469231731687303715884105728")
                .is_err()
        );
        assert!(Ty::Uint(8).word("256").is_err() && Ty::Uint(8).word("-1").is_err());
        assert_eq!(from_i128(-7), U256::MAX - U256::from(6u8));
        assert_eq!(t.text(from_i128(i128::MIN)), i128::MIN.to_string());
        assert!(words("f(uint8,int16)", &["255", "-1"]).is_ok());
        assert!(words("f(uint8)", &["1", "2"]).is_err());
        assert_eq!(
            texts("(bool,int8)", &[U256::from(1u8), U256::MAX]),
            ["true", "-1"]
        );
    }

    #[test]
    fn signatures_flatten_their_tuples() {
        let tys = flat_types("f((bytes32,uint256),(uint16,(address,int256)),bool)").unwrap();
        assert_eq!(
            tys,
            [
                Ty::Bytes32,
                Ty::Uint(256),
                Ty::Uint(16),
                Ty::Address,
                Ty::Int(256),
                Ty::Bool
            ]
        );
    }
}
