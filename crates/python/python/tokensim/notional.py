"""Notional's logit-curve fixed-rate market: ``GistMarket`` (the SDK gist's ``Market``, bit for
bit, from its JSON), and the v1 and v2 contracts' quotes and rates on markets given as dicts.
Amounts are ``int``s. Errors raise ``NotionalError`` (a ``ValueError``), whose message names the
contract's revert or the SDK's error.
"""

from ._tokensim.notional import (
    GistMarket,
    NotionalError,
    v1_current_cash_to_fcash,
    v1_fcash_to_current_cash,
    v1_implied_rate,
    v1_rate,
    v1_trade,
    v2_oracle_rate,
    v2_trade,
)

__all__ = [
    "GistMarket",
    "NotionalError",
    "v1_current_cash_to_fcash",
    "v1_fcash_to_current_cash",
    "v1_implied_rate",
    "v1_rate",
    "v1_trade",
    "v2_oracle_rate",
    "v2_trade",
]
