"""Fixtures of the fetch tests: an isolated cache, a loopback HTTP server, small checkpoints."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _server import make_checkpoint, running_server

from weighthub._fetch import _config


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """Point every cache at tmp_path, make retries fast, and reset the Python-level settings."""
    for name in list(os.environ):
        if name.startswith("WEIGHTHUB_"):
            monkeypatch.delenv(name)
    for name in (
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("WEIGHTHUB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    monkeypatch.setenv("WEIGHTHUB_RETRY_BACKOFF", "0.01")
    monkeypatch.setenv("WEIGHTHUB_HTTP_TIMEOUT", "10")
    yield
    _config.set_mirrors(None)
    _config.set_offline(None)


@pytest.fixture
def cache(tmp_path) -> Path:
    """The cache folder the isolated environment points at."""
    return tmp_path / "home" / "checkpoints"


@pytest.fixture
def server():
    with running_server() as srv:
        yield srv


@pytest.fixture
def ckpt() -> bytes:
    return make_checkpoint()
