"""Every suite of this repository may use weighthub's test fixtures (:mod:`weighthub.testing`).

pytest accepts ``pytest_plugins`` only in the top-level conftest, so the kit is enabled here for
the core tests and every plugin's; its fixtures do nothing unless a test asks for them. pytester
runs the kit's own tests of its fixtures in separate pytest sessions.
"""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["weighthub.testing.pytest_plugin", "pytester"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--torchvision-tests DIR`` for tests/dropin's slow tests.

    Its default is read here, before the kit's isolation clears every ``WEIGHTHUB_*`` variable.
    """
    parser.addoption(
        "--torchvision-tests",
        default=os.environ.get("WEIGHTHUB_TORCHVISION_TESTS") or None,
        help="the test/ folder of a pytorch/vision v0.29.1 checkout, for tests/dropin's strict "
        "run (default: $WEIGHTHUB_TORCHVISION_TESTS)",
    )
