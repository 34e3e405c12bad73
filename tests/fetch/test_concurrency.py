"""Several real processes fetching the same file, killed downloads, lock timeouts, stale locks."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import filelock
import pytest
from _server import Fault, make_checkpoint, sha

from weighthub import LockTimeoutError, fetch, remove_cached

_CHILD = """
import json, sys, logging
logging.basicConfig(level=logging.INFO, stream=sys.stderr)
from weighthub import fetch
p = fetch(sys.argv[1], sha256=sys.argv[2], progress=False)
print(json.dumps({"path": str(p)}))
"""


def _spawn(url, digest, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, url, digest],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _started_writing(cache: Path, name: str) -> list[Path]:
    """Wait until a child process has written bytes into a partial of ``name``; return them."""
    deadline = time.monotonic() + 60
    partials: list[Path] = []
    while time.monotonic() < deadline and not partials:
        partials = [p for p in cache.glob(f"{name}.*.partial") if p.stat().st_size > 0]
        time.sleep(0.05)
    assert partials, "the child started downloading"
    return partials


@pytest.mark.slow
def test_four_processes_download_exactly_once(server, cache):
    data = make_checkpoint(n=500_000)  # ~2 MB, served slowly so the processes overlap
    url = server.add("/m/shared.pth", data)
    server.fault("/m/shared.pth", Fault("slow", delay=0.05, chunk=128 * 1024, times=-1))
    procs = [_spawn(url, sha(data)) for _ in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], results
    paths = {json.loads(out)["path"] for out, _ in results}
    assert paths == {str(cache / "shared.pth")}
    assert server.count("/m/shared.pth") == 1
    assert (cache / "shared.pth").read_bytes() == data
    waiting = [err for _, err in results if "Waiting for process" in err]
    assert waiting, "the waiting processes say whom they wait for"
    assert socket.gethostname() in waiting[0]
    assert not list(cache.glob("*.partial"))


@pytest.mark.slow
def test_killed_download_leaves_only_a_partial_and_a_fresh_load_succeeds(server, cache):
    data = make_checkpoint(n=500_000)
    url = server.add("/m/killed.pth", data)
    server.fault("/m/killed.pth", Fault("slow", delay=0.2, chunk=64 * 1024))
    proc = _spawn(url, sha(data))
    _started_writing(cache, "killed.pth")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (cache / "killed.pth").exists()
    # Loading now succeeds: the kernel released the dead process's lock; its partial is removed.
    path = fetch(url, sha256=sha(data))
    assert path.read_bytes() == data
    assert not list(cache.glob("*.partial"))
    assert server.count("/m/killed.pth") == 2


def test_a_file_leaves_the_partial_of_a_longer_name_alone(server, cache, ckpt):
    # Another process downloads net.pth.v2 while this one fetches and removes net.pth: that
    # partial is not net.pth's, whatever its name starts with.
    data = make_checkpoint(n=500_000)
    other = server.add("/m/net.pth.v2", data)
    server.fault("/m/net.pth.v2", Fault("slow", delay=0.1, chunk=64 * 1024))
    proc = _spawn(other, sha(data))
    partials = _started_writing(cache, "net.pth.v2")
    url = server.add("/m/net.pth", ckpt)
    assert fetch(url, sha256=sha(ckpt)).read_bytes() == ckpt
    removed = remove_cached("net.pth")
    assert partials[0].exists() and partials[0] not in removed
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert (cache / "net.pth.v2").read_bytes() == data


def test_lock_timeout_names_the_holder(server, cache, monkeypatch, ckpt):
    monkeypatch.setenv("WEIGHTHUB_LOCK_TIMEOUT", "0.3")
    url = server.add("/m/locked.pth", ckpt)
    cache.mkdir(parents=True)
    holder = filelock.FileLock(str(cache / "locked.pth.lock"))
    holder.acquire()
    (cache / "locked.pth.lockinfo").write_text(json.dumps({"pid": 4242, "host": "gpu-node-7"}))
    try:
        with pytest.raises(LockTimeoutError, match="process 4242 on host gpu-node-7") as info:
            fetch(url, sha256=sha(ckpt))
        assert isinstance(info.value, TimeoutError)
    finally:
        holder.release()
    assert server.count() == 0
    assert fetch(url, sha256=sha(ckpt)).read_bytes() == ckpt


def test_threads_in_one_process_download_once(server, ckpt):
    url = server.add("/m/threads.pth", ckpt)
    server.fault("/m/threads.pth", Fault("slow", delay=0.05, chunk=4096, times=-1))
    errors: list[BaseException] = []

    def run():
        try:
            fetch(url, sha256=sha(ckpt))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert server.count("/m/threads.pth") == 1


_SOFT_LOCK_HARNESS = """
import json, os, signal, sys, time
from pathlib import Path
import tqdm.auto  # imported once here rather than in every forked child
from weighthub import fetch

