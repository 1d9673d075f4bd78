//! [`Amount`]: the SDK's unbounded signed integers, in the range matching can reach.

use ruint::aliases::U256;

/// A signed amount, as the SDK's integers, in the range `(−2²⁵⁵, 2²⁵⁵)` (stored with a bias of
/// `2²⁵⁵`, so the stored order is the numeric order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(pub(super) U256);

impl Amount {
    pub(super) const BIAS: U256 = U256::from_limbs([0, 0, 0, 1 << 63]);

    /// Zero.
    pub const ZERO: Self = Self(Self::BIAS);

    /// A non-negative amount.
    #[must_use]
    pub fn from_u128(v: u128) -> Self {
        Self(Self::BIAS + U256::from(v))
    }

    pub(super) fn add(self, other: Self) -> Self {
        Self(self.0 + other.0 - Self::BIAS)
    }

    pub(super) fn sub(self, other: Self) -> Self {
        Self(self.0 + Self::BIAS - other.0)
    }

    pub(super) fn is_negative(self) -> bool {
        self.0 < Self::BIAS
    }

    pub(super) fn is_positive(self) -> bool {
        self.0 > Self::BIAS
    }

    /// The value, if it is in `0..2¹²⁸`.
    #[must_use]
    pub fn to_u128(self) -> Option<u128> {
        let v = self.0.checked_sub(Self::BIAS)?;
        (v.bit_len() <= 128).then(|| v.to())
    }

    pub(super) fn magnitude(self) -> U256 {
        if self.is_negative() {
            Self::BIAS - self.0
        } else {
            self.0 - Self::BIAS
        }
    }
}
