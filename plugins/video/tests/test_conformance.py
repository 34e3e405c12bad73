"""The shared plugin conformance kit (weighthub.testing) on this plugin."""

from __future__ import annotations

import pytest


def test_conformance_kit() -> None:
    testing = pytest.importorskip(
        "weighthub.testing", reason="the conformance kit is not there yet"
    )
    testing.assert_plugin_conforms("weighthub-video")
