"""Fixtures of the fetch tests, on the kit's isolation (:mod:`weighthub.testing.pytest_plugin`).

Every test gets the kit's ``isolated_weighthub`` (an empty ``WEIGHTHUB_HOME`` and ``TORCH_HOME``
in ``tmp_path``, other ``WEIGHTHUB_*`` variables cleared, Python-level settings reset) and its
``weights_server`` (proxies cleared for loopback), but online, with fast retries.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _server import make_checkpoint

from weighthub.testing import LoopbackServer, WeightsServer


@pytest.fixture(autouse=True)
def isolated_env(
    isolated_weighthub: Path, weights_server: WeightsServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The kit's isolation and loopback setup, online, with fast retries and a short timeout."""
    monkeypatch.delenv("WEIGHTHUB_OFFLINE")  # what fetching does by default is under test
    monkeypatch.setenv("WEIGHTHUB_RETRY_BACKOFF", "0.01")
    monkeypatch.setenv("WEIGHTHUB_HTTP_TIMEOUT", "10")
    yield


@pytest.fixture
def cache(isolated_weighthub: Path) -> Path:
    """The cache folder the isolated environment points at."""
    return isolated_weighthub / "checkpoints"


@pytest.fixture
def torch_home(tmp_path: Path) -> Path:
    """The ``TORCH_HOME`` the kit's isolation points at."""
    return tmp_path / "torch-home"


@pytest.fixture
def server(weights_server: WeightsServer) -> LoopbackServer:
    """The kit's loopback server, with injectable faults and request counts."""
    return weights_server.server


@pytest.fixture
def ckpt() -> bytes:
    return make_checkpoint()


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files of 1 MB and more go over 4 connections from the start (no single stream first)."""
    monkeypatch.setenv("WEIGHTHUB_PARALLEL_MIN", "1000000")
    monkeypatch.setenv("WEIGHTHUB_CONNECTIONS", "4")
    monkeypatch.setenv("WEIGHTHUB_PARALLEL_BELOW", "inf")
