"""``WEIGHTHUB_DISTRIBUTED=broadcast`` under a real ``torchrun`` (4 ranks, gloo, loopback server).

Each rank has its own cache folder (nodes without a shared file system), so without broadcast the
job makes 4 GETs; with it, rank 0 downloads once and sends the verified bytes to the others.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _server import Fault, make_checkpoint, sha

import weighthub

SCRIPT = Path(__file__).with_name("_torchrun_fetch.py")
RANKS = 4
# Generous: 4 processes importing torch on a loaded 2-core machine. Not a timing assertion.
RUN_TIMEOUT = 300


def torchrun(tmp_path: Path, urls: list[str], shas: list[str], **env: str) -> tuple[int, list]:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    for old in out.iterdir():
        old.unlink()
    full_env = {
        **os.environ,
        "WH_TEST_HOMES": str(tmp_path / "homes"),
        "WH_TEST_OUT": str(out),
        "WH_TEST_URL": " ".join(urls),
        "WH_TEST_SHA": " ".join(shas),
        "OMP_NUM_THREADS": "1",
        **env,
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc_per_node",
            str(RANKS),
            "--monitor_interval",
            "0.5",
            str(SCRIPT),
        ],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    results = []
    for rank in range(RANKS):
        path = out / f"rank{rank}.json"
        results.append(json.loads(path.read_text()) if path.exists() else None)
    return proc.returncode, results


def home(tmp_path: Path, rank: int) -> Path:
    return tmp_path / "homes" / f"rank{rank}"


@pytest.fixture
def big(server):
    # Several broadcast chunks (WEIGHTHUB_BROADCAST_CHUNK is set to 256 KiB below).
    data = make_checkpoint(seed=3, n=300_000)
    return server.add("/w/big-net.pth", data), data


pytestmark = pytest.mark.slow


def test_one_get_four_verified_files(server, big, tmp_path):
    url, data = big
    code, results = torchrun(
        tmp_path,
        [url],
        [sha(data)],
        WEIGHTHUB_DISTRIBUTED="broadcast",
        WEIGHTHUB_BROADCAST_CHUNK=str(256 * 1024),
    )
    assert code == 0, results
    assert server.count("/w/big-net.pth") == 1
    for rank, result in enumerate(results):
        [got] = result["files"]
        path = home(tmp_path, rank) / "checkpoints" / "big-net.pth"
        assert got == {"path": str(path), "sha256": sha(data)}
        assert path.read_bytes() == data
        record = json.loads(Path(str(path) + ".weighthub.json").read_text())
        assert record["sha256"] == sha(data) and record["verified"] is True
        assert not [p for p in path.parent.iterdir() if p.name.endswith(".partial")]


def test_without_the_setting_every_rank_downloads(server, big, tmp_path):
    url, data = big
    code, results = torchrun(tmp_path, [url], [sha(data)])
    assert code == 0, results
    assert server.count("/w/big-net.pth") == RANKS


def test_set_distributed_from_python(server, big, tmp_path):
    url, data = big
    code, results = torchrun(tmp_path, [url], [sha(data)], WH_TEST_SET_FROM_PYTHON="1")
    assert code == 0, results
    assert server.count("/w/big-net.pth") == 1


def test_rank0_failure_raises_the_same_error_everywhere(server, tmp_path):
    data = make_checkpoint(seed=4)
    url = server.add("/w/gone-net.pth", data)
    server.fault("/w/gone-net.pth", Fault("status", status=404, times=-1))
    code, results = torchrun(tmp_path, [url], [sha(data)], WEIGHTHUB_DISTRIBUTED="broadcast")
    assert code != 0
    errors = [r["error"] for r in results]
    assert {e["type"] for e in errors} == {"WeightsDownloadError"}
    assert len({e["message"] for e in errors}) == 1
    assert "404" in errors[0]["message"] and url in errors[0]["message"]
    assert server.count("/w/gone-net.pth") == 1  # only rank 0 asked
    for rank in range(RANKS):
        folder = home(tmp_path, rank) / "checkpoints"
        assert not (folder / "gone-net.pth").exists()


def test_rank0_integrity_failure_keeps_nothing(server, tmp_path):
    data = make_checkpoint(seed=5)
    url = server.add("/w/bad-net.pth", data)
    code, results = torchrun(tmp_path, [url], ["0" * 64], WEIGHTHUB_DISTRIBUTED="broadcast")
    assert code != 0
    assert {r["error"]["type"] for r in results} == {"IntegrityError"}
    for rank in range(RANKS):
        folder = home(tmp_path, rank) / "checkpoints"
        assert not (folder / "bad-net.pth").exists()


def test_a_rank_that_does_not_fetch_makes_the_others_time_out(server, big, tmp_path):
    url, data = big
    code, results = torchrun(
        tmp_path,
        [url],
        [sha(data)],
        WEIGHTHUB_DISTRIBUTED="broadcast",
        WEIGHTHUB_LOCK_TIMEOUT="5",
        WH_TEST_SKIP_RANK="3",
        WH_TEST_SKIP_SLEEP="40",
    )
    assert code != 0
    for result in results[:3]:
        assert result["error"]["type"] == "LockTimeoutError", result
        assert "every rank must fetch the same files" in result["error"]["message"]
    assert results[3] is None  # still asleep when torchrun stopped the failed job


def test_a_rank_that_cannot_look_fails_every_rank_at_once(server, big, tmp_path):
    url, data = big
    code, results = torchrun(
        tmp_path, [url], [sha(data)], WEIGHTHUB_DISTRIBUTED="broadcast", WH_TEST_BAD_LAYER_RANK="2"
    )
    assert code != 0
    assert results[2]["error"]["type"] == "CachePathError"
    own = results[2]["error"]["message"]
    assert "WEIGHTHUB_CACHE_PATH" in own
    for rank in (0, 1, 3):
        assert results[rank]["error"]["type"] == "WeightsDownloadError"
        message = results[rank]["error"]["message"]
        assert "Rank 2 failed before the ranks could fetch" in message
        assert message.endswith(f"Rank 2's error: CachePathError: {own}")
    assert server.count("/w/big-net.pth") == 0


def _lockfile(path: Path, url: str, data: bytes) -> Path:
    name = url.rsplit("/", 1)[1]
    path.write_text(
        f'version = 1\n\n[[file]]\nurl = "{url}"\nname = "{name}"\nsize = {len(data)}\n'
        f'sha256 = "{sha(data)}"\n',
        encoding="utf-8",
    )
    return path


def test_a_rank_whose_lockfile_lacks_the_entry_stops_every_rank_at_once(server, big, tmp_path):
    url, data = big
    other = server.add("/w/other-net.pth", make_checkpoint(seed=8))
    locks = tmp_path / "locks"
    locks.mkdir()
    for rank in range(RANKS):
        # Rank 2's lockfile pins another file only: its fetch fails before the collective.
        locked = (other, make_checkpoint(seed=8)) if rank == 2 else (url, data)
        _lockfile(locks / f"rank{rank}.lock", *locked)
    code, results = torchrun(
        tmp_path,
        [url],
        [sha(data)],
        WEIGHTHUB_DISTRIBUTED="broadcast",
        WH_TEST_LOCK=str(locks / "rank{rank}.lock"),
        # Short, so that a rank left waiting would fail with LockTimeoutError within the test.
        WEIGHTHUB_LOCK_TIMEOUT="20",
    )
    assert code != 0
    assert results[2]["error"]["type"] == "NotInLockfileError"
    own = results[2]["error"]["message"]
    assert str(locks / "rank2.lock") in own
    for rank in (0, 1, 3):
        assert results[rank]["error"]["type"] == "WeightsDownloadError", results[rank]
        assert results[rank]["error"]["message"].endswith(f"NotInLockfileError: {own}")
    assert server.count("/w/big-net.pth") == 0


def test_ranks_fetching_different_files_of_one_name_all_fail(server, tmp_path):
    for rank in range(RANKS):
        server.add(f"/w/r{rank}/model.pth", make_checkpoint(seed=20 + rank))
    url = server.base + "/w/r{rank}/model.pth"
    code, results = torchrun(tmp_path, [url], ["-"], WEIGHTHUB_DISTRIBUTED="broadcast")
    assert code != 0
    for result in results:
        error = result["error"]
        assert error["type"] == "RankMismatchError", result
        assert f"rank 1 fetches {server.base}/w/r1/model.pth with no hash" in error["message"]
        assert f"rank 0 fetches {server.base}/w/r0/model.pth with no hash" in error["message"]
    for rank in range(RANKS):
        assert server.count(f"/w/r{rank}/model.pth") == 0
        assert not (home(tmp_path, rank) / "checkpoints" / "model.pth").exists()


def test_a_rank0_error_longer_than_any_frame_reaches_every_rank_intact(server, tmp_path):
    data = make_checkpoint(seed=9)
    # A query string so long that the server answers 414: rank 0's error quotes the whole URL.
    url = server.add("/w/long-net.pth", data) + "?" + "q" * 70_000
    code, results = torchrun(tmp_path, [url], [sha(data)], WEIGHTHUB_DISTRIBUTED="broadcast")
    assert code != 0
    errors = [r["error"] for r in results]
    assert {e["type"] for e in errors} == {"WeightsDownloadError"}
    assert len({e["message"] for e in errors}) == 1
    assert len(errors[0]["message"].encode()) > 64 * 1024
    assert "HTTP 414" in errors[0]["message"] and url in errors[0]["message"]


def _warm(tmp_path: Path, rank: int, url: str, digest: str, monkeypatch) -> Path:
    monkeypatch.setenv("WEIGHTHUB_HOME", str(home(tmp_path, rank)))
    return weighthub.fetch(url, sha256=digest, progress=False)


def test_warm_and_cold_ranks(server, big, tmp_path, monkeypatch):
    url, data = big
    other = make_checkpoint(seed=6)
    url2 = server.add("/w/other-net.pth", other)
    # Ranks 1 and 3 already hold big-net; rank 0 holds other-net; rank 2 holds nothing.
    warm = {rank: _warm(tmp_path, rank, url, sha(data), monkeypatch) for rank in (1, 3)}
    _warm(tmp_path, 0, url2, sha(other), monkeypatch)
    before = {rank: p.stat().st_mtime_ns for rank, p in warm.items()}
    gets_before = (server.count("/w/big-net.pth"), server.count("/w/other-net.pth"))
    code, results = torchrun(
        tmp_path, [url, url2], [sha(data), sha(other)], WEIGHTHUB_DISTRIBUTED="broadcast"
    )
    assert code == 0, results
    # big-net: rank 0 is cold and downloads once; other-net: rank 0 is warm, so no GET at all.
    assert server.count("/w/big-net.pth") - gets_before[0] == 1
    assert server.count("/w/other-net.pth") - gets_before[1] == 0
    for result in results:
        assert [f["sha256"] for f in result["files"]] == [sha(data), sha(other)]
    assert {rank: p.stat().st_mtime_ns for rank, p in warm.items()} == before

    # Everybody warm now: no GET, no transfer.
    code, results = torchrun(
        tmp_path, [url, url2], [sha(data), sha(other)], WEIGHTHUB_DISTRIBUTED="broadcast"
    )
    assert code == 0, results
    assert server.count("/w/big-net.pth") - gets_before[0] == 1


def test_shared_cache_one_get(server, big, tmp_path):
    url, data = big
    shared = tmp_path / "shared"
    code, results = torchrun(
        tmp_path,
        [url],
        [sha(data)],
        WEIGHTHUB_DISTRIBUTED="broadcast",
        WH_TEST_SHARED_HOME=str(shared),
    )
    assert code == 0, results
    assert server.count("/w/big-net.pth") == 1
    assert {r["files"][0]["path"] for r in results} == {str(shared / "checkpoints" / "big-net.pth")}


def test_unknown_mode_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("WEIGHTHUB_DISTRIBUTED", "broadcsat")
    with pytest.raises(ValueError, match=r"WEIGHTHUB_DISTRIBUTED='broadcsat'.*'broadcast'\?"):
        weighthub.fetch("http://127.0.0.1:9/x-12345678.pth")
    with pytest.raises(ValueError, match="set_distributed"):
        weighthub.set_distributed("all")


def test_broadcast_without_process_group_falls_back_with_a_warning(server, cache):
    data = make_checkpoint(seed=7)
    url = server.add("/w/solo-net.pth", data)
    code = f"""
import warnings, torch, weighthub
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    path = weighthub.fetch({url!r}, sha256={sha(data)!r}, progress=False)
print(path)
print("|".join(str(w.message) for w in caught))
"""
    env = {**os.environ, "WEIGHTHUB_DISTRIBUTED": "broadcast"}
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT
    )
    assert proc.returncode == 0, proc.stderr
    path, messages = proc.stdout.splitlines()
    assert path == str(cache / "solo-net.pth")
    assert "WEIGHTHUB_DISTRIBUTED=broadcast, but no torch.distributed process group" in messages
