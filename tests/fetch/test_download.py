"""HTTP downloads against a real loopback server: verification, retries, resume, errors, mirrors."""

from __future__ import annotations

import io
import json
import warnings

import pytest
from _server import Fault, make_checkpoint, sha

from weighthub import (
    IntegrityError,
    WeightsDownloadError,
    fetch,
    load_state_dict_from_url,
    set_mirrors,
)


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".partial", ".tmp")))


def test_download_with_sha256_writes_file_and_record(server, cache, ckpt):
    url = server.add("/models/net.pth", ckpt)
    path = fetch(url, sha256=sha(ckpt), file_size=len(ckpt))
    assert path == cache / "net.pth"
    assert path.read_bytes() == ckpt
    record = json.loads((cache / "net.pth.weighthub.json").read_text())
    assert record["sha256"] == sha(ckpt)
    assert record["size"] == len(ckpt)
    assert record["url"] == url
    assert record["verified"] is True
    assert record["mtime_ns"] == path.stat().st_mtime_ns
    assert _leftovers(cache) == []
    assert server.count("/models/net.pth") == 1
    headers = server.headers_of("/models/net.pth")[0]
    assert "Range" not in headers


def test_filename_hash_prefix_is_checked(server, cache, ckpt):
    good = f"/m/net-{sha(ckpt)[:10]}.pth"
    bad = "/m/net-0123abcd.pth"
    fetch(server.add(good, ckpt))
    with pytest.raises(IntegrityError, match="0123abcd"):
        fetch(server.add(bad, ckpt))
    assert not (cache / "net-0123abcd.pth").exists()
    assert _leftovers(cache) == []


def test_short_prefix_is_not_a_hash_and_unverified_download_warns(server, ckpt):
    url = server.add("/m/net-abc.pth", ckpt)
    with pytest.warns(UserWarning, match="without verification"):
        fetch(url)


def test_declared_hash_suppresses_unverified_warning(server, ckpt):
    url = server.add("/m/plain.pth", ckpt)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fetch(url, sha256=sha(ckpt))


def test_corrupted_bytes_raise_integrity_error_and_leave_nothing(server, cache, ckpt):
    url = server.add("/m/net.pth", ckpt)
    server.fault("/m/net.pth", Fault("corrupt"))
    with pytest.raises(IntegrityError, match="sha256") as info:
        fetch(url, sha256=sha(ckpt))
    assert isinstance(info.value, ValueError)
    assert not (cache / "net.pth").exists()
    assert not (cache / "net.pth.weighthub.json").exists()
    assert _leftovers(cache) == []
    # The next attempt (the server now serves the right bytes) succeeds.
    assert fetch(url, sha256=sha(ckpt)).read_bytes() == ckpt


def test_declared_size_mismatch(server, cache, ckpt):
    url = server.add("/m/net.pth", ckpt)
    with pytest.raises(IntegrityError, match="size"):
        fetch(url, sha256=sha(ckpt), file_size=len(ckpt) + 1)
    assert not (cache / "net.pth").exists()


def test_500_then_200_is_retried(server, ckpt):
    url = server.add("/m/net.pth", ckpt)
    server.fault("/m/net.pth", Fault("status", status=500, times=2))
    assert fetch(url, sha256=sha(ckpt)).read_bytes() == ckpt
    assert server.count("/m/net.pth") == 3


def test_retries_run_out(server, cache, monkeypatch, ckpt):
    monkeypatch.setenv("WEIGHTHUB_RETRIES", "2")
    url = server.add("/m/net.pth", ckpt)
    server.fault("/m/net.pth", Fault("status", status=503, times=-1))
    with pytest.raises(WeightsDownloadError, match="503"):
        fetch(url, sha256=sha(ckpt))
    assert server.count("/m/net.pth") == 3
    assert not (cache / "net.pth").exists()
    assert _leftovers(cache) == []


def test_connection_refused_is_retried_then_fails(monkeypatch, cache):
    import socket

    monkeypatch.setenv("WEIGHTHUB_RETRIES", "1")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(WeightsDownloadError, match=r"could not connect to 127.* after 1 retry"):
        fetch(f"http://127.0.0.1:{port}/x.pth", sha256="0" * 64)


