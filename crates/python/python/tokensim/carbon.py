"""Bancor Carbon's orders, exact with the contracts and carbon-sdk: ``Order`` (the encoded
integers; from rates, or from prices in token units with decimals; trades by source and by
target amount), ``match_by_source_amount`` / ``match_by_target_amount`` (the SDK's Fast and Best
matching), and ``CarbonOrderUI``, carbon-simulator's float order with the same constructor,
property and method names (``from_prices(pair, tkn, pa, pb, yint, y)``, ``p_start``, ``yint``,
``kappa``, ``xfromy_f`` ...): notebook code written for the simulator ports by changing the
import. Errors raise ``CarbonError`` (a ``ValueError``).

>>> from tokensim.carbon import CarbonOrderUI
>>> o = CarbonOrderUI.from_prices("ETH/USDC", "ETH", 2500, 3000, 10, 5)
>>> round(o.p_start, 6), round(o.p_end, 6)
(2500.0, 3000.0)
"""

from ._tokensim.carbon import (
    CarbonError,
    CarbonOrderUI,
    Order,
    match_by_source_amount,
    match_by_target_amount,
)

__all__ = [
    "CarbonError",
    "CarbonOrderUI",
    "Order",
    "match_by_source_amount",
    "match_by_target_amount",
]
