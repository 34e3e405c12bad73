"""Shared fixtures of the classification plugin's tests."""

from __future__ import annotations

import pytest

import weighthub


@pytest.fixture(scope="session")
def plugin_names() -> list[str]:
    return weighthub.list_models(plugin="classification")
