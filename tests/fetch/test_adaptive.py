"""A large file starts as one stream and hands over to several connections only when it runs slow.

The loopback server's "slow" fault holds the first answer to about 3 MB/s (64 KiB every 20 ms), as
a long-distance link holds one TCP stream; the requests after it are served at full speed, so a
hand-over shows in the ranges the server was asked for.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import subprocess
import sys

import pytest
from _server import Fault, kill_once_journaled, make_checkpoint, requests_settled, sha

from weighthub import fetch


def _slow() -> Fault:
    return Fault("slow", delay=0.02, chunk=64 * 1024)


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> bytes:
    """A ~6 MB checkpoint that counts as large (WEIGHTHUB_PARALLEL_MIN=1 MB), 4 connections."""
    monkeypatch.setenv("WEIGHTHUB_PARALLEL_MIN", "1000000")
    monkeypatch.setenv("WEIGHTHUB_CONNECTIONS", "4")
    return make_checkpoint(n=1_500_000)


def _spans(ranges: list[str | None]) -> list[tuple[int, int]]:
    spans = []
    for header in ranges:
        if header is None or header == "bytes=0-0":
            continue
        first, last = header.removeprefix("bytes=").split("-")
        spans.append((int(first), int(last) + 1))
    return sorted(spans)


def test_a_slow_stream_hands_over_its_bytes_to_several_connections(server, cache, large, caplog):
    url = server.add("/m/large.pth", large)
    server.fault("/m/large.pth", _slow())
    with caplog.at_level(logging.INFO, logger="weighthub"):
        path = fetch(url, sha256=sha(large), progress=False)
    assert path.read_bytes() == large
    ranges = server.ranges_of("/m/large.pth")
    assert ranges[:2] == [None, "bytes=0-0"], "one stream first, then a probe when it runs slow"
    spans = _spans(ranges)
    assert len(spans) >= 2
    handed_over = spans[0][0]
    assert 0 < handed_over < len(large), "the stream's bytes are kept, not fetched again"
    assert sum(end - start for start, end in spans) == len(large) - handed_over
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), "no byte is fetched twice"
    assert f"continuing from byte {handed_over} over 4 connections" in caplog.text
    assert not list(cache.glob("*.partial")) and not list(cache.glob("*.pieces.json"))
    record = json.loads((cache / "large.pth.weighthub.json").read_text())
    assert record["verified"] is True and record["size"] == len(large)


def test_a_stream_faster_than_the_threshold_stays_alone(server, large, monkeypatch):
    monkeypatch.setenv("WEIGHTHUB_PARALLEL_BELOW", "0.5")  # MB/s: the ~3 MB/s stream is fast
    url = server.add("/m/large.pth", large)
    server.fault("/m/large.pth", _slow())
    assert fetch(url, sha256=sha(large), progress=False).read_bytes() == large
    assert server.ranges_of("/m/large.pth") == [None]


def test_zero_never_switches(server, large, monkeypatch):
    monkeypatch.setenv("WEIGHTHUB_PARALLEL_BELOW", "0")
    url = server.add("/m/large.pth", large)
    server.fault("/m/large.pth", _slow())
    assert fetch(url, sha256=sha(large), progress=False).read_bytes() == large
    assert server.ranges_of("/m/large.pth") == [None]


def test_a_server_that_does_not_advertise_ranges_is_not_probed(server, large):
    url = server.add("/m/large.pth", large)
    server.fault("/m/large.pth", Fault("slow", delay=0.02, headers={"Accept-Ranges": "none"}))
    assert fetch(url, sha256=sha(large), progress=False).read_bytes() == large
    assert server.ranges_of("/m/large.pth") == [None], "no probe: it would start a second answer"


def test_a_slow_stream_without_ranges_goes_on_alone(server, large):
    """The server advertises ranges but answers the probe with a 200."""
    url = server.add("/m/large.pth", large)
    server.fault("/m/large.pth", _slow())
    server.fault("/m/large.pth", Fault("ignore_range", times=-1))  # the probe gets a 200
    assert fetch(url, sha256=sha(large), progress=False).read_bytes() == large
    assert server.ranges_of("/m/large.pth") == [None, "bytes=0-0"], "asked once, then carried on"


def test_a_failed_probe_leaves_the_stream_alone(server, cache, large):
    url = server.add("/m/large.pth", large)
    server.fault("/m/large.pth", _slow())
    server.fault("/m/large.pth", Fault("status", status=503))  # the probe
    assert fetch(url, sha256=sha(large), progress=False).read_bytes() == large
    assert server.ranges_of("/m/large.pth") == [None, "bytes=0-0"]
    assert not list(cache.glob("*.partial")) and not list(cache.glob("*.pieces.*"))


_CHILD = """
import sys
from weighthub import fetch
fetch(sys.argv[1], sha256=sys.argv[2], progress=False)
"""


@pytest.mark.slow
def test_a_process_killed_after_the_hand_over_leaves_a_download_to_continue(server, cache, large):
    """The journal is written at the switch: the stream's bytes are not fetched again."""
    url = server.add("/m/large.pth", large)
    server.fault("/m/large.pth", Fault("slow", delay=0.02, chunk=64 * 1024, times=-1))
    child = subprocess.Popen([sys.executable, "-c", _CHILD, url, sha(large)], env=dict(os.environ))
    done = kill_once_journaled(child, cache / "large.pth.pieces.json")
    server.faults.clear()
    assert done[0][0] == 0 and done[0][1] > 0, "the stream's bytes are in the journal"
    before = requests_settled(server, "/m/large.pth")
    assert fetch(url, sha256=sha(large), progress=False).read_bytes() == large
    later = _spans(server.ranges_of("/m/large.pth")[before:])
    assert later, "the rest came in pieces"
    assert min(start for start, _ in later) >= done[0][1], "no byte of the stream fetched again"
    assert not list(cache.glob("*.pieces.*")) and not list(cache.glob("*.partial"))


def test_the_threshold_must_be_a_number(server, large, monkeypatch):
    monkeypatch.setenv("WEIGHTHUB_PARALLEL_BELOW", "fast")
    url = server.add("/m/large.pth", large)
    with pytest.raises(ValueError, match="WEIGHTHUB_PARALLEL_BELOW='fast'"):
        fetch(url, sha256=sha(large), progress=False)


@pytest.mark.parametrize(("n", "hands_over"), [(2_097_152, True), (2_090_000, False)])
def test_the_default_threshold_is_8_mib(server, n, hands_over, monkeypatch):
    # No WEIGHTHUB_PARALLEL_MIN: a file just over 8 MiB (most torchvision files are 14-100 MB)
    # hands a slow stream over; one just under stays one stream however slow.
    monkeypatch.delenv("WEIGHTHUB_PARALLEL_MIN", raising=False)
    data = make_checkpoint(n=n)
    assert (len(data) >= 8 << 20) is hands_over
    url = server.add("/m/default.pth", data)
    server.fault("/m/default.pth", _slow())
    assert fetch(url, sha256=sha(data), progress=False).read_bytes() == data
    ranges = server.ranges_of("/m/default.pth")
    assert (len(ranges) > 1) is hands_over, ranges
