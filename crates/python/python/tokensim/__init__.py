"""tokensim from Python: run the built-in models (Honey, Flash, Fei) and get their records as
pandas or polars DataFrames, and use the exact math crates (``tokensim.amm``,
``tokensim.carbon``, ``tokensim.notional``, ``tokensim.fei``).

>>> import tokensim
>>> result = tokensim.run("honey", runs=2, timesteps=12, seed=1)
>>> df = result.to_pandas()        # or result.to_polars()
>>> result.summary["runs_completed"]
18

``run`` drives the same registry, engine and summary as the ``tokensim`` command line, with the
GIL released; Ctrl-C raises ``KeyboardInterrupt`` and stops the engine. ``falsify`` searches an
experiment's ``[search]`` space for a counterexample to its model's invariants.
"""

from ._tokensim import (
    RunResult,
    TokensimError,
    __version__,
    experiments,
    falsify,
    models,
    run,
    show,
)
from . import amm, carbon, fei, notional

__all__ = [
    "RunResult",
    "TokensimError",
    "__version__",
    "amm",
    "carbon",
    "experiments",
    "falsify",
    "fei",
    "models",
    "notional",
    "run",
    "show",
]
