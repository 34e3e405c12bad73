"""The shared plugin conformance kit (weighthub.testing) on this plugin."""

from __future__ import annotations


def test_conformance_kit() -> None:
    from weighthub import testing

    # RAFT-large costs 211 GFLOPs a pass: recompute _ops for raft_small only.
    testing.assert_plugin_conforms("weighthub-optical-flow", ops_sample=1)
