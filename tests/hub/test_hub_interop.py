"""One cache with huggingface_hub: the real huggingface_hub 2.4.0 in both directions and at once.

huggingface_hub reads its settings when it is imported, so each of its clients is a fresh Python
(``hf``), as are weighthub's concurrent loads (``_start``); all of them share the test's
``HF_HUB_CACHE`` in ``tmp_path`` and the loopback Hub (``HF_ENDPOINT``).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

import weighthub
from weighthub.testing import Fault, HubServer, Interpreter, Outcome

MIB = 1 << 20
URL = "https://huggingface.co/org/model/resolve/main/{}"


def _bytes(n: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(n)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hf(*calls: str, **env: str) -> list[Outcome]:
    """Run huggingface_hub ``calls`` in a fresh Python with the test's environment and ``env``."""
    python = Interpreter([sys.executable], {**os.environ, **env})
    setup = "from huggingface_hub import hf_hub_download, scan_cache_dir"
    return python.outcomes_of(setup, calls, timeout=180)


def _cdn_gets(hub: HubServer, data: bytes) -> list[tuple[str | None, int | None]]:
    path = f"/lfs/{_sha(data)}"
    return [(r.range, r.status) for r in hub.cdn.requests if r.path == path and r.method == "GET"]


WEIGHTHUB_LOAD = (
    "import hashlib, weighthub; "
    "print(hashlib.sha256(weighthub.fetch({!r}).read_bytes()).hexdigest())"
)
HF_LOAD = (
    "import hashlib; from huggingface_hub import hf_hub_download; "
    "print(hashlib.sha256(open(hf_hub_download('org/model', {!r}), 'rb').read()).hexdigest())"
)


