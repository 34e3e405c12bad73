"""The shared plugin conformance kit (weighthub.testing) on this plugin."""

from __future__ import annotations


def test_conformance_kit() -> None:
    from weighthub import testing

    testing.assert_plugin_conforms("weighthub-video")
