"""One HTTP client for every request: the same headers, failures and waits, seen by a real server.

The single stream, the range probe and the pieces of a multi-connection download are opened by the
same client, so the loopback server sees the same ``User-Agent`` on each, and a server's wait
(``Retry-After``, the IETF ``RateLimit`` fields) on a 429 or 503 sets the retry delay the same way
on both paths. The waits are read from the message of a download that gives up because the wait
would pass ``WEIGHTHUB_RETRY_MAX_TIME``, so no test sleeps them.
"""

from __future__ import annotations

import logging
from importlib.metadata import version

import pytest
from _server import Fault, make_checkpoint, sha

from weighthub import WeightsDownloadError, fetch


@pytest.fixture
def big() -> bytes:
    return make_checkpoint(n=600_000)  # ~2.4 MB: a probe, then 1 MiB pieces


def test_every_request_says_weighthub_and_its_version(server, parallel, ckpt, big):
    small_url = server.add("/m/small.pth", ckpt)
    fetch(small_url, sha256=sha(ckpt), progress=False)
    big_url = server.add("/m/big.pth", big)
    fetch(big_url, sha256=sha(big), file_size=len(big), progress=False)
    single = server.headers_of("/m/small.pth")
    probe, *pieces = server.headers_of("/m/big.pth")
    assert [h.get("Range") for h in single] == [None]
    assert probe["Range"] == "bytes=0-0" and len(pieces) >= 3
    agent = f"weighthub/{version('weighthub')}"
    for headers in [*single, probe, *pieces]:
        assert headers["User-Agent"] == agent
        assert headers["Accept-Encoding"] == "identity"


# (headers of the answer, the wait they ask for)
_WAITS = {
    "retry-after": ({"Retry-After": "87"}, 87.0),
    "ratelimit": ({"RateLimit": '"burst";r=3;t=5, "daily";r=0;t=87'}, 87.0),
    "ratelimit-draft": ({"RateLimit": "limit=100, remaining=0, reset=87"}, 87.0),
    "ratelimit-reset": ({"RateLimit-Remaining": "0", "RateLimit-Reset": "87"}, 87.0),
}


def _fail_after_probe(server, path, fault, *, pieces):
    if pieces:
        server.fault(path, Fault("pass"))  # the probe is answered; every piece then fails
    server.fault(path, fault)


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("pieces", [False, True], ids=["one-stream", "pieces"])
@pytest.mark.parametrize("form", list(_WAITS))
def test_the_servers_wait_sets_the_retry_delay_on_both_paths(
    server, parallel, monkeypatch, big, form, pieces, status
):
    headers, wait = _WAITS[form]
    monkeypatch.setenv("WEIGHTHUB_RETRY_MAX_TIME", "30")
    url = server.add("/m/big.pth", big)
    fault = Fault("status", status=status, headers=headers, times=-1)
    _fail_after_probe(server, "/m/big.pth", fault, pieces=pieces)
    size = len(big) if pieces else None  # with a declared size the pieces start at once
    with pytest.raises(WeightsDownloadError) as info:
        fetch(url, sha256=sha(big), file_size=size, progress=False)
    message = str(info.value)
    assert f"HTTP {status}" in message
    assert f"the next one in {wait:.1f} s would pass WEIGHTHUB_RETRY_MAX_TIME=30" in message
    ranges = server.ranges_of("/m/big.pth")
    assert ranges[0] == ("bytes=0-0" if pieces else None)
    assert all(r is not None for r in ranges) == pieces


@pytest.mark.parametrize("pieces", [False, True], ids=["one-stream", "pieces"])
@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (500, {"Retry-After": "87"}),  # a wait is read on 429 and 503 only
        (429, {"RateLimit": '"default";r=5;t=87'}),  # requests are left: no wait
        (503, {"RateLimit-Remaining": "5", "RateLimit-Reset": "87"}),
        (429, {"Retry-After": "soon", "RateLimit": '"default";r=0;t=-3'}),  # unreadable
    ],
)
def test_no_usable_wait_means_the_usual_back_off(
    server, parallel, monkeypatch, big, status, headers, pieces
):
    monkeypatch.setenv("WEIGHTHUB_RETRIES", "2")
    url = server.add("/m/big.pth", big)
    fault = Fault("status", status=status, headers=headers, times=-1)
    _fail_after_probe(server, "/m/big.pth", fault, pieces=pieces)
    size = len(big) if pieces else None
    with pytest.raises(WeightsDownloadError, match=r"gave up after 2 retries") as info:
        fetch(url, sha256=sha(big), file_size=size, progress=False)
    assert f"HTTP {status}" in str(info.value)
    assert "would pass WEIGHTHUB_RETRY_MAX_TIME" not in str(info.value)


def test_a_piece_waits_as_long_as_ratelimit_asks_then_finishes(server, parallel, caplog, big):
    caplog.set_level(logging.WARNING, logger="weighthub")
    url = server.add("/m/big.pth", big)
    limited = {"RateLimit": '"default";r=0;t=1', "RateLimit-Policy": '"default";q=10;w=1'}
    fault = Fault("status", status=429, headers=limited)
    _fail_after_probe(server, "/m/big.pth", fault, pieces=True)
    assert fetch(url, sha256=sha(big), file_size=len(big), progress=False).read_bytes() == big
    retried = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
    assert len(retried) == 1 and "HTTP 429" in retried[0], retried
    assert "retrying in 1.0 s" in retried[0]  # not the 0.01 s back-off of the tests


def test_the_probe_reads_only_the_byte_it_asked_for(server, parallel, big):
    url = server.add("/m/big.pth", big)
    # A 206 "bytes 0-0/N" without a length, then an endless body: the probe must not read it.
    server.fault("/m/big.pth", Fault("length", length=None, after=1, extra=-1))
    assert fetch(url, sha256=sha(big), file_size=len(big), progress=False).read_bytes() == big
    ranges = server.ranges_of("/m/big.pth")
    assert ranges[0] == "bytes=0-0" and len(ranges) >= 4, ranges
    assert None not in ranges, "the pieces went on after the probe"
