"""The weighthub conformance kit on this plugin."""

from __future__ import annotations

import weighthub.testing


def test_plugin_conforms():
    weighthub.testing.assert_plugin_conforms("weighthub-classification")
