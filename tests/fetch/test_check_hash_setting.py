"""WEIGHTHUB_CHECK_HASH=0: hashes are not checked (torch.hub's default), sizes still are."""

from __future__ import annotations

import pytest
from _server import sha

import weighthub


def test_a_wrong_hash_prefix_is_refused_by_default(server, cache, ckpt):
    url = server.add("/m/net-deadbeef.pth", ckpt)
    with pytest.raises(weighthub.IntegrityError, match="deadbeef"):
        weighthub.fetch(url)
    assert not (cache / "net-deadbeef.pth").exists()


def test_check_hash_0_accepts_the_file_and_says_it_is_unverified(server, monkeypatch, ckpt):
    monkeypatch.setenv("WEIGHTHUB_CHECK_HASH", "0")
    url = server.add("/m/net-deadbeef.pth", ckpt)
    with pytest.warns(UserWarning, match=f"without verification.*{sha(ckpt)}"):
        path = weighthub.fetch(url, sha256="0" * 64)
    assert path.read_bytes() == ckpt


def test_check_hash_0_still_checks_the_declared_size(server, monkeypatch, ckpt):
    monkeypatch.setenv("WEIGHTHUB_CHECK_HASH", "0")
    url = server.add("/m/net.pth", ckpt)
    with pytest.raises(weighthub.IntegrityError, match="size"):
        weighthub.fetch(url, file_size=len(ckpt) + 1)


def test_turning_checks_back_on_rejects_the_unverified_file(server, monkeypatch, ckpt):
    url = server.add("/m/net-deadbeef.pth", ckpt)
    monkeypatch.setenv("WEIGHTHUB_CHECK_HASH", "0")
    with pytest.warns(UserWarning, match="without verification"):
        weighthub.fetch(url)
    monkeypatch.setenv("WEIGHTHUB_CHECK_HASH", "1")
    with pytest.raises(weighthub.IntegrityError), pytest.warns(UserWarning, match="not usable"):
        weighthub.fetch(url)


def test_a_bad_value_names_the_variable(server, monkeypatch, ckpt):
    monkeypatch.setenv("WEIGHTHUB_CHECK_HASH", "maybe")
    with pytest.raises(ValueError, match="WEIGHTHUB_CHECK_HASH='maybe' is not a boolean"):
        weighthub.fetch(server.add("/m/net.pth", ckpt))
