"""Shared fixtures: where the conformance vectors and the `tokensim` command line are.

`cargo xtask python` sets TOKENSIM_CONFORMANCE_DIR and TOKENSIM_BIN; run by hand, the vectors
default to ../shared/conformance beside the repository and the binary to target/debug/tokensim.
A missing one fails the tests that need it, saying what to set.
"""

import json
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def vectors():
    """A function reading a conformance file by its path under the vectors' directory."""
    base = pathlib.Path(
        os.environ.get("TOKENSIM_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance")
    )
    if not base.is_dir():
        pytest.fail(f"no conformance vectors at {base}: set TOKENSIM_CONFORMANCE_DIR")

    def read(rel):
        return json.loads((base / rel).read_text())

    return read


@pytest.fixture(scope="session")
def tokensim_bin():
    """The `tokensim` command line built from this checkout."""
    path = pathlib.Path(os.environ.get("TOKENSIM_BIN", ROOT / "target" / "debug" / "tokensim"))
    if not path.is_file():
        pytest.fail(f"no tokensim binary at {path}: run `cargo build -p tokensim` or set TOKENSIM_BIN")
    return path
