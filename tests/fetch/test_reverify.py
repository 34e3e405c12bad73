"""Damage that keeps size and mtime, and files that are no checkpoint: re-verify, refetch, say so.

Every load error names the file; no raw PytorchStreamReader / UnicodeDecodeError / SafetensorError
reaches the caller; a cached file damaged since it was verified is downloaded again.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import pytest
import torch
from _server import make_checkpoint, sha

from weighthub import (
    CheckpointFormatError,
    IntegrityError,
    UnsafeCheckpointError,
    Weights,
    WeightsEnum,
    load_checkpoint,
    load_state_dict_from_url,
    set_offline,
)


def _flip_keeping_mtime(path: Path, offset: int) -> None:
    """Flip one byte as bit rot would: same size, same modification time."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _zip_damage(data: bytes) -> dict[str, int]:
    """Offsets whose flip breaks deserialisation: the zip directory, data.pkl's protocol byte."""
    pickle_at = data.index(b"\x80\x02", data.index(b"data.pkl"))
    return {"zip-directory": data.rindex(b"PK\x05\x06"), "data.pkl": pickle_at}


def _state_equal(sd: dict[str, torch.Tensor], data: bytes) -> bool:
    ref = torch.load(io.BytesIO(data), weights_only=True)
    return sd.keys() == ref.keys() and all(torch.equal(sd[k], ref[k]) for k in ref)


@pytest.mark.parametrize("where", ["zip-directory", "data.pkl"])
def test_damaged_cached_file_is_fetched_again(server, cache, ckpt, where):
    url = server.add("/m/net.pth", ckpt)
    load_state_dict_from_url(url, sha256=sha(ckpt))
    _flip_keeping_mtime(cache / "net.pth", _zip_damage(ckpt)[where])
    with pytest.warns(UserWarning, match=r"net\.pth is not usable \(its bytes changed"):
        sd = load_state_dict_from_url(url, sha256=sha(ckpt))
    assert _state_equal(sd, ckpt)
    assert server.count("/m/net.pth") == 2
    assert (cache / "net.pth").read_bytes() == ckpt


def test_damaged_file_of_a_weights_member_is_fetched_again(server, cache, ckpt):
    url = server.add("/m/enum.pth", ckpt)

    class Net_Weights(WeightsEnum):
        V1 = Weights(url=url, transforms=lambda: None, meta={}, sha256=sha(ckpt))

    Net_Weights.V1.get_state_dict(progress=False)
    _flip_keeping_mtime(cache / "enum.pth", _zip_damage(ckpt)["zip-directory"])
    with pytest.warns(UserWarning, match="downloading it again"):
        sd = Net_Weights.V1.get_state_dict(progress=False)
    assert _state_equal(sd, ckpt)
    assert server.count("/m/enum.pth") == 2


def test_damaged_file_with_only_a_name_prefix_is_fetched_again(server, cache, ckpt):
    name = f"net-{sha(ckpt)[:8]}.pth"
    url = server.add(f"/m/{name}", ckpt)
    load_state_dict_from_url(url)
    _flip_keeping_mtime(cache / name, _zip_damage(ckpt)["data.pkl"])
    with pytest.warns(UserWarning, match="downloading it again"):
        sd = load_state_dict_from_url(url)
    assert _state_equal(sd, ckpt)


def test_offline_damage_is_an_integrity_error_naming_the_file(server, cache, ckpt):
    url = server.add("/m/net.pth", ckpt)
    load_state_dict_from_url(url, sha256=sha(ckpt))
    _flip_keeping_mtime(cache / "net.pth", _zip_damage(ckpt)["zip-directory"])
    set_offline(True)
    with pytest.raises(IntegrityError) as info:
        load_state_dict_from_url(url, sha256=sha(ckpt))
    text = str(info.value)
    assert str(cache / "net.pth") in text and "weighthub cache verify" in text
    assert "WEIGHTHUB_OFFLINE" in text
    assert server.count("/m/net.pth") == 1
    set_offline(None)
    # Back online: the file flagged corrupt is downloaded again.
    with pytest.warns(UserWarning, match="downloading it again"):
        assert _state_equal(load_state_dict_from_url(url, sha256=sha(ckpt)), ckpt)


