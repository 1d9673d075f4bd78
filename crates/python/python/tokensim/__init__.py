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

import os as _os

# The extension allocates with mimalloc. Each run hands Python tens of megabytes of new
# columns; by default mimalloc gives freed memory back with MADV_DONTNEED, and the next run
# page-faults it all in again (a third of a Honey sweep's time). With MADV_FREE instead the
# kernel takes the pages back only when it needs them. Read once, as the module loads; a
# value the user set is kept, and the variable is removed again if we set it.
_set = "MIMALLOC_PURGE_DECOMMITS" not in _os.environ
if _set:
    _os.environ["MIMALLOC_PURGE_DECOMMITS"] = "0"
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

if _set:
    del _os.environ["MIMALLOC_PURGE_DECOMMITS"]
del _os, _set

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