def test_dropped_connection_resumes_with_range(server, ckpt):
    big = make_checkpoint(n=600_000)  # ~2.4 MB, several 1 MiB chunks
    url = server.add("/m/big.pth", big)
    server.fault("/m/big.pth", Fault("drop", after=1_500_000))
    path = fetch(url, sha256=sha(big))
    assert path.read_bytes() == big
    headers = server.headers_of("/m/big.pth")
    assert len(headers) == 2
    assert headers[1]["Range"] == "bytes=1500000-"


def test_server_ignoring_range_restarts_from_zero(server, ckpt):
    big = make_checkpoint(n=600_000)
    url = server.add("/m/big.pth", big)
    server.fault("/m/big.pth", Fault("drop", after=1_000_000))
    server.fault("/m/big.pth", Fault("ignore_range"))
    path = fetch(url, sha256=sha(big))
    assert path.read_bytes() == big
    headers = server.headers_of("/m/big.pth")
    assert len(headers) == 2
    assert "Range" in headers[1]


@pytest.mark.parametrize("status", [404, 403])
def test_4xx_is_a_clear_download_error(server, cache, status):
    url = server.add("/m/missing.pth", b"x")
    server.fault("/m/missing.pth", Fault("status", status=status))
    with pytest.raises(WeightsDownloadError) as info:
        fetch(url, sha256="0" * 64)
    text = str(info.value)
    assert isinstance(info.value, OSError)
    assert url in text and str(status) in text
    assert "WEIGHTHUB_MIRROR" in text
    assert str(cache / "missing.pth") in text
    assert server.count("/m/missing.pth") == 1  # no retries on 4xx


def test_mirror_rewrites_download_but_not_cache_name(server, cache, ckpt):
    server.add("/mirror/models/net.pth", ckpt)
    set_mirrors({"https://download.example.org/models/": server.base + "/mirror/models/"})
    path = fetch("https://download.example.org/models/net.pth", sha256=sha(ckpt))
    assert path == cache / "net.pth"
    assert server.count("/mirror/models/net.pth") == 1
    record = json.loads((cache / "net.pth.weighthub.json").read_text())
    assert record["url"] == "https://download.example.org/models/net.pth"


def test_mirror_from_env(server, cache, monkeypatch, ckpt):
    server.add("/m2/net.pth", ckpt)
    monkeypatch.setenv("WEIGHTHUB_MIRROR", f"https://nowhere.invalid/a/={server.base}/m2/")
    fetch("https://nowhere.invalid/a/net.pth", sha256=sha(ckpt))
    assert server.count("/m2/net.pth") == 1


def test_load_state_dict_from_url_over_http(server, tmp_path, ckpt):
    import torch

    url = server.add("/m/net.pth", ckpt)
    sd = load_state_dict_from_url(url, sha256=sha(ckpt), progress=False)
    ref = torch.load(io.BytesIO(ckpt), weights_only=True)
    assert sd.keys() == ref.keys()
    assert all(torch.equal(sd[k], ref[k]) for k in ref)
    # torch.hub-style positional model_dir and file_name
    other = tmp_path / "other_dir"
    with pytest.warns(UserWarning, match="without verification"):
        sd2 = load_state_dict_from_url(url, str(other), file_name="other.pth")
    assert (other / "other.pth").exists()
    assert torch.equal(sd2["w"], ref["w"])


class _FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_tty(server, monkeypatch, ckpt):
    url = server.add("/m/a.pth", ckpt)
    tty = _FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    fetch(url, sha256=sha(ckpt), progress=True)
    assert "a.pth" in tty.getvalue()

    url = server.add("/m/b.pth", ckpt)
    quiet = _FakeTTY()
    monkeypatch.setattr("sys.stderr", quiet)
    fetch(url, sha256=sha(ckpt), progress=False)
    assert quiet.getvalue() == ""

    url = server.add("/m/c.pth", ckpt)
    not_tty = io.StringIO()
    monkeypatch.setattr("sys.stderr", not_tty)
    assert fetch(url, sha256=sha(ckpt), progress=True).read_bytes() == ckpt
    assert not_tty.getvalue() == ""
