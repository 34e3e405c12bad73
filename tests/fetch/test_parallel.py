"""Parallel ranged downloads against the real loopback server: pieces, faults, the piece journal."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from _server import Fault, kill_once_journaled, make_checkpoint, requests_settled, sha

from weighthub import IntegrityError, fetch


@pytest.fixture
def big() -> bytes:
    return make_checkpoint(n=1_500_000)  # ~6 MB: several 1 MiB pieces


def _pieces(ranges):
    return [r for r in ranges if r is not None and r != "bytes=0-0"]


def test_large_file_is_fetched_in_pieces(server, cache, parallel, big):
    url = server.add("/m/big.pth", big)
    path = fetch(url, sha256=sha(big), file_size=len(big), progress=False)
    assert path.read_bytes() == big
    ranges = server.ranges_of("/m/big.pth")
    assert ranges[0] == "bytes=0-0", "a Range probe first"
    pieces = _pieces(ranges)
    assert len(pieces) >= 4 and len(set(pieces)) == len(pieces)
    covered = sum(int(b) - int(a) + 1 for a, b in (p[6:].split("-") for p in pieces))
    assert covered == len(big), "every byte is fetched exactly once"
    assert not list(cache.glob("*.partial")) and not list(cache.glob("*.pieces.json"))
    record = json.loads((cache / "big.pth.weighthub.json").read_text())
    assert record["verified"] is True and record["size"] == len(big)


def test_size_announced_by_the_server_also_goes_parallel(server, cache, parallel, big):
    url = server.add("/m/big.pth", big)
    assert fetch(url, sha256=sha(big), progress=False).read_bytes() == big
    ranges = server.ranges_of("/m/big.pth")
    assert ranges[:2] == [None, "bytes=0-0"], "the first answer's length leads to a probe"
    assert len(_pieces(ranges)) >= 4


def test_small_files_and_one_connection_use_one_stream(server, parallel, monkeypatch, ckpt, big):
    url = server.add("/m/small.pth", ckpt)
    fetch(url, sha256=sha(ckpt), progress=False)
    assert server.ranges_of("/m/small.pth") == [None]
    monkeypatch.setenv("WEIGHTHUB_CONNECTIONS", "1")
    url = server.add("/m/big.pth", big)
    fetch(url, sha256=sha(big), file_size=len(big), progress=False)
    assert server.ranges_of("/m/big.pth") == [None]


def test_server_without_ranges_means_one_stream(server, parallel, big):
    url = server.add("/m/big.pth", big)
    server.fault("/m/big.pth", Fault("ignore_range"))  # the probe gets a 200
    assert fetch(url, sha256=sha(big), file_size=len(big), progress=False).read_bytes() == big
    assert server.ranges_of("/m/big.pth") == ["bytes=0-0", None]


def test_a_dropped_piece_is_resumed_on_its_own(server, parallel, big):
    url = server.add("/m/big.pth", big)
    server.fault("/m/big.pth", Fault("pass"))  # the probe
    server.fault("/m/big.pth", Fault("drop", after=300_000))  # the first piece
    assert fetch(url, sha256=sha(big), file_size=len(big), progress=False).read_bytes() == big
    pieces = _pieces(server.ranges_of("/m/big.pth"))
    first_start, first_end = pieces[0][6:].split("-")
    resumed = f"bytes={int(first_start) + 300_000}-{first_end}"
    assert resumed in pieces, pieces


def test_corrupt_piece_fails_verification_and_leaves_nothing(server, cache, parallel, big):
    url = server.add("/m/big.pth", big)
    server.fault("/m/big.pth", Fault("pass"))
    server.fault("/m/big.pth", Fault("corrupt"))  # flips the first byte of one piece
    with pytest.raises(IntegrityError, match="sha256"):
        fetch(url, sha256=sha(big), file_size=len(big), progress=False)
    assert not list(cache.iterdir()) or all(
        p.name.endswith((".lock", ".lockinfo")) for p in cache.iterdir()
    )


@pytest.mark.parametrize("value", ["0", "abc", "-2"])
def test_bad_connections_setting_is_named(server, monkeypatch, big, value):
    monkeypatch.setenv("WEIGHTHUB_CONNECTIONS", value)
    url = server.add("/m/big.pth", big)
    with pytest.raises(ValueError, match=f"WEIGHTHUB_CONNECTIONS='{value}'"):
        fetch(url, sha256=sha(big), file_size=len(big), progress=False)


_CHILD = """
import sys
from weighthub import fetch
fetch(sys.argv[1], sha256=sys.argv[2], file_size=int(sys.argv[3]), progress=False)
"""


def _kill_mid_download(server, cache, url, data):
    env = {**os.environ, "WEIGHTHUB_PARALLEL_MIN": "1000000", "WEIGHTHUB_CONNECTIONS": "2"}
    server.fault("/m/big.pth", Fault("slow", delay=0.1, chunk=128 * 1024, times=-1))
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, url, sha(data), str(len(data))], env=env
    )
    done = kill_once_journaled(child, cache / "big.pth.pieces.json")
    server.faults.clear()
    assert done, "the child completed a piece before it was killed"
    return done


@pytest.mark.slow
def test_the_next_process_continues_a_killed_parallel_download(server, cache, parallel, big):
    url = server.add("/m/big.pth", big)
    done = _kill_mid_download(server, cache, url, big)
    before = requests_settled(server, "/m/big.pth")
    assert fetch(url, sha256=sha(big), file_size=len(big), progress=False).read_bytes() == big
    later = _pieces(server.ranges_of("/m/big.pth")[before:])
    fetched = sum(int(b) - int(a) + 1 for a, b in (p[6:].split("-") for p in later))
    kept = sum(b - a for a, b in done)
    assert fetched <= len(big) - kept, "completed pieces are not fetched again"
    assert not list(cache.glob("*.pieces.*"))


@pytest.mark.slow
def test_a_journal_of_another_file_version_is_not_trusted(server, cache, parallel, big):
    url = server.add("/m/big.pth", big)
    _kill_mid_download(server, cache, url, big)
    server.etags["/m/big.pth"] = "v2"  # the file changed on the server (same bytes here)
    before = requests_settled(server, "/m/big.pth")
    assert fetch(url, sha256=sha(big), file_size=len(big), progress=False).read_bytes() == big
    later = _pieces(server.ranges_of("/m/big.pth")[before:])
    fetched = sum(int(b) - int(a) + 1 for a, b in (p[6:].split("-") for p in later))
    assert fetched == len(big), "everything is fetched again"
