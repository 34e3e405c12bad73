"""One file = one version (issue 19, points 2 and 3).

The loopback server changes a file between two requests of one download (``Fault.then`` with
``server.replace``): a resume, a piece and the hand-over ask for the first answer's version
(``If-Range``) and compare validators, so a change starts the file again from byte 0, with or
without a declared hash; the cached file is never stitched from two versions. Journal edge cases
and bounded reads of every answer are here too.
"""

from __future__ import annotations

import json
import logging
import os

import pytest
from _server import Fault, make_checkpoint, sha

from weighthub import IntegrityError, fetch


@pytest.fixture
def big() -> bytes:
    return make_checkpoint(n=1_500_000)  # ~6 MB: several 1 MiB pieces


@pytest.fixture
def newer() -> bytes:
    return make_checkpoint(seed=7, n=1_500_000)  # the same size, other bytes


def _if_ranges(server, path: str) -> list[str | None]:
    return [r.header("If-Range") for r in server.requests if r.path == path and r.method == "GET"]


# -- one stream ----------------------------------------------------------------------------------


def test_a_resume_asks_for_the_first_answers_version(server, ckpt):
    url = server.add("/m/net.pth", ckpt)
    server.fault("/m/net.pth", Fault("drop", after=5000))
    assert fetch(url, sha256=sha(ckpt), progress=False).read_bytes() == ckpt
    assert server.ranges_of("/m/net.pth") == [None, "bytes=5000-"]
    assert _if_ranges(server, "/m/net.pth") == [None, '"v1"']


@pytest.mark.parametrize("declared", [False, True], ids=["no-hash", "hash-of-new"])
def test_a_file_changed_before_the_resume_starts_again_from_zero(
    server, cache, big, newer, declared
):
    url = server.add("/m/big.pth", big)
    swap = Fault("drop", after=300_000, then=lambda: server.replace("/m/big.pth", newer))
    server.fault("/m/big.pth", swap)
    digest = {"sha256": sha(newer)} if declared else {"check_hash": False}
    path = fetch(url, progress=False, **digest)
    assert path.read_bytes() == newer, "no byte of the first version is kept"
    ranges = server.ranges_of("/m/big.pth")
    assert ranges[:2] == [None, "bytes=300000-"] and ranges[-1] is None, ranges
    record = json.loads((cache / "big.pth.weighthub.json").read_text())
    assert record["sha256"] == sha(newer)


def test_a_server_ignoring_if_range_is_caught_by_its_etag(server, big, newer):
    url = server.add("/m/big.pth", big)
    swap = Fault("drop", after=300_000, then=lambda: server.replace("/m/big.pth", newer))
    server.fault("/m/big.pth", swap)
    server.fault("/m/big.pth", Fault("ignore_if_range"))  # answers 206 of the new version
    assert fetch(url, check_hash=False, progress=False).read_bytes() == newer
    assert server.ranges_of("/m/big.pth") == [None, "bytes=300000-", None]


# -- pieces --------------------------------------------------------------------------------------


def test_every_piece_asks_for_the_probes_version(server, parallel, big):
    url = server.add("/m/big.pth", big)
    fetch(url, file_size=len(big), sha256=sha(big), progress=False)
    asked = _if_ranges(server, "/m/big.pth")
    assert asked[0] is None and len(asked) > 2 and set(asked[1:]) == {'"v1"'}


@pytest.mark.parametrize("declared", [False, True], ids=["no-hash", "hash-of-first"])
def test_a_file_changed_during_the_pieces_is_fetched_again_as_one_stream(
    server, cache, parallel, caplog, big, newer, declared
):
    url = server.add("/m/big.pth", big)
    server.fault("/m/big.pth", Fault("pass", then=lambda: server.replace("/m/big.pth", newer)))
    caplog.set_level(logging.WARNING, logger="weighthub")
    if declared:
        with pytest.raises(IntegrityError, match="sha256"):
            fetch(url, sha256=sha(big), file_size=len(big), progress=False)
        assert not (cache / "big.pth").exists()
    else:
        path = fetch(url, file_size=len(big), check_hash=False, progress=False)
        assert path.read_bytes() == newer, "the pieces of two versions were not stitched"
    assert server.ranges_of("/m/big.pth")[-1] is None, "one stream from byte 0 at the end"
    assert "changed on the server" in caplog.text and "as one stream" in caplog.text
    assert not list(cache.glob("big.pth.pieces.*")) and not list(cache.glob("*.partial"))


def test_pieces_of_another_etag_are_refused_too(server, parallel, big, newer):
    url = server.add("/m/big.pth", big)
    server.fault("/m/big.pth", Fault("pass", then=lambda: server.replace("/m/big.pth", newer)))
    server.fault("/m/big.pth", Fault("ignore_if_range", times=-1))
    assert fetch(url, file_size=len(big), check_hash=False, progress=False).read_bytes() == newer


def test_pieces_answered_200_after_a_206_probe_fall_back_to_one_stream(
    server, cache, parallel, caplog, big
):
    url = server.add("/m/big.pth", big)
    server.fault("/m/big.pth", Fault("pass"))  # the probe gets its 206
    server.fault("/m/big.pth", Fault("ignore_range", times=4))  # the first pieces get 200
    caplog.set_level(logging.WARNING, logger="weighthub")
    assert fetch(url, sha256=sha(big), file_size=len(big), progress=False).read_bytes() == big
    assert "answered 200" in caplog.text and "as one stream" in caplog.text
    assert server.ranges_of("/m/big.pth")[-1] is None
    assert not list(cache.glob("big.pth.pieces.*"))


