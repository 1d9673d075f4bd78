"""The constant-product (x·y = k) AMM: a ``Pool`` and its pure functions, in ``float`` or in
``decimal.Decimal``. With ``Decimal`` arguments every result is what CPython's ``decimal``
gives in its default context (28 digits, ROUND_HALF_EVEN), as the seed's Flash notebook
computes; with floats, IEEE doubles. Mixing the two raises ``TypeError``. Fees are in parts
per million. Errors raise ``AmmError`` (a ``ValueError``).

>>> from decimal import Decimal
>>> from tokensim import amm
>>> s = amm.swap_exact_in(Decimal("1000"), Decimal("100000"), Decimal("50000"))
>>> s.amount_out
Decimal('495.04950495049504950495050')
"""

from ._tokensim.amm import (
    AmmError,
    ArbTrade,
    Liquidity,
    Pool,
    Swap,
    arb_trade,
    deposit,
    initial_shares,
    spot_price,
    swap_exact_in,
    swap_exact_out,
    withdrawal,
)

__all__ = [
    "AmmError",
    "ArbTrade",
    "Liquidity",
    "Pool",
    "Swap",
    "arb_trade",
    "deposit",
    "initial_shares",
    "spot_price",
    "swap_exact_in",
    "swap_exact_out",
    "withdrawal",
]
