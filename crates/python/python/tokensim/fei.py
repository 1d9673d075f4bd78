"""Fei's capital-allocation rebalancing: ``rebalance`` (the seed's way with
``fidelity="faithful"``, corrected by default), the seed's ``rebalance_matrix``, and the target
weights (``endogenous_weights``, ``exogenous_target_weights``). Errors raise ``FeiError`` (a
``ValueError``).

>>> from tokensim import fei
>>> r = fei.rebalance([60.0, 40.0], [0.5, 0.5])
>>> r["balances_after"]
[50.0, 50.0]
"""

from ._tokensim.fei import (
    FeiError,
    current_weights,
    endogenous_weights,
    exogenous_target_weights,
    rebalance,
    rebalance_matrix,
)

__all__ = [
    "FeiError",
    "current_weights",
    "endogenous_weights",
    "exogenous_target_weights",
    "rebalance",
    "rebalance_matrix",
]
