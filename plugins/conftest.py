"""Every first-party plugin's tests use weighthub's kit (enabled in the top-level conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated(isolated_weighthub: Path) -> None:
    """Never touch the user's cache; never go online."""
