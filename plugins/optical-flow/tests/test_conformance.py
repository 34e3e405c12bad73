"""The shared plugin conformance kit (weighthub.testing) on this plugin."""

from __future__ import annotations

import pytest


def test_conformance_kit() -> None:
    testing = pytest.importorskip(
        "weighthub.testing", reason="the conformance kit is not there yet"
    )
    # RAFT-large costs 211 GFLOPs a pass: recompute _ops for raft_small only.
    testing.assert_plugin_conforms("weighthub-optical-flow", ops_sample=1)
