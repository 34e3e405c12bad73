"""Fixtures of the Hub source tests: the kit's HubServer, with weighthub online and unhomed.

``hub`` is the kit's ``hub_server`` (huggingface_hub's settings point at it and into ``tmp_path``)
on top of ``isolated_weighthub``, but online, with fast retries and without ``WEIGHTHUB_HOME``: Hub
files then go to ``HF_HUB_CACHE``, the folder huggingface_hub uses, which is what the sharing
tests need (``TORCH_HOME`` still keeps other checkpoints in ``tmp_path``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from weighthub.testing import HubServer


@pytest.fixture
def hub(
    isolated_weighthub: Path, hub_server: HubServer, monkeypatch: pytest.MonkeyPatch
) -> HubServer:
    """The loopback Hub, with weighthub online, fast retries and no ``WEIGHTHUB_HOME``."""
    monkeypatch.delenv("WEIGHTHUB_HOME")
    monkeypatch.delenv("WEIGHTHUB_OFFLINE")
    monkeypatch.setenv("WEIGHTHUB_RETRY_BACKOFF", "0.01")
    monkeypatch.setenv("WEIGHTHUB_HTTP_TIMEOUT", "20")
    return hub_server


@pytest.fixture
def hf_cache() -> Path:
    """huggingface_hub's cache folder (``HF_HUB_CACHE``) of the test."""
    return Path(os.environ["HF_HUB_CACHE"])


@pytest.fixture
def run_python() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run Python source in a fresh interpreter with the test's environment (plus ``env``)."""

    def run(code: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=timeout,
            check=False,
        )

    return run
