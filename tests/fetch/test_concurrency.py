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

from weighthub._errors import LockTimeoutError
from weighthub._fetch import fetch

_CHILD = """
import json, sys, logging
logging.basicConfig(level=logging.INFO, stream=sys.stderr)
from weighthub._fetch import fetch
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
    deadline = time.monotonic() + 60
    partials: list[Path] = []
    while time.monotonic() < deadline:
        partials = [p for p in cache.glob("killed.pth.*.partial") if p.stat().st_size > 0]
        if partials:
            break
        time.sleep(0.05)
    assert partials, "the child started downloading"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (cache / "killed.pth").exists()
    # Loading now succeeds: the kernel released the dead process's lock; its partial is removed.
    path = fetch(url, sha256=sha(data))
    assert path.read_bytes() == data
    assert not list(cache.glob("*.partial"))
    assert server.count("/m/killed.pth") == 2


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


def test_stale_soft_lock_of_a_dead_process_is_removed(server, cache, monkeypatch, ckpt):
    monkeypatch.setenv("WEIGHTHUB_SOFT_LOCK", "1")
    monkeypatch.setenv("WEIGHTHUB_LOCK_TIMEOUT", "5")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    cache.mkdir(parents=True)
    (cache / "soft.pth.lock").write_text("")
    info = {"pid": dead.pid, "host": socket.gethostname(), "since": 0}
    (cache / "soft.pth.lockinfo").write_text(json.dumps(info))
    url = server.add("/m/soft.pth", ckpt)
    start = time.monotonic()
    assert fetch(url, sha256=sha(ckpt)).read_bytes() == ckpt
    assert time.monotonic() - start < 4