def test_damaged_safetensors_header_is_fetched_again(server, cache):
    from safetensors.torch import save

    data = save({"w": torch.arange(64, dtype=torch.float32)})
    url = server.add("/m/net.safetensors", data)
    load_state_dict_from_url(url, sha256=sha(data))
    _flip_keeping_mtime(cache / "net.safetensors", 12)  # inside the JSON header
    with pytest.warns(UserWarning, match="downloading it again"):
        sd = load_state_dict_from_url(url, sha256=sha(data))
    assert torch.equal(sd["w"], torch.arange(64, dtype=torch.float32))


def test_flipped_tensor_byte_is_caught_by_verify_always(server, cache, ckpt, monkeypatch):
    url = server.add("/m/net.pth", ckpt)
    load_state_dict_from_url(url, sha256=sha(ckpt))
    # A byte inside the tensor data: deserialisation cannot notice it.
    _flip_keeping_mtime(cache / "net.pth", ckpt.index(b"data/0") + 200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        silently_wrong = load_state_dict_from_url(url, sha256=sha(ckpt))
    assert not _state_equal(silently_wrong, ckpt), "the default trusts the record (one stat)"
    monkeypatch.setenv("WEIGHTHUB_VERIFY", "always")
    with pytest.warns(UserWarning, match="content changed since it was downloaded"):
        sd = load_state_dict_from_url(url, sha256=sha(ckpt))
    assert _state_equal(sd, ckpt)
    assert server.count("/m/net.pth") == 2


def test_verify_setting_is_checked(server, ckpt, monkeypatch):
    url = server.add("/m/net.pth", ckpt)
    monkeypatch.setenv("WEIGHTHUB_VERIFY", "sometimes")
    with pytest.raises(ValueError, match="WEIGHTHUB_VERIFY='sometimes'"):
        load_state_dict_from_url(url, sha256=sha(ckpt))


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        pytest.param(b"<!DOCTYPE html><html><body>404 Not Found</body></html>", "HTML", id="html"),
        pytest.param(b"<?xml version='1.0'?><Error><Code>NoSuchKey</Code>", "XML", id="xml"),
        pytest.param(b"Service temporarily unavailable\n", "plain text", id="text"),
        pytest.param(b"", "an empty file", id="empty"),
        pytest.param(make_checkpoint()[:3000], "a zip archive", id="truncated-zip"),
    ],
)
def test_files_that_are_no_checkpoint(tmp_path, server, cache, content, kind):
    f = tmp_path / "model.pth"
    f.write_bytes(content)
    with pytest.raises(CheckpointFormatError, match=kind) as info:
        load_checkpoint(f)
    assert str(f) in str(info.value)
    assert "not a PyTorch or safetensors checkpoint" in str(info.value)
    assert not isinstance(info.value, UnsafeCheckpointError)
    # The same bytes served by a mirror, with a declared hash: not damage, so no refetch loop.
    url = server.add("/m/page.pth", content)
    with pytest.raises(CheckpointFormatError, match=kind) as info:
        load_state_dict_from_url(url, sha256=sha(content))
    assert str(cache / "page.pth") in str(info.value)
    assert server.count("/m/page.pth") == 1


def test_damaged_safetensors_file_names_the_file(tmp_path):
    from safetensors.torch import save_file

    f = tmp_path / "m.safetensors"
    save_file({"w": torch.zeros(4)}, str(f))
    f.write_bytes(f.read_bytes()[:20])
    with pytest.raises(CheckpointFormatError, match="safetensors says") as info:
        load_checkpoint(f)
    assert str(f) in str(info.value)


def test_damaged_local_file_with_a_record_is_an_integrity_error(tmp_path, ckpt):
    f = tmp_path / "local.pth"
    f.write_bytes(ckpt)
    load_state_dict_from_url(str(f), sha256=sha(ckpt))
    _flip_keeping_mtime(f, _zip_damage(ckpt)["zip-directory"])
    with pytest.raises(IntegrityError, match="is damaged") as info:
        load_state_dict_from_url(str(f), sha256=sha(ckpt))
    assert str(f) in str(info.value)