def _start(code: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def _wait_for(condition, child: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert child.poll() is None, f"{what}: the process ended first ({child.communicate()})"
        assert time.monotonic() < deadline, f"{what}: not seen in time"
        time.sleep(0.02)


def _finish(child: subprocess.Popen[str]) -> str:
    out, err = child.communicate(timeout=180)
    assert child.returncode == 0, err
    return out.strip().splitlines()[-1]


# Both directions -------------------------------------------------------------------------------


def test_a_file_weighthub_downloaded_is_a_hit_for_huggingface_hub(hub, hf_cache):
    data = _bytes(300_000)
    commit = hub.add_file("org/model", "model.safetensors", data)
    hub.add_file("org/model", "config.json", b'{"num_classes": 3}\n', lfs=False)
    model = weighthub.fetch(URL.format("model.safetensors"))
    config = weighthub.fetch(URL.format("config.json"))
    mark = len(hub.requests)
    offline, online, scan = hf(
        "hf_hub_download('org/model', 'model.safetensors', local_files_only=True)",
        "hf_hub_download('org/model', 'config.json')",
        "[(r.repo_id, sorted(f.file_name for rev in r.revisions for f in rev.files), "
        "sorted(ref for rev in r.revisions for ref in rev.refs)) for r in scan_cache_dir().repos]"
        " + [str(w) for w in scan_cache_dir().warnings]",
    )
    assert offline.value == str(model)
    assert online.value == str(config)
    commit = hub.commit_of("org/model")
    assert scan.value == [["org/model", ["config.json", "model.safetensors"], ["main"]]]
    methods = {r.method for r in hub.requests[mark:]}
    assert methods == {"HEAD"}, "huggingface_hub downloaded nothing again"
    assert model.parent.name == commit


def test_a_file_huggingface_hub_downloaded_is_a_weighthub_hit(hub, hf_cache):
    data = _bytes(300_000, seed=1)
    hub.add_file("org/model", "model.safetensors", data)
    (done,) = hf("hf_hub_download('org/model', 'model.safetensors')")
    mark = len(hub.requests)
    path = weighthub.fetch(URL.format("model.safetensors"))
    assert str(path) == done.value
    assert [(r.method, r.origin == hub.endpoint) for r in hub.requests[mark:]] == [("HEAD", True)]
    [entry] = [e for e in weighthub.cached_files() if e.path == path]
    assert (entry.status, entry.sha256, entry.repo) == ("ok", _sha(data), "org/model")
    assert entry.refs == ("main",)
    assert weighthub.verify_cache() == weighthub.cached_files()


@pytest.mark.slow
@pytest.mark.parametrize("first", ["weighthub", "huggingface_hub"])
def test_concurrent_loads_by_both_make_one_download(hub, hf_cache, first):
    data = _bytes(4 * MIB, seed=2)
    hub.add_file("org/model", "big.bin", data)
    hub.fault(
        Fault("slow", delay=0.03, chunk=64 * 1024, times=-1), "org/model", "big.bin", at="cdn"
    )
    blobs = hf_cache / "models--org--model" / "blobs"
    ours, theirs = WEIGHTHUB_LOAD.format(URL.format("big.bin")), HF_LOAD.format("big.bin")
    if first == "weighthub":
        one = _start(ours)
        _wait_for(lambda: any(blobs.glob("*.partial")), one, "weighthub's partial download")
        two = _start(theirs)
    else:
        one = _start(theirs)
        _wait_for(lambda: any(blobs.glob("*.incomplete")), one, "huggingface_hub's partial")
        two = _start(ours)
    assert [_finish(one), _finish(two)] == [_sha(data)] * 2
    assert _cdn_gets(hub, data) == [(None, 200)], "one download between the two"
    assert [p.name for p in blobs.iterdir() if not p.name.endswith(".weighthub.json")] == [
        _sha(data)
    ]


# Resume ----------------------------------------------------------------------------------------


def _served_bytes(hub: HubServer, data: bytes, since: int) -> int:
    """The body bytes the CDN was asked for in its GETs of ``data`` after the first ``since``."""
    total = 0
    for asked, status in _cdn_gets(hub, data)[since:]:
        if status == 200:
            total += len(data)
        elif asked and status == 206:
            first, _, last = asked.removeprefix("bytes=").partition("-")
            total += (int(last) if last else len(data) - 1) - int(first) + 1
    return total


@pytest.mark.slow
def test_a_killed_download_is_resumed_unlike_huggingface_hubs(hub, hf_cache, monkeypatch):
    for name, value in (
        ("WEIGHTHUB_PARALLEL_MIN", str(MIB)),
        ("WEIGHTHUB_CONNECTIONS", "4"),
        ("WEIGHTHUB_PARALLEL_BELOW", "inf"),
    ):
        monkeypatch.setenv(name, value)
    data = _bytes(8 * MIB, seed=3)
    hub.add_file("org/model", "big.bin", data)
    hub.fault(
        Fault("slow", delay=0.05, chunk=64 * 1024, times=-1), "org/model", "big.bin", at="cdn"
    )
    journal = hf_cache / "models--org--model" / "blobs" / f"{_sha(data)}.pieces.json"

    def half_done() -> bool:
        try:
            done = json.loads(journal.read_text())["done"]
        except (OSError, ValueError, KeyError):
            return False
        return sum(b - a for a, b in done) >= len(data) // 2

    child = _start(WEIGHTHUB_LOAD.format(URL.format("big.bin")))
    _wait_for(half_done, child, "half of the file")
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    time.sleep(0.5)  # the killed client's last requests leave the server's queue
    kept = sum(b - a for a, b in json.loads(journal.read_text())["done"])
    hub.cdn.faults.clear()
    mark = len(_cdn_gets(hub, data))
    assert _finish(_start(WEIGHTHUB_LOAD.format(URL.format("big.bin")))) == _sha(data)
    resent = _served_bytes(hub, data, mark)
    assert resent <= len(data) - kept + 1, "only the missing pieces (and a 1-byte probe) again"
    assert not journal.exists()


# timm --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_timm_loads_offline_what_weighthub_downloaded(hub, run_python, tmp_path):
    pytest.importorskip("timm")
    checkpoint = tmp_path / "r18.safetensors"
    made = run_python(
        "import timm, torch\nfrom safetensors.torch import save_file\n"
        "torch.manual_seed(0)\nm = timm.create_model('resnet18', pretrained=False)\n"
        f"save_file(m.state_dict(), {str(checkpoint)!r})"
    )
    assert made.returncode == 0, made.stderr
    hub.add_file("timm/resnet18.a1_in1k", "model.safetensors", checkpoint)
    url = "https://huggingface.co/timm/resnet18.a1_in1k/resolve/main/model.safetensors"
    ours = weighthub.load_state_dict_from_url(url)
    mark = len(hub.requests)
    theirs = run_python(
        "import timm\nm = timm.create_model('resnet18.a1_in1k', pretrained=True)\n"
        "print(float(m.conv1.weight.double().sum()))",
        HF_HUB_OFFLINE="1",
    )
    assert theirs.returncode == 0, theirs.stderr
    assert float(theirs.stdout.strip()) == float(ours["conv1.weight"].double().sum())
    assert hub.requests[mark:] == [], "timm read weighthub's file offline"