cache, base, digest = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
rounds, loaders = int(sys.argv[4]), int(sys.argv[5])


def child(url):
    try:
        fetch(url, sha256=digest, progress=False)
        os._exit(0)
    except BaseException as exc:
        sys.stderr.write(f"{type(exc).__name__}: {exc}\\n")
        os._exit(1)


for i in range(rounds):
    url = f"{base}/m/r{i}.pth"
    holder = os.fork()
    if holder == 0:
        child(url)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            parts = [p for p in cache.glob(f"r{i}.pth.*.partial") if p.stat().st_size > 0]
        except FileNotFoundError:
            parts = []
        if parts:
            break
        time.sleep(0.002)
    os.kill(holder, signal.SIGKILL)
    os.waitpid(holder, 0)
    go_read, go_write = os.pipe()
    kids = []
    for _ in range(loaders):
        kid = os.fork()
        if kid == 0:
            os.close(go_write)
            os.read(go_read, 1)
            child(url)
        kids.append(kid)
    os.close(go_read)
    time.sleep(0.05)
    os.write(go_write, b"g" * loaders)  # every loader starts at the same moment
    os.close(go_write)
    codes = [os.waitstatus_to_exitcode(os.waitpid(kid, 0)[1]) for kid in kids]
    report = {"round": i, "codes": codes, "holder_had_bytes": bool(parts)}
    report["seconds"] = round(time.monotonic() - deadline + 30, 2)
    print(json.dumps(report), flush=True)
"""


@pytest.mark.slow
def test_stale_soft_lock_takeover_never_races(server, cache, monkeypatch):
    """kill -9 a download holding a soft lock, then start 8 loaders at once: exactly 1 GET.

    One harness process (weighthub imported once) forks the holder and the loaders of 20 rounds,
    so the rounds stay fast on a loaded machine; each holder and loader is a real process.
    """
    rounds, loaders = 20, 8
    data = make_checkpoint(n=400_000)  # ~1.6 MB: more than one 1 MiB read buffer
    for i in range(rounds):
        server.add(f"/m/r{i}.pth", data)
        # The holder's request trickles: it is killed holding the lock, with bytes on disk.
        server.fault(f"/m/r{i}.pth", Fault("slow", delay=0.1, chunk=256 * 1024))
    cache.mkdir(parents=True)
    env = {**os.environ, "WEIGHTHUB_SOFT_LOCK": "1", "WEIGHTHUB_LOCK_TIMEOUT": "30"}
    args = [str(cache), server.base, sha(data), str(rounds), str(loaders)]
    done = subprocess.run(
        [sys.executable, "-c", _SOFT_LOCK_HARNESS, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    reports = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(reports) == rounds, done.stderr[-3000:]
    for report in reports:
        i = report["round"]
        assert report["holder_had_bytes"], f"round {i}: the holder was killed mid-download"
        assert report["codes"] == [0] * loaders, (i, done.stderr[-3000:])
        # The killed holder's GET, then exactly one loader's.
        assert server.count(f"/m/r{i}.pth") == 2, f"round {i}: {server.count(f'/m/r{i}.pth')}"
        assert (cache / f"r{i}.pth").read_bytes() == data
    assert not list(cache.glob("*.partial"))
