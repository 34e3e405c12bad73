"""Hub URLs as Hub files: the cache layout, verification, requests per load, pinning, faults.

Every test fetches from the kit's HubServer (a Hub and its CDN on loopback, ``HF_ENDPOINT``) through
weighthub's public API; the interplay with the real huggingface_hub is in ``test_hub_interop.py``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import warnings
from pathlib import Path

import pytest

import weighthub
from weighthub.testing import Fault, HubServer

MODEL_URL = "https://huggingface.co/org/model/resolve/main/model.safetensors"


def _bytes(n: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(n)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _log(hub: HubServer, since: int = 0) -> list[tuple[str, str, int | None]]:
    """The requests since ``since``: ``(method, "A /path" (Hub) or "C /path" (CDN), status)``."""
    return [
        (r.method, ("C " if r.origin == hub.cdn_origin else "A ") + r.path, r.status)
        for r in hub.requests[since:]
    ]


@pytest.fixture
def model(hub: HubServer) -> bytes:
    """``org/model`` with an LFS ``model.safetensors`` of 300 kB on ``main``."""
    data = _bytes(300_000)
    hub.add_file("org/model", "model.safetensors", data)
    return data


def _fetch_quietly(url: str, **kwargs: object) -> Path:
    """``weighthub.fetch`` with every warning an error (a verified Hub file warns about nothing)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return weighthub.fetch(url, **kwargs)  # type: ignore[arg-type]


# The layout and verification ------------------------------------------------------------------


def test_a_hub_file_lands_in_huggingface_hubs_layout_verified(hub, model, hf_cache):
    commit = hub.commit_of("org/model")
    path = _fetch_quietly(MODEL_URL)
    storage = hf_cache / "models--org--model"
    assert path == storage / "snapshots" / commit / "model.safetensors"
    assert os.readlink(path) == f"../../blobs/{_sha(model)}"
    assert path.read_bytes() == model
    assert (storage / "refs" / "main").read_text() == commit
    assert (hf_cache / "CACHEDIR.TAG").exists()
    assert (hf_cache / ".locks" / "models--org--model" / f"{_sha(model)}.lock").exists()
    [entry] = [e for e in weighthub.cached_files(layers=True) if e.path == path]
    assert (entry.sha256, entry.url, entry.status) == (_sha(model), MODEL_URL, "ok")
    calls = _log(hub)
    assert calls[0] == ("HEAD", "A /org/model/resolve/main/model.safetensors", 302)
    assert calls[1:] == [
        ("GET", f"A /org/model/resolve/{commit}/model.safetensors", 302),
        ("GET", f"C /lfs/{_sha(model)}", 200),
    ]


def test_every_spelling_of_a_hub_file_is_the_same_file(hub, model):
    first = _fetch_quietly(MODEL_URL)
    mark = len(hub.requests)
    commit = hub.commit_of("org/model")
    for url in (
        "https://hf.co/org/model/resolve/main/model.safetensors",
        f"{hub.endpoint}/org/model/resolve/main/model.safetensors",
        "hf://org/model/model.safetensors",
        "hf://org/model@main/model.safetensors",
        f"hf://org/model@{commit}/model.safetensors",
        "https://huggingface.co/org/model/resolve/main/model.safetensors?download=true",
    ):
        assert _fetch_quietly(url) == first, url
    assert {method for method, _, _ in _log(hub, mark)} == {"HEAD"}, "no byte downloaded again"


def test_datasets_and_spaces_and_small_files(hub):
    hub.add_file("org/data", "table.csv", b"a,b\n1,2\n", lfs=False, repo_type="dataset")
    hub.add_file("org/demo", "weights/w.bin", _bytes(5000), repo_type="space")
    table = _fetch_quietly("https://huggingface.co/datasets/org/data/resolve/main/table.csv")
    assert table.read_bytes() == b"a,b\n1,2\n"
    assert "datasets--org--data" in table.parts
    git_blob = hashlib.sha1(b"blob 8\0a,b\n1,2\n").hexdigest()
    assert os.readlink(table) == f"../../blobs/{git_blob}"
    space = _fetch_quietly("hf://spaces/org/demo/weights/w.bin")
    assert os.readlink(space) == f"../../../blobs/{_sha(_bytes(5000))}"


