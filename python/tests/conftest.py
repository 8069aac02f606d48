"""Shared fixtures: the release CLI used as the reference, and the repository's paths.

``WHOSAID_CLI`` names the CLI binary (default: ``target/release/whosaid`` of the
repository). Tests that compare with it are skipped when it is missing, unless
``WHOSAID_REQUIRE_CLI=1`` (set by ``scripts/python-tests.sh``), which makes that a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def cli() -> Path:
    path = Path(os.environ.get("WHOSAID_CLI", REPO / "target" / "release" / "whosaid"))
    if not path.is_file():
        message = f"the whosaid CLI is not built at {path} (cargo build --release -p whosaid-cli)"
        if os.environ.get("WHOSAID_REQUIRE_CLI") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path
