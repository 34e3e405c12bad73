"""Read-only cache layers (``WEIGHTHUB_CACHE_PATH``): found first, verified, used in place, never
written to; a damaged layer file is skipped with a warning."""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from _readonly import CAN_MOUNT, MODE, read_only, snapshot
from _server import make_checkpoint, sha

import weighthub


def _bundle(home: Path, url: str, digest: str) -> Path:
    """Fill the home ``home`` like ``weighthub download --to`` does (file + record)."""
    return weighthub.fetch(url, model_dir=home / "checkpoints", sha256=digest, progress=False)


@pytest.fixture
def served(server, ckpt):
    return server.add("/m/net-a.pth", ckpt), ckpt


@pytest.mark.parametrize("check", [MODE])
def test_layer_is_used_in_place_and_never_written(
    check, served, server, tmp_path, cache, monkeypatch
):
    url, data = served
    bundle = tmp_path / "bundle"
    layer_file = _bundle(bundle, url, sha(data))
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(bundle))
    with read_only(bundle):
        if CAN_MOUNT:
            with pytest.raises(OSError, match="Read-only"):
                (bundle / "probe").write_text("x")
        for _ in range(2):
            assert weighthub.fetch(url, sha256=sha(data), progress=False) == layer_file
    assert server.count("/m/net-a.pth") == 1  # only the bundle's own download
    assert not (cache / "net-a.pth").exists()


@pytest.mark.parametrize("check", [MODE])
def test_unrecorded_layer_file_is_hashed_and_recorded_in_the_cache(
    check, served, tmp_path, cache, monkeypatch
):
    url, data = served
    bundle = tmp_path / "copied"
    (bundle / "checkpoints").mkdir(parents=True)
    (bundle / "checkpoints" / "net-a.pth").write_bytes(data)  # e.g. copied by hand, no record
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(bundle))
    with read_only(bundle):
        path = weighthub.fetch(url, sha256=sha(data), progress=False)
        assert path == bundle / "checkpoints" / "net-a.pth"
    records = list((cache / ".local-records").glob("*net-a.pth.weighthub.json"))
    assert [json.loads(r.read_text())["sha256"] for r in records] == [sha(data)]


def test_copied_bundle_with_new_mtimes_is_checked_against_its_record(served, tmp_path, monkeypatch):
    url, data = served
    original = tmp_path / "original"
    _bundle(original, url, sha(data))
    copy = tmp_path / "copy"
    shutil.copytree(original, copy, copy_function=shutil.copy)  # new mtimes, old records
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(copy))
    # No hash declared: the layer's record still says what the bytes must be.
    assert weighthub.fetch(url, check_hash=False, progress=False) == copy / "checkpoints/net-a.pth"
    damaged = copy / "checkpoints" / "net-a.pth"
    damaged.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    os.utime(damaged, ns=(damaged.stat().st_atime_ns, damaged.stat().st_mtime_ns + 10**9))
    with pytest.warns(UserWarning, match="Skipping .*net-a.pth in the read-only cache layer"):
        weighthub.fetch(url, check_hash=False, progress=False)


def test_damaged_layer_file_is_skipped_for_the_next_layer(
    served, server, tmp_path, cache, monkeypatch
):
    url, data = served
    first, second = tmp_path / "first", tmp_path / "second"
    _bundle(first, url, sha(data))
    good = _bundle(second, url, sha(data))
    damaged = first / "checkpoints" / "net-a.pth"
    damaged.write_bytes(data[:100])  # truncated behind the record's back
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", os.pathsep.join([str(first), str(second)]))
    with read_only(first), pytest.warns(UserWarning, match=r"Skipping .*first.*net-a\.pth"):
        assert weighthub.fetch(url, sha256=sha(data), progress=False) == good
    assert damaged.read_bytes() == data[:100]  # left alone
    assert server.count("/m/net-a.pth") == 2


def test_damaged_in_every_layer_downloads_into_the_cache(
    served, server, tmp_path, cache, monkeypatch
):
    url, data = served
    bundle = tmp_path / "bundle"
    (bundle / "checkpoints").mkdir(parents=True)
    (bundle / "checkpoints" / "net-a.pth").write_bytes(b"not the checkpoint")
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(bundle))
    with read_only(bundle), pytest.warns(UserWarning, match="Skipping"):
        assert weighthub.fetch(url, sha256=sha(data), progress=False) == cache / "net-a.pth"
    assert (cache / "net-a.pth").read_bytes() == data