def test_a_small_file_that_is_not_its_git_blob_is_refused(hub, hf_cache):
    commit = hub.add_file("org/model", "config.json", b'{"a": 1}\n', lfs=False)
    hub.fault(Fault("corrupt"), "org/model", "config.json", revision=commit)
    with pytest.raises(weighthub.IntegrityError, match="git blob id"):
        weighthub.fetch("hf://org/model/config.json")
    assert not list((hf_cache / "models--org--model" / "blobs").iterdir())
    assert not (hf_cache / "models--org--model" / "snapshots" / commit / "config.json").exists()


def test_corrupt_bytes_from_the_cdn_leave_nothing_that_looks_complete(hub, model, hf_cache):
    hub.fault(Fault("corrupt"), "org/model", "model.safetensors", at="cdn")
    with pytest.raises(weighthub.IntegrityError, match=_sha(model)):
        weighthub.fetch(MODEL_URL)
    storage = hf_cache / "models--org--model"
    assert not list((storage / "blobs").iterdir())
    assert not list(storage.glob("snapshots/*/*"))


def test_a_declared_sha256_the_hub_contradicts_stops_before_downloading(hub, model):
    with pytest.raises(weighthub.IntegrityError, match="did it move"):
        weighthub.fetch(MODEL_URL, sha256="0" * 64)
    assert [m for m, _, _ in _log(hub)] == ["HEAD"]


# Requests per load ------------------------------------------------------------------------------


def test_requests_of_pinned_unpinned_and_offline_hits(hub, model, monkeypatch):
    commit = hub.commit_of("org/model")
    pinned = f"https://huggingface.co/org/model/resolve/{commit}/model.safetensors"
    weighthub.fetch(MODEL_URL)

    mark = len(hub.requests)
    weighthub.fetch(pinned)
    assert _log(hub, mark) == [], "a commit, cached: no request"

    mark = len(hub.requests)
    weighthub.fetch(MODEL_URL)
    assert _log(hub, mark) == [("HEAD", "A /org/model/resolve/main/model.safetensors", 302)]

    for setting in ("HF_HUB_OFFLINE", "WEIGHTHUB_OFFLINE"):
        monkeypatch.setenv(setting, "1")
        mark = len(hub.requests)
        assert weighthub.fetch(MODEL_URL).read_bytes() == model
        assert weighthub.fetch(pinned).read_bytes() == model
        assert _log(hub, mark) == [], f"{setting}=1: no request"
        monkeypatch.delenv(setting)


