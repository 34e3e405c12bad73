"""Cache folder resolution and mirror settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from weighthub import cache_dir, get_mirrors, set_mirrors
from weighthub._fetch import rewrite_url


def test_cache_dir_resolution(tmp_path, monkeypatch, cache, torch_home):
    assert cache_dir(tmp_path / "x") == tmp_path / "x"
    assert cache_dir() == cache
    monkeypatch.delenv("WEIGHTHUB_HOME")
    assert cache_dir() == torch_home / "hub" / "checkpoints"


def test_cache_dir_follows_torch_hub_without_torch(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "h")}
    code = (
        "import sys; from weighthub import cache_dir; print(cache_dir()); "
        "assert 'torch' not in sys.modules"
    )

    def run(extra):
        out = subprocess.run(
            [sys.executable, "-c", code], env={**env, **extra}, check=True, capture_output=True
        )
        return Path(out.stdout.decode().strip())

    assert run({}) == tmp_path / "h" / ".cache" / "torch" / "hub" / "checkpoints"
    assert run({"XDG_CACHE_HOME": str(tmp_path / "x")}) == (
        tmp_path / "x" / "torch" / "hub" / "checkpoints"
    )
    assert run({"TORCH_HOME": str(tmp_path / "t"), "XDG_CACHE_HOME": str(tmp_path / "x")}) == (
        tmp_path / "t" / "hub" / "checkpoints"
    )


def test_cache_dir_matches_torch_hub_and_honours_set_dir(tmp_path, monkeypatch):
    import torch.hub

    monkeypatch.delenv("WEIGHTHUB_HOME")
    assert cache_dir() == Path(torch.hub.get_dir()) / "checkpoints"
    old = torch.hub.get_dir()
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    torch.hub.set_dir(str(tmp_path / "custom"))
    try:
        assert cache_dir() == tmp_path / "custom" / "checkpoints"
    finally:
        torch.hub.set_dir(old)


def test_mirrors_longest_prefix_and_python_wins(monkeypatch):
    monkeypatch.setenv(
        "WEIGHTHUB_MIRROR",
        "https://download.pytorch.org/models/=http://mirror.internal/models/;"
        "https://download.pytorch.org/=http://other.internal/",
    )
    assert rewrite_url("https://download.pytorch.org/models/r.pth") == (
        "http://mirror.internal/models/r.pth"
    )
    assert rewrite_url("https://download.pytorch.org/x/r.pth") == "http://other.internal/x/r.pth"
    assert rewrite_url("https://example.org/r.pth") == "https://example.org/r.pth"
    set_mirrors({"https://download.pytorch.org/": "http://py.internal/"})
    assert get_mirrors() == {"https://download.pytorch.org/": "http://py.internal/"}
    assert rewrite_url("https://download.pytorch.org/models/r.pth") == (
        "http://py.internal/models/r.pth"
    )
    set_mirrors("https://a/=https://b/")
    assert rewrite_url("https://a/z") == "https://b/z"
    set_mirrors(None)
    assert len(get_mirrors()) == 2


def test_bad_mirror_spec(monkeypatch):
    monkeypatch.setenv("WEIGHTHUB_MIRROR", "no-equals-sign")
    with pytest.raises(ValueError, match="Invalid mirror"):
        get_mirrors()