def test_offline_mode_reads_layers(served, tmp_path, monkeypatch):
    url, data = served
    bundle = tmp_path / "bundle"
    path = _bundle(bundle, url, sha(data))
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(bundle))
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert weighthub.fetch(url, sha256=sha(data), progress=False) == path
    assert weighthub.cache_layers() == [bundle / "checkpoints"]


def test_layers_are_listed_and_verified_read_only(served, tmp_path, monkeypatch):
    url, data = served
    bundle = tmp_path / "bundle"
    path = _bundle(bundle, url, sha(data))
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(bundle))
    assert [(e.path, e.status, e.read_only) for e in weighthub.cached_files(layers=True)] == [
        (path, "ok", True)
    ]
    assert weighthub.cached_files() == []
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # same size, other content
    with read_only(bundle):
        [entry] = weighthub.verify_cache(layers=True)
    assert (entry.status, entry.read_only) == ("corrupt", True)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing", "does not exist"),
        (lambda tmp: tmp / "plain.txt", "is not a folder"),
        (lambda tmp: tmp / "home", "has no checkpoints/ folder"),
        (lambda tmp: tmp / "home" / "checkpoints", r"list its parent .*home instead"),
    ],
    ids=["missing", "a-file", "no-checkpoints", "the-checkpoints-folder-itself"],
)
def test_bad_layer_entries_are_clear_errors(make, message, served, tmp_path, monkeypatch):
    url, data = served
    (tmp_path / "plain.txt").write_text("x")
    (tmp_path / "home").mkdir()
    if "checkpoints" in str(make(tmp_path)):
        (tmp_path / "home" / "checkpoints").mkdir()
        (tmp_path / "home" / "checkpoints" / "net-a.pth").write_bytes(data)
    entry = make(tmp_path)
    if entry.name == "home":
        entry = tmp_path / "home"
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(entry))
    with pytest.raises(weighthub.CachePathError, match=message) as info:
        weighthub.fetch(url, sha256=sha(data), progress=False)
    assert "WEIGHTHUB_CACHE_PATH" in str(info.value) and str(entry) in str(info.value)
    assert isinstance(info.value, OSError)


def _state_of(data: bytes) -> dict:
    import torch

    return torch.load(io.BytesIO(data), weights_only=True)