def test_offline_without_the_file_names_the_setting_and_the_file(hub, model, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(weighthub.OfflineModeError) as caught:
        weighthub.fetch(MODEL_URL)
    assert "HF_HUB_OFFLINE" in str(caught.value)
    assert "org/model@main/model.safetensors" in str(caught.value)
    assert _log(hub) == []


def test_main_moving_changes_unpinned_bytes_but_never_locked_ones(hub, model, tmp_path):
    old = hub.commit_of("org/model")
    weighthub.fetch(MODEL_URL)
    lockfile = tmp_path / "weights.lock"
    lockfile.write_text(
        "version = 1\n\n[[file]]\n"
        f'url = "{MODEL_URL}"\nname = "model.safetensors"\nsize = {len(model)}\n'
        f'sha256 = "{_sha(model)}"\nweights = []\n'
        f'repo = "org/model"\ncommit = "{old}"\npath = "model.safetensors"\n',
        encoding="utf-8",
    )
    newer = _bytes(310_000, seed=1)
    new = hub.add_file("org/model", "model.safetensors", newer, message="Retrain")

    assert weighthub.fetch(MODEL_URL).read_bytes() == newer, "unpinned: main's new bytes"
    weighthub.use_lock(lockfile)
    try:
        mark = len(hub.requests)
        locked = weighthub.fetch(MODEL_URL)
        assert locked.read_bytes() == model
        assert locked.parent.name == old
        assert _log(hub, mark) == [], "pinned by the lockfile and cached: no request"
    finally:
        weighthub.use_lock(None)
    assert weighthub.fetch(MODEL_URL).parent.name == new


def test_a_locked_commit_not_yet_cached_is_fetched_at_that_commit(hub, model, tmp_path):
    old = hub.commit_of("org/model")
    hub.add_file("org/model", "model.safetensors", _bytes(310_000, seed=1))
    lockfile = tmp_path / "weights.lock"
    lockfile.write_text(
        "version = 1\n\n[[file]]\n"
        f'url = "{MODEL_URL}"\nname = "model.safetensors"\nsize = {len(model)}\n'
        f'sha256 = "{_sha(model)}"\nrepo = "org/model"\ncommit = "{old}"\n'
        'path = "model.safetensors"\n',
        encoding="utf-8",
    )
    weighthub.use_lock(lockfile)
    try:
        assert weighthub.fetch(MODEL_URL).read_bytes() == model
    finally:
        weighthub.use_lock(None)
    assert next(p for _, p, _ in _log(hub)) == f"A /org/model/resolve/{old}/model.safetensors"


# Faults ------------------------------------------------------------------------------------------

MIB = 1 << 20


@pytest.fixture
def big(hub: HubServer) -> bytes:
    data = _bytes(3 * MIB, seed=2)
    hub.add_file("org/big", "big.bin", data)
    return data


BIG_URL = "https://huggingface.co/org/big/resolve/main/big.bin"


def test_a_dropped_body_resumes_through_an_expired_redirect(hub, big):
    hub.expire_redirects(after_uses=1)  # each signed CDN URL serves one request
    hub.fault(Fault("drop", after=MIB), "org/big", "big.bin", at="cdn")
    assert _fetch_quietly(BIG_URL).read_bytes() == big
    cdn = [(r.range, r.status) for r in hub.cdn.requests]
    assert cdn == [(None, 200), (f"bytes={MIB}-", 206)]
    resolves = [p for m, p, _ in _log(hub) if m == "GET" and p.startswith("A ")]
    assert len(resolves) == 2, "the resume asked the Hub for a fresh signed URL"


def test_a_cdn_ignoring_range_makes_the_download_start_again(hub, big):
    hub.fault(Fault("drop", after=MIB), "org/big", "big.bin", at="cdn")
    hub.fault(Fault("ignore_range", method="GET"), "org/big", "big.bin", at="cdn")
    assert _fetch_quietly(BIG_URL).read_bytes() == big
    assert [r.status for r in hub.cdn.requests] == [200, 200]


def test_parallel_pieces_each_go_through_the_hub(hub, big, monkeypatch):
    monkeypatch.setenv("WEIGHTHUB_PARALLEL_MIN", str(MIB))
    monkeypatch.setenv("WEIGHTHUB_CONNECTIONS", "3")
    monkeypatch.setenv("WEIGHTHUB_PARALLEL_BELOW", "inf")
    hub.expire_redirects(after_uses=1)
    assert _fetch_quietly(BIG_URL).read_bytes() == big
    ranged = [r for r in hub.cdn.requests if r.range and r.status == 206]
    assert len(ranged) >= 3
    assert all(r.status in (200, 206) for r in hub.cdn.requests), "no expired URL was used"


def test_a_429_is_waited_for_cold_and_skipped_when_cached(hub, model, monkeypatch):
    hub.rate_limit(times=1, reset=1)
    assert weighthub.fetch(MODEL_URL).read_bytes() == model
    heads = [s for m, _, s in _log(hub) if m == "HEAD"]
    assert heads == [429, 302], "the HEAD was retried after the Hub's wait"

    hub.rate_limit(times=1, reset=600)  # a cached load does not wait 10 minutes
    mark = len(hub.requests)
    with pytest.warns(UserWarning, match="using the cached copy"):
        assert weighthub.fetch(MODEL_URL).read_bytes() == model
    assert _log(hub, mark) == [("HEAD", "A /org/model/resolve/main/model.safetensors", 429)]


# Tokens and refusals ----------------------------------------------------------------------------

TOKEN = "hf_reader_secret_token"


@pytest.fixture
def gated(hub: HubServer) -> bytes:
    hub.create_repo("org/gated", gated=True, readers=[TOKEN])
    hub.add_token("hf_other_token")
    data = _bytes(200_000, seed=3)
    hub.add_files("org/gated", {"a.bin": data, "b.bin": data[::-1]})
    return data


GATED = "https://huggingface.co/org/gated/resolve/main/"


def test_a_gated_repo_without_a_token_says_how_to_get_access(hub, gated):
    with pytest.raises(weighthub.WeightsDownloadError) as caught:
        weighthub.fetch(GATED + "a.bin")
    message = str(caught.value)
    assert caught.value.status == 401
    assert "org/gated is gated" in message
    assert f"{hub.endpoint}/org/gated" in message
    assert "hf auth login" in message


@pytest.mark.parametrize("hub_server", [{"cdn_host": "localhost"}], indirect=True)
def test_the_token_goes_to_the_hub_only_and_is_never_shown(hub, gated, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    assert _fetch_quietly(GATED + "a.bin").read_bytes() == gated
    monkeypatch.delenv("HF_TOKEN")
    Path(os.environ["HF_HOME"]).mkdir(parents=True, exist_ok=True)
    Path(os.environ["HF_HOME"], "token").write_text(TOKEN + "\n")  # what `hf auth login` writes
    assert _fetch_quietly(GATED + "b.bin").read_bytes() == gated[::-1]
    assert hub.cdn_origin.startswith("http://localhost:")
    at_cdn = [r for r in hub.requests if r.origin == hub.cdn_origin]
    assert len(at_cdn) == 2
    assert [r for r in at_cdn if r.authorization] == [], "the CDN never sees the token"
    at_hub = [r for r in hub.requests if r.origin == hub.endpoint]
    assert {r.authorization for r in at_hub} == {f"Bearer {TOKEN}"}

    for refused, status in (("hf_other_token", 403), ("hf_bogus_token", 401)):
        monkeypatch.setenv("HF_TOKEN", refused)
        with pytest.raises(weighthub.WeightsDownloadError) as caught:
            weighthub.fetch(GATED + "a.bin", model_dir=Path(os.environ["HF_HOME"]) / "other")
        assert caught.value.status == status
        assert refused not in str(caught.value)
        assert "HF_TOKEN" in str(caught.value)
    assert TOKEN not in caplog.text
    assert "hf_other_token" not in caplog.text


def test_unknown_repo_revision_and_file_are_named(hub, model):
    def error(url: str) -> str:
        with pytest.raises(weighthub.WeightsDownloadError) as caught:
            weighthub.fetch(url)
        return str(caught.value)

    missing = error("https://huggingface.co/org/none/resolve/main/model.safetensors")
    assert "The Hub repository org/none does not exist" in missing
    assert "hf auth login" in missing
    revision = error("https://huggingface.co/org/model/resolve/v9/model.safetensors")
    assert "has no revision 'v9'" in revision
    entry = error("https://huggingface.co/org/model/resolve/main/model.safetensor")
    assert "has no file 'model.safetensor'" in entry
    assert "Did you mean 'model.safetensors'?" in entry


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://huggingface.co/org/model", "no '/resolve/<revision>/' part"),
        ("https://huggingface.co/org/model/resolve/main", "names no file"),
        ("https://huggingface.co/org/model/resolve/main/", "names no file"),
        (
            "https://huggingface.co/org/model/blob/main/model.safetensors",
            "https://huggingface.co/org/model/resolve/main/model.safetensors",
        ),
        ("https://huggingface.co/org/model/resolve/main/../x.bin", "not a clean path"),
        ("hf://org", "names no repository"),
        ("hf://org/model", "names no file"),
        ("hf://org/model@/x.bin", "is not a branch, tag or commit"),
        ("hf://buckets/org/b/x.bin", "buckets are not repositories"),
    ],
)
def test_hub_urls_that_name_no_file_are_refused_before_any_request(hub, url, says):
    with pytest.raises(weighthub.InvalidURLError) as caught:
        weighthub.fetch(url)
    assert says in str(caught.value)
    assert hub.requests == []


