"""The kit's HubServer, checked against the real huggingface_hub (run in subprocesses).

huggingface_hub reads ``HF_ENDPOINT``, ``HF_HOME``, ``HF_HUB_CACHE``, ``HF_TOKEN`` and
``HF_HUB_OFFLINE`` when it is imported, so every client here is a fresh Python started with the
``hub_server`` fixture's environment (all in ``tmp_path``). What huggingface_hub 2.4.0 asks, as
these tests record it (``A``: Hub, ``C``: CDN; an LFS file ``f``, a small git file ``g``):

* Unless ``HF_HUB_DISABLE_TELEMETRY=1`` (the fixture sets it), a process whose ``HF_HOME``
  holds no fresh ``.agent_harnesses.json`` first sends ``GET A/api/agent-harnesses`` (for its
  User-Agent; the answer is cached for 24 h in ``HF_HOME``). The lists below leave it out.
* Cold ``hf_hub_download`` by branch: ``HEAD A/{repo}/resolve/main/f`` (302; the HEAD does not
  follow a redirect to another origin), then ``GET`` of the 302's ``Location`` on the CDN
  without ``Authorization``. For ``g``: ``HEAD .../resolve/main/g`` (307), ``HEAD
  A/api/resolve-cache/models/{repo}/{commit}/g`` (200), ``GET`` of that same URL.
* Cached, by branch: one ``HEAD .../resolve/main/f`` per file (302; nothing else), and for ``g``
  the ``HEAD`` 307 and ``HEAD`` resolve-cache 200. Cached, by commit: no request. Offline
  (``HF_HUB_OFFLINE=1``), by branch or commit: no request (``refs/main`` names the snapshot).
* ``snapshot_download`` by branch: ``GET A/api/models/{repo}/revision/main``, ``GET
  A/api/models/{repo}/tree/{commit}?recursive=true&expand=false``, then per file a ``HEAD`` of
  ``/resolve/{commit}/...`` and the download as above.
* ``HfFileSystem``: ``GET A/api/models/{repo}`` and ``.../tree/main?recursive=false`` to resolve
  and list, then ``GET .../resolve/main/f`` (with ``Range`` for a partial read) following the
  302 to the CDN (``Range`` kept, ``Authorization`` dropped across origins).
* Cache: ``{HF_HUB_CACHE}/models--{org}--{name}/blobs/{etag}`` where ``etag`` is the sha256 of
  an LFS file and the git blob id of a small file; ``snapshots/{commit}/{path}`` is a relative
  symlink ``../../blobs/{etag}`` (one ``..`` more per folder); ``refs/{branch}`` holds the
  commit; ``trees/{commit}.json`` the listing a snapshot read; ``.no_exist/{commit}/{path}``
  marks a 404 file; ``{HF_HUB_CACHE}/CACHEDIR.TAG``.
* Lock: ``{HF_HUB_CACHE}/.locks/models--{org}--{name}/{etag}.lock`` (a ``filelock.FileLock``),
  taken after the ``HEAD`` and held while the blob downloads, moves into ``blobs/`` and the
  snapshot link is made; not taken for a hit; the file stays after release. The partial file is
  ``blobs/{etag}.{8 hex}.incomplete``, unique per download: deleted on error, left behind by a
  kill and never resumed (the next process downloads from byte 0). Within one process, a dropped
  body is resumed with ``Range`` from the last whole 10 MiB chunk written; a 200 to that
  ``Range`` restarts the file; an expired signed URL is not re-resolved (the download fails).
* 429: with no cached file, ``HEAD`` is retried after ``RateLimit``'s ``t`` (or ``Retry-After``)
  plus one second.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import filelock
import huggingface_hub.errors as hf_errors
import pytest

from weighthub.testing import Fault, HubServer, Interpreter, Outcome

SETUP = "import hashlib\nfrom huggingface_hub import hf_hub_download"  # + HfFileSystem: +1 s
MIB = 1024 * 1024


def _bytes(n: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(n)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _git_blob_id(data: bytes) -> str:
    """What ``git hash-object`` prints for a file of ``data``."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def hf(*calls: str, setup: str = SETUP, **env: str) -> list[Outcome]:
    """Run ``calls`` in one fresh Python with the fixture's environment plus ``env``."""
    python = Interpreter([sys.executable], {**os.environ, **env})
    return python.outcomes_of(setup, calls, timeout=180)


