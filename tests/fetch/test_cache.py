"""The cache: cheap checks through records, re-fetching bad files, torchvision interop, cleanup."""

from __future__ import annotations

import json
import os

import pytest
from _server import make_checkpoint, sha

from weighthub import (
    CacheEntry,
    cache_dir,
    cached_files,
    clear_cache,
    fetch,
    remove_cached,
    verify_cache,
)


def test_recorded_cache_hit_makes_no_request(server, ckpt):
    url = server.add("/m/net.pth", ckpt)
    first = fetch(url, sha256=sha(ckpt))
    assert server.count() == 1
    for _ in range(3):
        assert fetch(url, sha256=sha(ckpt)) == first
    assert server.count() == 1


def test_truncated_cached_file_is_refetched_with_a_warning(server, cache, ckpt):
    url = server.add("/m/net.pth", ckpt)
    path = fetch(url, sha256=sha(ckpt))
    path.write_bytes(ckpt[:100])
    with pytest.warns(UserWarning, match="downloading it again"):
        assert fetch(url, sha256=sha(ckpt)).read_bytes() == ckpt
    assert server.count() == 2


def test_truncated_file_without_declared_hash_is_caught_by_the_record(server, ckpt):
    url = server.add("/m/plain.pth", ckpt)
    with pytest.warns(UserWarning, match="without verification"):
        path = fetch(url)
    path.write_bytes(ckpt[:-10])
    with pytest.warns(UserWarning) as record:
        fetch(url)
    assert any("bytes when downloaded" in str(w.message) for w in record)
    assert path.read_bytes() == ckpt


def test_same_size_alteration_is_detected_through_mtime(server, ckpt):
    url = server.add("/m/net.pth", ckpt)
    path = fetch(url, sha256=sha(ckpt))
    altered = bytearray(ckpt)
    altered[-5] ^= 0xFF
    path.write_bytes(bytes(altered))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    with pytest.warns(UserWarning, match="content changed"):
        fetch(url, sha256=sha(ckpt))
    assert path.read_bytes() == ckpt
    assert server.count() == 2


def test_touched_but_intact_file_is_kept(server, ckpt):
    url = server.add("/m/net.pth", ckpt)
    path = fetch(url, sha256=sha(ckpt))
    os.utime(path, ns=(0, 10**18))
    fetch(url, sha256=sha(ckpt))
    assert server.count() == 1
    record = json.loads((path.parent / "net.pth.weighthub.json").read_text())
    assert record["mtime_ns"] == 10**18  # re-recorded after one hash


def test_torchvision_downloaded_file_is_reused_and_hashed_once(
    server, monkeypatch, torch_home, ckpt
):
    monkeypatch.delenv("WEIGHTHUB_HOME")
    name = f"resnet-{sha(ckpt)[:8]}.pth"
    hub = torch_home / "hub" / "checkpoints"
    hub.mkdir(parents=True)
    (hub / name).write_bytes(ckpt)  # as torch.hub would have left it: no record
    url = server.add(f"/models/{name}", ckpt)
    assert cache_dir() == hub
    assert fetch(url) == hub / name
    assert server.count() == 0
    record = json.loads((hub / (name + ".weighthub.json")).read_text())
    assert record["sha256"] == sha(ckpt) and record["verified"] is True


def test_unrecorded_file_with_wrong_prefix_is_refetched(server, cache, ckpt):
    name = f"net-{sha(ckpt)[:8]}.pth"
    cache.mkdir(parents=True)
    (cache / name).write_bytes(b"garbage")
    url = server.add(f"/m/{name}", ckpt)
    with pytest.warns(UserWarning, match="downloading it again"):
        assert fetch(url).read_bytes() == ckpt


def test_changed_declared_hash_refetches(server, ckpt):
    url = server.add("/m/net.pth", ckpt)
    fetch(url, sha256=sha(ckpt))
    new = make_checkpoint(seed=1)
    server.add("/m/net.pth", new)
    with pytest.warns(UserWarning, match="downloading it again"):
        assert fetch(url, sha256=sha(new)).read_bytes() == new


def test_model_dir_overrides_weighthub_home(server, tmp_path, ckpt):
    url = server.add("/m/net.pth", ckpt)
    path = fetch(url, sha256=sha(ckpt), model_dir=tmp_path / "explicit")
    assert path == tmp_path / "explicit" / "net.pth"


def test_verify_cache_flags_corrupt_and_next_load_refetches(server, cache, ckpt):
    good = server.add("/m/good.pth", ckpt)
    bad = server.add("/m/bad.pth", ckpt)
    fetch(good, sha256=sha(ckpt))
    bad_path = fetch(bad, sha256=sha(ckpt))
    # Bit rot: same size, same mtime, different content; only a re-hash can see it.
    st = bad_path.stat()
    altered = bytearray(ckpt)
    altered[10] ^= 1
    bad_path.write_bytes(bytes(altered))
    os.utime(bad_path, ns=(st.st_atime_ns, st.st_mtime_ns))
    (cache / "loose.bin").write_bytes(b"abc")
    report = {e.path.name: e for e in verify_cache()}
    assert report["good.pth"].status == "ok"
    assert report["bad.pth"].status == "corrupt"
    assert report["loose.bin"].status == "unrecorded"
    assert isinstance(report["good.pth"], CacheEntry)
    assert report["good.pth"].url == good and report["good.pth"].sha256 == sha(ckpt)
    assert {e.path.name: e.status for e in cached_files()}["bad.pth"] == "corrupt"
    with pytest.warns(UserWarning, match="its bytes changed"):
        fetch(bad, sha256=sha(ckpt))
    assert bad_path.read_bytes() == ckpt
    assert {e.path.name: e.status for e in cached_files()}["bad.pth"] == "ok"


def test_cached_files_remove_and_clear(server, cache, ckpt):
    url_a = server.add("/m/a.pth", ckpt)
    url_b = server.add("/m/b.pth", ckpt)
    fetch(url_a, sha256=sha(ckpt))
    fetch(url_b, sha256=sha(ckpt))
    entries = cached_files()
    assert [e.path.name for e in entries] == ["a.pth", "b.pth"]
    assert all(e.status == "ok" and e.size == len(ckpt) for e in entries)
    removed = remove_cached("a.pth")
    assert cache / "a.pth" in removed and cache / "a.pth.weighthub.json" in removed
    assert remove_cached("a.pth") == []
    assert [e.path.name for e in cached_files()] == ["b.pth"]
    assert remove_cached(url_b)  # a URL names its cache file
    fetch(url_a, sha256=sha(ckpt))
    fetch(url_b, sha256=sha(ckpt))
    (cache / "a.pth.999999999.dead.partial").write_bytes(b"x")
    assert clear_cache() == 2
    assert cached_files() == []
    leftovers = [p.name for p in cache.iterdir() if not p.name.endswith(".lock")]
    assert leftovers == []