def test_an_hf_endpoint_that_does_not_resolve_is_named(hub, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://hub.invalid")
    with pytest.raises(weighthub.WeightsDownloadError) as caught:
        weighthub.fetch(MODEL_URL)
    assert "HF_ENDPOINT='http://hub.invalid'" in str(caught.value)
    assert "does not resolve" in str(caught.value)
    monkeypatch.setenv("HF_ENDPOINT", "hub.example.org")
    with pytest.raises(ValueError, match="is not the URL of a Hub") as caught:
        weighthub.fetch(MODEL_URL)
    assert "HF_ENDPOINT='hub.example.org'" in str(caught.value)


# A damaged huggingface_hub cache ----------------------------------------------------------------


def test_a_broken_symlink_is_refetched_with_a_warning(hub, model):
    path = weighthub.fetch(MODEL_URL)
    path.resolve().unlink()
    with pytest.warns(UserWarning, match="does not exist; downloading it again"):
        assert weighthub.fetch(MODEL_URL).read_bytes() == model


def test_a_blob_whose_bytes_are_not_its_name_is_refetched_with_a_warning(hub, model, hf_cache):
    commit = hub.commit_of("org/model")
    # As huggingface_hub would leave it: a blob without weighthub's record, damaged.
    storage = hf_cache / "models--org--model"
    blob = storage / "blobs" / _sha(model)
    blob.parent.mkdir(parents=True)
    blob.write_bytes(b"\0" + model[1:])
    pointer = storage / "snapshots" / commit / "model.safetensors"
    pointer.parent.mkdir(parents=True)
    pointer.symlink_to(f"../../blobs/{_sha(model)}")
    with pytest.warns(UserWarning, match="is not usable"):
        assert weighthub.fetch(MODEL_URL).read_bytes() == model
    assert blob.read_bytes() == model


def test_a_file_damaged_after_it_was_verified_is_fetched_again_on_load(hub, tmp_path):
    pytest.importorskip("safetensors")
    import torch
    from safetensors.torch import save

    data = save({"w": torch.arange(6.0)})
    hub.add_file("org/st", "model.safetensors", data)
    url = "https://huggingface.co/org/st/resolve/main/model.safetensors"
    path = weighthub.fetch(url)
    blob = path.resolve()
    stat = blob.stat()
    blob.write_bytes(b"x" * len(data))
    os.utime(blob, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and mtime: bit rot
    with pytest.warns(UserWarning, match="downloading it again"):
        state = weighthub.load_state_dict_from_url(url)
    assert state["w"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


# Homes, bundles and layers ----------------------------------------------------------------------


def test_a_named_home_keeps_its_hub_files_in_the_same_layout(hub, model, tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("WEIGHTHUB_HOME", str(home))
    path = _fetch_quietly(MODEL_URL)
    commit = hub.commit_of("org/model")
    hub_files = home / "checkpoints" / "huggingface"
    assert path == hub_files / "models--org--model" / "snapshots" / commit / "model.safetensors"
    other = _fetch_quietly(MODEL_URL, model_dir=tmp_path / "elsewhere")
    assert other.is_relative_to(tmp_path / "elsewhere" / "huggingface")


def test_a_read_only_hub_cache_is_a_layer(hub, model, hf_cache, tmp_path, monkeypatch):
    commit = hub.commit_of("org/model")
    weighthub.fetch(MODEL_URL)
    for record in hf_cache.rglob("*.weighthub.json"):
        record.unlink()  # as if huggingface_hub had filled it
    for folder, _, files in os.walk(hf_cache):
        for name in files:
            os.chmod(Path(folder, name), 0o444)
        os.chmod(folder, 0o555)
    try:
        monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(hf_cache))
        monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hf"))
        monkeypatch.setenv("WEIGHTHUB_HOME", str(tmp_path / "home"))
        mark = len(hub.requests)
        path = _fetch_quietly(MODEL_URL)
        assert path == hf_cache / "models--org--model" / "snapshots" / commit / "model.safetensors"
        assert [m for m, _, _ in _log(hub, mark)] == ["HEAD"]
        monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")
        assert _fetch_quietly(MODEL_URL) == path
        records = list((tmp_path / "home" / "checkpoints" / ".local-records").iterdir())
        assert len(records) == 1, "the layer's record is kept in the writable cache"
    finally:
        for folder, _, _ in os.walk(hf_cache):
            os.chmod(folder, 0o755)


def test_without_symlinks_snapshot_files_are_verified_copies(hub, model, monkeypatch):
    monkeypatch.setenv("HF_HUB_DISABLE_SYMLINKS", "1")
    path = _fetch_quietly(MODEL_URL)
    assert not path.is_symlink()
    assert path.read_bytes() == model
    commit = hub.commit_of("org/model")
    mark = len(hub.requests)
    pinned = f"hf://org/model@{commit}/model.safetensors"
    assert _fetch_quietly(pinned) == path
    assert _log(hub, mark) == []
    path.write_bytes(b"\0" + model[1:])  # a damaged copy is noticed and replaced
    with pytest.warns(UserWarning, match="not usable"):
        assert weighthub.fetch(pinned).read_bytes() == model
