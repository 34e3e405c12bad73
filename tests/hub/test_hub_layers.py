"""Hub files in read-only layers: never written to, set aside when they fail to load, and a layer
that goes away is no dead end when the writable cache holds the file."""

from __future__ import annotations

import os
import re
import shutil
import sys
import warnings
from pathlib import Path

import pytest

import weighthub

sys.path.insert(0, str(Path(__file__).parents[1] / "fetch"))

from _readonly import MODE, read_only, snapshot

URL = "https://huggingface.co/org/st/resolve/main/model.safetensors"


@pytest.fixture
def state_bytes(hub) -> bytes:
    """``org/st`` with a loadable ``model.safetensors`` on ``main``."""
    pytest.importorskip("safetensors")
    import torch
    from safetensors.torch import save

    data = save({"w": torch.arange(6.0)})
    hub.add_file("org/st", "model.safetensors", data)
    return data


def _bundle(home: Path, monkeypatch) -> Path:
    """Fetch the file into the weighthub home ``home`` (as ``download --to`` does); its blob."""
    monkeypatch.setenv("WEIGHTHUB_HOME", str(home))
    path = weighthub.fetch(URL)
    assert path.is_relative_to(home / "checkpoints" / "huggingface")
    return path.resolve()


@pytest.mark.parametrize("check", [MODE])
def test_a_hub_layer_file_that_fails_to_load_is_set_aside_not_written(
    check, hub, state_bytes, tmp_path, monkeypatch
):
    bundle, home = tmp_path / "bundle", tmp_path / "home"
    blob = _bundle(bundle, monkeypatch)
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(bundle))
    monkeypatch.setenv("WEIGHTHUB_HOME", str(home))
    in_layer = weighthub.fetch(URL)  # verified once, recorded in the writable cache
    assert in_layer.is_relative_to(bundle)
    st = blob.stat()
    blob.write_bytes(b"x" * len(state_bytes))  # bit rot: same size and mtime, its record matches
    os.utime(blob, ns=(st.st_atime_ns, st.st_mtime_ns))
    before = snapshot(bundle)
    with read_only(bundle):
        assert weighthub.fetch(URL) == in_layer  # trusted after one stat, as any cached file
        with pytest.warns(UserWarning, match=r"read-only layer .*bundle.*skipping it"):
            state = weighthub.load_state_dict_from_url(URL)
        assert state["w"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
        # Set aside in the writable cache: the next fetch skips it, with a warning, at once.
        with pytest.warns(UserWarning, match=r"read-only layer .*bundle.*skipping it"):
            again = weighthub.fetch(URL)
    assert again.is_relative_to(home) and again.read_bytes() == state_bytes
    assert snapshot(bundle) == before


def test_a_vanished_layer_does_not_stop_hub_files_the_cache_holds(
    hub, state_bytes, tmp_path, monkeypatch
):
    bundle, home = tmp_path / "bundle", tmp_path / "home"
    _bundle(bundle, monkeypatch)
    monkeypatch.setenv("WEIGHTHUB_HOME", str(home))
    cached = weighthub.fetch(URL)  # the writable cache's own copy
    hub.add_file("org/other", "model.safetensors", state_bytes)
    other = URL.replace("org/st", "org/other")
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(bundle))
    shutil.rmtree(bundle)  # the NFS export went away
    with pytest.warns(UserWarning, match=rf"CACHE_PATH lists '{re.escape(str(bundle))}'.*skipped"):
        assert weighthub.fetch(URL) == cached
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per process
        assert weighthub.fetch(URL) == cached
    # Nothing holds this one: the clear error naming the setting, and no download.
    with pytest.raises(weighthub.CachePathError, match="WEIGHTHUB_CACHE_PATH lists"):
        weighthub.fetch(other)
    assert not any("org/other" in r.path and r.method == "GET" for r in hub.requests)