def _keep_stat(path: Path, change) -> None:
    """Change ``path``'s bytes in place, keeping its size and modification time."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    change(data)
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


def _flip_a_tensor_byte(data: bytearray) -> None:
    at = bytes(data).index(_state_of(bytes(data))["w"].numpy().tobytes()) + 100
    data[at] ^= 0x40


def _break_the_archive(data: bytearray) -> None:
    data[:4] = b"\0\0\0\0"  # no longer a zip archive: loading fails


@pytest.mark.parametrize("check", [MODE])
def test_verify_always_rehashes_layer_files(check, served, server, tmp_path, cache, monkeypatch):
    url, data = served
    bundle = tmp_path / "bundle"
    layer_file = _bundle(bundle, url, sha(data))
    _keep_stat(layer_file, _flip_a_tensor_byte)  # still loads, other tensors; the record matches
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(bundle))
    with read_only(bundle):
        # The default trusts the record after one stat (documented): the altered tensors load.
        altered = weighthub.load_state_dict_from_url(url, sha256=sha(data), progress=False)
        altered_w = altered.pop("w").clone()
        del altered
        gc.collect()  # the tensors map the layer file: release it before the unmount
        monkeypatch.setenv("WEIGHTHUB_VERIFY", "always")
        with pytest.warns(UserWarning, match=r"Skipping .*net-a\.pth.*WEIGHTHUB_VERIFY=always"):
            state = weighthub.load_state_dict_from_url(url, sha256=sha(data), progress=False)
    assert server.count("/m/net-a.pth") == 2  # the bundle's download, then the cache's
    assert (cache / "net-a.pth").read_bytes() == data
    original = _state_of(data)
    assert not altered_w.equal(original["w"])
    assert all(state[k].equal(original[k]) for k in original)


@pytest.fixture(params=[MODE, "writable-folder"])
def layer_mode(request):
    return request.param


@pytest.mark.parametrize("declared", ["sha256", "no-hash"])
def test_a_layer_file_that_fails_to_load_is_set_aside_and_never_written(
    layer_mode, declared, served, server, tmp_path, cache, monkeypatch
):
    url, data = served
    bundle = tmp_path / "bundle"
    layer_file = _bundle(bundle, url, sha(data))
    _keep_stat(layer_file, _break_the_archive)  # its record still matches size and mtime
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(bundle))
    kwargs = {"sha256": sha(data)} if declared == "sha256" else {"check_hash": False}
    writable = layer_mode == "writable-folder"
    before = snapshot(bundle)
    with contextlib.nullcontext() if writable else read_only(bundle):
        for _ in range(2):  # the second load is served by the cache, without a GET
            with pytest.warns(UserWarning, match=r"Skipping .*net-a\.pth.*found it damaged"):
                state = weighthub.load_state_dict_from_url(url, progress=False, **kwargs)
            original = _state_of(data)
            assert all(state[k].equal(original[k]) for k in original)
    assert snapshot(bundle) == before  # nothing written into the layer, not even a record
    assert server.count("/m/net-a.pth") == 2
    assert (cache / "net-a.pth").read_bytes() == data
    if writable:
        # Repaired in place (new mtime): the layer file is used again, with no warning.
        layer_file.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert weighthub.fetch(url, progress=False, **kwargs) == layer_file


def test_a_layer_file_that_is_the_declared_one_keeps_its_load_error(
    server, tmp_path, cache, monkeypatch
):
    page = b"<html>the file the weights declare, but no checkpoint</html>"
    url = server.add("/m/page-net.pth", page)
    bundle = tmp_path / "bundle"
    _bundle(bundle, url, sha(page))
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(bundle))
    with read_only(bundle), pytest.raises(weighthub.CheckpointFormatError, match="an HTML page"):
        weighthub.load_state_dict_from_url(url, sha256=sha(page), progress=False)
    assert server.count("/m/page-net.pth") == 1  # the bundle's: another copy would be the same
    assert not (cache / "page-net.pth").exists()


def _vanish(home: Path, how: str) -> None:
    if how == "deleted":
        shutil.rmtree(home)
    else:  # an NFS export or a bind mount going away leaves its empty mount point
        subprocess.run(["umount", str(home)], check=True, capture_output=True)


@pytest.mark.parametrize(
    "how",
    [
        "deleted",
        pytest.param(
            "unmounted", marks=pytest.mark.skipif(not CAN_MOUNT, reason="needs bind mounts")
        ),
    ],
)
def test_a_vanished_layer_warns_once_when_another_source_has_the_file(
    how, server, tmp_path, cache, monkeypatch
):
    only_in_layer, in_cache, in_second = (make_checkpoint(seed=s) for s in (11, 12, 13))
    url_layer = server.add("/m/layer-net.pth", only_in_layer)
    url_cache = server.add("/m/cache-net.pth", in_cache)
    url_second = server.add("/m/second-net.pth", in_second)
    filled, home, second = tmp_path / "filled", tmp_path / "nfs", tmp_path / "second"
    _bundle(filled, url_layer, sha(only_in_layer))
    _bundle(second, url_second, sha(in_second))
    if how == "unmounted":
        home.mkdir()
        subprocess.run(["mount", "--bind", str(filled), str(home)], check=True)
    else:
        shutil.copytree(filled, home)
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", os.pathsep.join([str(home), str(second)]))
    assert weighthub.fetch(url_layer, sha256=sha(only_in_layer), progress=False).is_relative_to(
        home
    )
    weighthub.fetch(url_cache, sha256=sha(in_cache), progress=False)  # into the writable cache
    _vanish(home, how)

    with pytest.warns(UserWarning, match=rf"CACHE_PATH lists '{re.escape(str(home))}'.*skipped"):
        got = weighthub.fetch(url_cache, sha256=sha(in_cache), progress=False)
    assert got == cache / "cache-net.pth"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per process
        assert weighthub.fetch(url_cache, sha256=sha(in_cache), progress=False) == got
        assert weighthub.fetch(url_second, sha256=sha(in_second), progress=False).is_relative_to(
            second
        )
    # Nothing else holds this one: the clear error, naming the setting and the folder.
    with pytest.raises(weighthub.CachePathError, match="WEIGHTHUB_CACHE_PATH lists"):
        weighthub.fetch(url_layer, sha256=sha(only_in_layer), progress=False)
    assert server.count("/m/layer-net.pth") == 1  # the bundle's own download only
