"""Read-only cache layers (``WEIGHTHUB_CACHE_PATH``): found first, verified, used in place, never
written to; a damaged layer file is skipped with a warning."""

from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path

import pytest
from _readonly import CAN_MOUNT, MODE, read_only
from _server import sha

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
