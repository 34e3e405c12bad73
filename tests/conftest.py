"""Shared fixtures: real test plugin distributions, installed once per session into a folder."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import weighthub
import weighthub.testing

FIXTURES = Path(__file__).parent / "fixtures" / "plugins"
TEST_PLUGINS = (
    "good",
    "broken-import",
    "broken-hook",
    "clash",
    "sysexit-import",
    "sysexit-hook",
    "sysexit-builder",
    "interrupt-hook",
    "reentrant-hook",
    "weights-pets",
    "weights-clash",
    "weights-dangling",
    "weights-motion",
    "task-depth",
    "bulk",
    "weights-hub",
    "weights-bands",
    "ns-alpha",
    "ns-beta",
    "ns-alpha-fork",
    "weights-samename",
    "weights-contradict",
    "borrow-builder",
    "cycle-a",
    "cycle-b",
)


@pytest.fixture(scope="session")
def test_plugins_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the test plugin distributions, installed by pip with their entry points."""
    site = tmp_path_factory.mktemp("test-plugins-site")
    return weighthub.testing.pip_install_target(site, *(FIXTURES / name for name in TEST_PLUGINS))


@pytest.fixture
def use_plugins(test_plugins_site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[callable]:
    """Make the test plugins importable and discover only the ones a test names."""

    def activate(*names: str, disable: str | None = None) -> None:
        monkeypatch.setenv("WEIGHTHUB_PLUGINS", ",".join(names))
        if disable is not None:
            monkeypatch.setenv("WEIGHTHUB_DISABLE_PLUGINS", disable)
        weighthub.reload_plugins()

    monkeypatch.syspath_prepend(str(test_plugins_site))
    monkeypatch.delenv("WEIGHTHUB_STRICT", raising=False)
    monkeypatch.delenv("WEIGHTHUB_PREFER", raising=False)
    yield activate
    for module in [m for m in sys.modules if m.startswith("wh_test_")]:
        del sys.modules[module]
    monkeypatch.undo()
    weighthub.reload_plugins()


@pytest.fixture(autouse=True)
def _forget_runtime_registrations() -> Iterator[None]:
    with weighthub.testing.restore_registrations():
        yield