def test_a_piece_reads_no_more_than_its_range(server, parallel, big):
    url = server.add("/m/big.pth", big)
    server.fault("/m/big.pth", Fault("pass"))
    # The first piece announces no length and then streams without end.
    server.fault("/m/big.pth", Fault("length", length=None, extra=-1))
    assert fetch(url, sha256=sha(big), file_size=len(big), progress=False).read_bytes() == big


def test_the_hand_over_probe_of_another_version_leaves_the_stream_alone(
    server, cache, monkeypatch, big, newer
):
    monkeypatch.setenv("WEIGHTHUB_PARALLEL_MIN", "1000000")
    monkeypatch.setenv("WEIGHTHUB_CONNECTIONS", "4")
    url = server.add("/m/big.pth", big)
    slow = Fault("slow", delay=0.02, then=lambda: server.replace("/m/big.pth", newer))
    server.fault("/m/big.pth", slow)
    path = fetch(url, check_hash=False, progress=False)
    assert path.read_bytes() == big, "the one answer's version, whole"
    ranges = server.ranges_of("/m/big.pth")
    assert ranges == [None, "bytes=0-0"], "probed with If-Range, answered 200: no hand-over"
    assert _if_ranges(server, "/m/big.pth")[1] == '"v1"'


# -- the journal ---------------------------------------------------------------------------------


def _journal(url: str, data: bytes, done: list[list[int]]) -> str:
    info = {"url": url, "size": len(data), "etag": '"v1"', "last_modified": None, "done": done}
    return json.dumps(info)


def test_a_journal_claiming_bytes_the_partial_lacks_is_dropped_with_a_warning(
    server, cache, parallel, caplog, big
):
    url = server.add("/m/big.pth", big)
    cache.mkdir(parents=True)
    partial = cache / "big.pth.pieces.partial"
    with partial.open("wb") as f:  # a partial of the right size that holds nothing: all holes
        f.truncate(len(big))
    (cache / "big.pth.pieces.json").write_text(_journal(url, big, [[0, len(big)]]))
    caplog.set_level(logging.WARNING, logger="weighthub")
    assert fetch(url, sha256=sha(big), file_size=len(big), progress=False).read_bytes() == big
    assert "claims bytes its partial does not hold" in caplog.text


def test_a_continued_download_failing_its_hash_starts_again_from_zero(
    server, cache, parallel, caplog, big
):
    """A journal that lies over written bytes: the hash finds it; the server is not blamed."""
    url = server.add("/m/big.pth", big)
    cache.mkdir(parents=True)
    (cache / "big.pth.pieces.partial").write_bytes(b"\xee" * len(big))
    (cache / "big.pth.pieces.json").write_text(_journal(url, big, [[0, len(big) // 2]]))
    caplog.set_level(logging.WARNING, logger="weighthub")
    assert fetch(url, sha256=sha(big), file_size=len(big), progress=False).read_bytes() == big
    assert "the journal or the partial was wrong" in caplog.text
    pieces = [r for r in server.ranges_of("/m/big.pth") if r and r != "bytes=0-0"]
    assert any(r.startswith("bytes=0-") for r in pieces), "fetched again from byte 0"


def test_a_journal_of_thousands_of_tiny_ranges_costs_a_few_requests(server, cache, parallel, big):
    url = server.add("/m/big.pth", big)
    cache.mkdir(parents=True)
    done = [[i * 3000, i * 3000 + 1000] for i in range(2000)]  # 2,000 ranges of 1,000 bytes
    with (cache / "big.pth.pieces.partial").open("wb") as f:
        for a, b in done:
            f.seek(a)
            f.write(big[a:b])
    (cache / "big.pth.pieces.json").write_text(_journal(url, big, done))
    assert fetch(url, sha256=sha(big), file_size=len(big), progress=False).read_bytes() == big
    assert len(server.ranges_of("/m/big.pth")) < 20


def test_one_stream_finishing_a_parallel_download_removes_its_side_files(
    server, cache, parallel, monkeypatch, big
):
    url = server.add("/m/big.pth", big)
    cache.mkdir(parents=True)
    (cache / "big.pth.pieces.partial").write_bytes(big[: len(big) // 2])
    (cache / "big.pth.pieces.json").write_text(_journal(url, big, [[0, len(big) // 2]]))
    monkeypatch.setenv("WEIGHTHUB_CONNECTIONS", "1")  # a one-connection process finishes it
    assert fetch(url, sha256=sha(big), file_size=len(big), progress=False).read_bytes() == big
    assert server.ranges_of("/m/big.pth") == [None]
    assert sorted(p.name for p in cache.iterdir()) == ["big.pth", "big.pth.weighthub.json"]


def test_pieces_finishing_leave_no_single_stream_partial(server, cache, parallel, big):
    url = server.add("/m/big.pth", big)
    cache.mkdir(parents=True)
    dead = cache / "big.pth.999999999.0badf00d.partial"  # a dead process's single stream
    dead.write_bytes(big[:1000])
    assert fetch(url, sha256=sha(big), file_size=len(big), progress=False).read_bytes() == big
    assert sorted(p.name for p in cache.iterdir()) == ["big.pth", "big.pth.weighthub.json"]
    assert os.path.exists(cache / "big.pth")