def _name(error: type[BaseException]) -> str:
    return f"{error.__module__}.{error.__qualname__}"


def _log(hub: HubServer, since: int = 0) -> list[tuple[str, str, int | None]]:
    """The requests since ``since`` as ``(method, "A /path" or "C /path", status)``."""
    return [
        (r.method, ("C " if r.origin == hub.cdn_origin else "A ") + r.path, r.status)
        for r in hub.requests[since:]
    ]


@dataclass
class Answered:
    status: int
    headers: Message
    body: bytes


def _fetch(
    url: str, method: str = "GET", headers: dict[str, str] | None = None, body: bytes = b""
) -> Answered:
    """One request with the standard library; redirects are not followed."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=30)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request(method, target, body=body or None, headers=headers or {})
    response = connection.getresponse()
    answered = Answered(response.status, response.headers, response.read())
    connection.close()
    return answered


@pytest.fixture
def repo(hub_server: HubServer) -> dict[str, bytes]:
    """``org/model``: an LFS ``model.safetensors`` and a small git ``config.json``."""
    files = {"model.safetensors": _bytes(300_000), "config.json": b'{"num_classes": 10}\n'}
    hub_server.add_file("org/model", "model.safetensors", files["model.safetensors"])
    hub_server.add_file("org/model", "config.json", files["config.json"], lfs=False)
    return files


# The server alone ------------------------------------------------------------------------------


def test_resolve_answers_as_the_hub(hub_server, repo):
    commit = hub_server.commit_of("org/model")
    lfs = _fetch(hub_server.url("org/model", "model.safetensors"), "HEAD")
    assert lfs.status == 302
    assert lfs.headers["X-Repo-Commit"] == commit
    assert lfs.headers["X-Linked-Etag"] == f'"{_sha(repo["model.safetensors"])}"'
    assert lfs.headers["X-Linked-Size"] == "300000"
    assert lfs.headers["Location"].startswith(hub_server.cdn_origin + "/lfs/")
    assert lfs.headers["RateLimit"].startswith('"resolvers";r=')

    direct = _fetch(hub_server.url("org/model", "config.json", commit))
    assert (direct.status, direct.headers["ETag"]) == (
        200,
        f'"{_git_blob_id(repo["config.json"])}"',
    )
    assert direct.body == repo["config.json"]
    by_branch = _fetch(hub_server.url("org/model", "config.json"), "HEAD")
    assert by_branch.status == 307
    cached = _fetch(hub_server.endpoint + by_branch.headers["Location"], "HEAD")
    assert (cached.status, cached.headers["X-Repo-Commit"]) == (200, commit)


def test_the_cdn_honours_range_and_if_range(hub_server, repo):
    location = _fetch(hub_server.url("org/model", "model.safetensors"), "HEAD").headers["Location"]
    etag = f'"{_sha(repo["model.safetensors"])}"'
    part = _fetch(location, headers={"Range": "bytes=10-19"})
    assert (part.status, part.headers["Content-Range"]) == (206, "bytes 10-19/300000")
    assert _fetch(location, headers={"Range": "bytes=10-", "If-Range": etag}).status == 206
    changed = _fetch(location, headers={"Range": "bytes=10-", "If-Range": '"other"'})
    assert (changed.status, changed.headers["Content-Length"]) == (200, "300000")
    assert _fetch(location, headers={"Range": "bytes=300000-"}).status == 416
    unsigned = _fetch(location.split("?")[0])
    assert unsigned.status == 403
    assert unsigned.headers["Content-Type"] == "application/xml"


def test_files_on_disk_are_served_from_disk(hub_server, tmp_path):
    on_disk = tmp_path / "big.bin"
    on_disk.write_bytes(_bytes(MIB))
    hub_server.add_files("org/disk", {"big.bin": on_disk})
    hub_server.add_files("org/disk", {"small.txt": str(on_disk)}, lfs=False)
    assert hub_server.file("org/disk", "big.bin").body == on_disk  # not read into memory
    location = _fetch(hub_server.url("org/disk", "big.bin"), "HEAD").headers["Location"]
    assert _fetch(location).body == on_disk.read_bytes()  # sendfile
    assert _fetch(location, headers={"Range": "bytes=-10"}).body == on_disk.read_bytes()[-10:]
    hub_server.fault(Fault("slow", chunk=100_000), "org/disk", "big.bin", at="cdn")
    assert _fetch(location).body == on_disk.read_bytes()  # in pieces
    commit = hub_server.commit_of("org/disk")
    small = _fetch(hub_server.url("org/disk", "small.txt", commit), headers={"Range": "bytes=5-9"})
    assert (small.status, small.body) == (206, on_disk.read_bytes()[5:10])


def test_errors_carry_the_hubs_headers(hub_server, repo):
    hub_server.create_repo("org/gated", gated=True, readers=["hf_reader"])
    hub_server.add_file("org/gated", "a.bin", b"gated")
    hub_server.create_repo("org/private", private=True, readers=["hf_reader"])
    hub_server.add_token("hf_other")
    url = hub_server.url

    def answer(link, token=None):
        auth = {"Authorization": f"Bearer {token}"} if token else {}
        found = _fetch(link, "HEAD", auth)
        return found.status, found.headers["X-Error-Code"]

    assert answer(url("org/none", "a.bin")) == (401, "RepoNotFound")
    assert answer(url("org/none", "a.bin"), "hf_other") == (404, "RepoNotFound")
    assert answer(url("org/private", "a.bin")) == (401, "RepoNotFound")
    assert answer(url("org/model", "a.bin", "v9")) == (404, "RevisionNotFound")
    assert answer(url("org/model", "a.bin")) == (404, "EntryNotFound")
    assert answer(url("org/gated", "a.bin")) == (401, "GatedRepo")
    assert answer(url("org/gated", "a.bin"), "hf_other") == (403, "GatedRepo")
    reader = {"Authorization": "Bearer hf_reader"}
    assert _fetch(url("org/gated", "a.bin"), "HEAD", reader).status == 302
    bogus = _fetch(url("org/model", "config.json"), "HEAD", {"Authorization": "Bearer hf_bogus"})
    assert bogus.status == 401
    assert bogus.headers["X-Error-Message"] == "Invalid credentials in Authorization header"
    entry = _fetch(url("org/model", "a.bin"), "HEAD")
    assert entry.headers["X-Repo-Commit"] == hub_server.commit_of("org/model")
    assert answer(f"{hub_server.endpoint}/datasets/org/model/resolve/main/a.bin") == (
        401,
        "RepoNotFound",
    )
    hub_server.add_file("org/data", "train.csv", b"a,b\n", lfs=False, repo_type="dataset")
    served = _fetch(f"{hub_server.endpoint}/datasets/org/data/resolve/main/train.csv", "HEAD")
    assert served.status == 307


def test_redirects_expire_and_rate_limits_answer_429(hub_server, repo):
    url = hub_server.url("org/model", "model.safetensors")
    hub_server.expire_redirects(after_uses=1)
    location = _fetch(url, "HEAD").headers["Location"]
    assert _fetch(location).status == 200
    assert _fetch(location).status == 403  # used up
    assert _fetch(_fetch(url, "HEAD").headers["Location"]).status == 200  # a fresh one
    hub_server.expire_redirects(after_seconds=0)
    assert _fetch(_fetch(url, "HEAD").headers["Location"]).status == 403
    hub_server.expire_redirects()

    hub_server.rate_limit(times=1, reset=2)
    limited = _fetch(url, "HEAD")
    assert limited.status == 429
    assert limited.headers["Retry-After"] == "2"
    assert limited.headers["RateLimit"] == '"resolvers";r=0;t=2'
    assert _fetch(url, "HEAD").status == 302


def test_the_api_lists_revisions_trees_and_paths(hub_server, repo):
    first = hub_server.commit_of("org/model")
    hub_server.add_files("org/model", {"sub/a.bin": b"a", "sub/deep/b.bin": b"b"})
    hub_server.create_tag("org/model", "v1", revision=first)
    hub_server.add_file("org/model", "sub/c.bin", b"c")
    hub_server.delete_file("org/model", "sub/c.bin")
    api = f"{hub_server.endpoint}/api/models/org/model"

    def get(path):
        return json.loads(_fetch(api + path).body)

    info = get("/revision/v1?blobs=true")
    assert info["sha"] == first
    assert {s["rfilename"] for s in info["siblings"]} == {"model.safetensors", "config.json"}
    lfs = next(s for s in info["siblings"] if s["rfilename"] == "model.safetensors")["lfs"]
    assert lfs["sha256"] == _sha(repo["model.safetensors"])
    top = get("/tree/main")
    assert [(e["type"], e["path"]) for e in top] == [
        ("directory", "sub"),
        ("file", "config.json"),
        ("file", "model.safetensors"),
    ]
    deep = get("/tree/main/sub?recursive=true")
    assert [e["path"] for e in deep] == ["sub/deep", "sub/a.bin", "sub/deep/b.bin"]
    refs = get("/refs")
    assert [t["targetCommit"] for t in refs["tags"]] == [first]
    history = [c["id"] for c in get("/commits/main")]
    assert len(history) == 5  # two uploads, the sub/ files, c.bin added and deleted
    assert history[history.index(first) :] == [c["id"] for c in get("/commits/v1")]
    form = b"paths=sub&paths=config.json&paths=none"
    found = json.loads(_fetch(f"{api}/paths-info/main", "POST", body=form).body)
    assert [(e["type"], e["path"]) for e in found] == [
        ("directory", "sub"),
        ("file", "config.json"),
    ]
    assert _fetch(f"{api}/tree/main/none").headers["X-Error-Code"] == "EntryNotFound"


# huggingface_hub against the server ------------------------------------------------------------


def test_what_cold_warm_and_offline_loads_ask(hub_server, repo):
    commit = hub_server.commit_of("org/model")
    resolve, cache = "A /org/model/resolve", f"A /api/resolve-cache/models/org/model/{commit}"
    cdn = "C /lfs/" + _sha(repo["model.safetensors"])
    branch = [
        "hf_hub_download('org/model', 'model.safetensors')",
        "hf_hub_download('org/model', 'config.json')",
    ]
    cold = hf(*branch)
    assert [Path(o.value).read_bytes() for o in cold] == list(repo.values())
    assert _log(hub_server) == [
        ("HEAD", f"{resolve}/main/model.safetensors", 302),
        ("GET", cdn, 200),
        ("HEAD", f"{resolve}/main/config.json", 307),
        ("HEAD", f"{cache}/config.json", 200),
        ("GET", f"{cache}/config.json", 200),
    ]
    mark = len(hub_server.requests)
    by_commit = [c.replace("')", f"', revision='{commit}')") for c in branch]
    warm = hf(*branch, *by_commit, HF_HUB_DISABLE_TELEMETRY="")  # as users have it
    assert [o.value for o in warm] == [o.value for o in cold] * 2
    assert _log(hub_server, mark) == [
        ("GET", "A /api/agent-harnesses", 200),
        ("HEAD", f"{resolve}/main/model.safetensors", 302),
        ("HEAD", f"{resolve}/main/config.json", 307),
        ("HEAD", f"{cache}/config.json", 200),
    ]
    mark = len(hub_server.requests)
    offline = hf(*branch, *by_commit, HF_HUB_OFFLINE="1")
    assert [o.value for o in offline] == [o.value for o in warm]
    assert _log(hub_server, mark) == []


def test_main_moving_to_other_bytes_and_other_branches(hub_server, repo):
    old = hub_server.commit_of("org/model")
    (first,) = hf("hf_hub_download('org/model', 'model.safetensors')")
    new_bytes, dev_bytes = _bytes(300_000, seed=1), _bytes(1000, seed=2)
    new = hub_server.add_file("org/model", "model.safetensors", new_bytes)
    hub_server.create_branch("org/model", "stable", revision=old)
    dev = hub_server.add_file("org/model", "model.safetensors", dev_bytes, branch="dev")
    assert (
        hub_server.commit_of("org/model", "dev") == dev != new == hub_server.commit_of("org/model")
    )
    second, pinned, stable, on_dev = hf(
        "hf_hub_download('org/model', 'model.safetensors')",
        f"hf_hub_download('org/model', 'model.safetensors', revision='{old}')",
        "hf_hub_download('org/model', 'model.safetensors', revision='stable')",
        "hf_hub_download('org/model', 'model.safetensors', revision='dev')",
    )
    assert Path(second.value).read_bytes() == new_bytes
    assert f"/snapshots/{new}/" in second.value
    assert pinned.value == stable.value == first.value
    assert Path(first.value).read_bytes() == repo["model.safetensors"]
    assert Path(on_dev.value).read_bytes() == dev_bytes
    refs = Path(os.environ["HF_HUB_CACHE"]) / "models--org--model" / "refs"
    assert {r.name: r.read_text() for r in refs.iterdir()} == {
        "main": new,
        "stable": old,
        "dev": dev,
    }


def test_snapshot_download_and_the_cache_layout(hub_server, repo):
    commit = hub_server.add_files("org/model", {"sub/deep/w.bin": b"w" * 1000})
    (folder,) = hf("snapshot_download('org/model')", setup=f"{SETUP}, snapshot_download")
    cache = Path(os.environ["HF_HUB_CACHE"])
    storage = cache / "models--org--model"
    assert folder.value == str(storage / "snapshots" / commit)
    blob_names = {
        "model.safetensors": _sha(repo["model.safetensors"]),
        "config.json": _git_blob_id(repo["config.json"]),
        "sub/deep/w.bin": _sha(b"w" * 1000),
    }
    for path, blob in blob_names.items():
        link = storage / "snapshots" / commit / path
        up = "../" * (path.count("/") + 2)
        assert os.readlink(link) == f"{up}blobs/{blob}"
        assert link.read_bytes() == (storage / "blobs" / blob).read_bytes()
        assert (cache / ".locks" / "models--org--model" / f"{blob}.lock").exists()
    assert (storage / "refs" / "main").read_text() == commit
    assert (storage / "trees" / f"{commit}.json").exists()
    assert (cache / "CACHEDIR.TAG").exists()
    calls = [(m, p) for m, p, _ in _log(hub_server)]
    assert calls[:2] == [
        ("GET", "A /api/models/org/model/revision/main"),
        ("GET", f"A /api/models/org/model/tree/{commit}"),
    ]
    assert ("HEAD", f"A /org/model/resolve/{commit}/sub/deep/w.bin") in calls


def test_hf_file_system_reads_through_the_cdn(hub_server, repo):
    hub_server.create_tag("org/model", "v1")
    data = repo["model.safetensors"]
    whole, part, listing, tagged = hf(
        "hashlib.sha256(HfFileSystem().open('hf://org/model/model.safetensors').read()).hexdigest()",
        "f = HfFileSystem().open('hf://org/model/model.safetensors', block_size=65536)\n"
        "f.seek(100_000)\npart = f.read(1000).hex()",
        "sorted(HfFileSystem().ls('hf://org/model', detail=False))",
        "HfFileSystem().open('hf://org/model@v1/config.json').read().decode()",
        setup=f"{SETUP}, HfFileSystem",
    )
    assert whole.value == _sha(data)
    assert listing.value == ["org/model/config.json", "org/model/model.safetensors"]
    assert tagged.value == repo["config.json"].decode()
    ranges = [r.range for r in hub_server.requests if r.origin == hub_server.cdn_origin]
    assert any(r and r.startswith("bytes=100000-") for r in ranges)
    assert (part.error, whole.error) == (None, None)


def test_not_found_kinds_raise_huggingface_hubs_own_errors(hub_server, repo):
    hub_server.create_repo("org/private", private=True, readers=["hf_reader"])
    hub_server.add_file("org/data", "train.csv", b"a,b\n", lfs=False, repo_type="dataset")
    outcomes = hf(
        "hf_hub_download('org/none', 'model.safetensors')",
        "hf_hub_download('org/model', 'model.safetensors', revision='v9')",
        "hf_hub_download('org/model', 'none.bin')",
        "hf_hub_download('org/private', 'model.safetensors')",
        "hf_hub_download('org/model', 'train.csv', repo_type='dataset')",
        "open(hf_hub_download('org/data', 'train.csv', repo_type='dataset')).read()",
    )
    assert [o.error for o in outcomes] == [
        _name(hf_errors.RepositoryNotFoundError),
        _name(hf_errors.RevisionNotFoundError),
        _name(hf_errors.RemoteEntryNotFoundError),
        _name(hf_errors.RepositoryNotFoundError),
        _name(hf_errors.RepositoryNotFoundError),
        None,
    ]
    assert outcomes[-1].value == "a,b\n"
    commit = hub_server.commit_of("org/model")
    cache = Path(os.environ["HF_HUB_CACHE"])
    assert (cache / "models--org--model" / ".no_exist" / commit / "none.bin").exists()
    assert (cache / "datasets--org--data" / "refs" / "main").exists()


@pytest.mark.parametrize("hub_server", [{"cdn_host": "localhost"}], indirect=True)
def test_a_gated_repo_and_the_token_that_never_leaves_the_hub(hub_server, tmp_path):
    hub_server.create_repo("org/gated", gated=True, readers=["hf_reader"])
    hub_server.add_token("hf_other")
    data = _bytes(200_000)
    hub_server.add_files("org/gated", {"a.bin": data, "b.bin": data[::-1]})
    outcomes = hf(
        "hf_hub_download('org/gated', 'a.bin', token=False)",
        "hf_hub_download('org/gated', 'a.bin', token='hf_other')",
        "hf_hub_download('org/gated', 'a.bin', token='hf_bogus')",
        "open(hf_hub_download('org/gated', 'a.bin'), 'rb').read() == HfFileSystem().cat("
        "'hf://org/gated/a.bin')",
        setup=f"{SETUP}, HfFileSystem",
        HF_TOKEN="hf_reader",
    )
    assert [o.error for o in outcomes] == [
        _name(hf_errors.GatedRepoError),
        _name(hf_errors.GatedRepoError),
        _name(hf_errors.HfHubHTTPError),
        None,
    ]
    assert "401" in outcomes[0].message and "403" in outcomes[1].message
    assert outcomes[3].value is True
    Path(os.environ["HF_HOME"]).mkdir(parents=True, exist_ok=True)
    Path(os.environ["HF_HOME"], "token").write_text("hf_reader")  # what `hf auth login` writes
    (from_file,) = hf("open(hf_hub_download('org/gated', 'b.bin'), 'rb').read().hex()")
    assert bytes.fromhex(from_file.value) == data[::-1]
    at_cdn = [r for r in hub_server.requests if r.origin == hub_server.cdn_origin]
    assert hub_server.cdn_origin.startswith("http://localhost:")
    assert len(at_cdn) >= 3
    assert [r for r in at_cdn if r.authorization] == []
    sent = {r.authorization for r in hub_server.requests if r.origin == hub_server.endpoint}
    assert "Bearer hf_reader" in sent


def test_dropped_bodies_ignored_ranges_and_429s(hub_server):
    big = {name: _bytes(11 * MIB, seed) for seed, name in enumerate(["drop.bin", "norange.bin"])}
    hub_server.add_files("org/faults", big)
    hub_server.rate_limit(times=1, reset=0)
    hub_server.fault(Fault("drop", after=10 * MIB + 500_000), "org/faults", "drop.bin", at="cdn")
    hub_server.fault(Fault("drop", after=10 * MIB + 500_000), "org/faults", "norange.bin", at="cdn")
    hub_server.fault(Fault("ignore_range", method="GET"), "org/faults", "norange.bin", at="cdn")
    outcomes = hf(
        "hashlib.sha256(open(hf_hub_download('org/faults', 'drop.bin'), 'rb').read()).hexdigest()",
        "hashlib.sha256(open(hf_hub_download('org/faults', 'norange.bin'), 'rb').read())"
        ".hexdigest()",
    )
    assert [o.value for o in outcomes] == [_sha(big["drop.bin"]), _sha(big["norange.bin"])]
    heads = [s for m, p, s in _log(hub_server) if m == "HEAD" and p.endswith("/drop.bin")]
    assert heads == [429, 302]
    for name, resumed in (("drop.bin", 206), ("norange.bin", 200)):
        path = hub_server.cdn_path("org/faults", name)
        gets = [(r.range, r.status) for r in hub_server.cdn.requests if r.path == path]
        assert gets == [(None, 200), (f"bytes={10 * MIB}-", resumed)]


def test_an_expired_redirect_is_not_resolved_again_by_huggingface_hub(hub_server, repo):
    hub_server.expire_redirects(after_uses=1)
    hub_server.fault(Fault("drop", after=1000), "org/model", "model.safetensors", at="cdn")
    (outcome,) = hf("hf_hub_download('org/model', 'model.safetensors')")
    assert outcome.error == _name(hf_errors.HfHubHTTPError)
    assert "403" in outcome.message
    assert [p for m, p, _ in _log(hub_server) if m == "HEAD"] == [
        "A /org/model/resolve/main/model.safetensors"
    ]
    blobs = Path(os.environ["HF_HUB_CACHE"]) / "models--org--model" / "blobs"
    assert list(blobs.iterdir()) == []  # the partial file is removed


_DOWNLOAD = "from huggingface_hub import hf_hub_download; hf_hub_download('org/model', 'big.bin')"


def test_the_lock_and_the_incomplete_file_of_a_download(hub_server):
    data = _bytes(2 * MIB)
    hub_server.add_file("org/model", "big.bin", data)
    sha256 = _sha(data)
    hub_server.fault(
        Fault("slow", delay=0.2, chunk=32 * 1024, times=-1), "org/model", "big.bin", at="cdn"
    )
    cache = Path(os.environ["HF_HUB_CACHE"])
    blobs = cache / "models--org--model" / "blobs"
    lock = cache / ".locks" / "models--org--model" / f"{sha256}.lock"
    child = subprocess.Popen([sys.executable, "-c", _DOWNLOAD], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not list(blobs.glob("*.incomplete")) and time.monotonic() < deadline:
            assert child.poll() is None, "the download ended before it was seen"
            time.sleep(0.02)
        partials = list(blobs.glob("*.incomplete"))
        assert len(partials) == 1, f"one partial file while downloading: {partials}"
        partial = partials[0]
        assert re.fullmatch(rf"{sha256}\.[0-9a-f]{{8}}\.incomplete", partial.name)
        with pytest.raises(filelock.Timeout):
            filelock.FileLock(lock, timeout=0).acquire()  # held by the downloading process
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    hub_server.cdn.faults.clear()
    mark = len(hub_server.cdn.requests)
    (done,) = hf("hf_hub_download('org/model', 'big.bin')")
    assert Path(done.value).read_bytes() == data
    assert [r.range for r in hub_server.cdn.requests[mark:]] == [None]  # from byte 0
    assert partial.exists(), "a killed download's partial file stays behind"
    with filelock.FileLock(lock, timeout=0):
        pass
