"""Offline mode: no network at all, and a clear error naming the file and the folder."""

from __future__ import annotations

import pytest
from _server import sha

from weighthub import OfflineModeError, fetch, offline_mode, set_offline


def test_offline_missing_file_names_file_and_folder(server, cache, monkeypatch, ckpt):
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")
    url = server.add("/m/net-12345678.pth", ckpt)
    with pytest.raises(OfflineModeError) as info:
        fetch(url)
    assert isinstance(info.value, FileNotFoundError)
    assert "net-12345678.pth" in str(info.value)
    assert str(cache) in str(info.value)
    assert server.count(method="GET") == 0 and server.count(method="HEAD") == 0


def test_offline_uses_cached_file_with_zero_requests(server, monkeypatch, ckpt):
    url = server.add("/m/net.pth", ckpt)
    fetch(url, sha256=sha(ckpt))
    assert server.count() == 1
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")
    fetch(url, sha256=sha(ckpt))
    assert server.count() == 1


def test_offline_corrupt_cached_file_is_an_offline_error(server, monkeypatch, ckpt):
    url = server.add("/m/net.pth", ckpt)
    path = fetch(url, sha256=sha(ckpt))
    path.write_bytes(b"short")
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")
    with pytest.raises(OfflineModeError, match="unusable"):
        fetch(url, sha256=sha(ckpt))
    assert server.count() == 1


def test_set_offline_wins_over_env(monkeypatch):
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")
    assert offline_mode() is True
    set_offline(False)
    assert offline_mode() is False
    set_offline(None)
    assert offline_mode() is True
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "0")
    set_offline(True)
    assert offline_mode() is True


def test_offline_set_from_python(server, ckpt):
    set_offline(True)
    url = server.add("/m/x.pth", ckpt)
    with pytest.raises(OfflineModeError):
        fetch(url, sha256=sha(ckpt))
    assert server.count() == 0
