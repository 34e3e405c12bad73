"""Cache keys that never collide: two URLs ending in the same file name keep their own entries.

torch.hub (and weighthub before) cached both ``.../a1_in1k/.../model.safetensors`` and
``.../tv_in1k/.../model.safetensors`` as ``model.safetensors``: the second load got the first
one's tensors. Each URL's entry is now its own, in either order, across processes and offline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from _server import Fault, make_checkpoint, sha

import weighthub
from weighthub import Weights, WeightsEnum
from weighthub.transforms import preset

A1 = make_checkpoint(seed=1)
TV = make_checkpoint(seed=2)


PATHS = (
    "/timm/resnet50.a1_in1k/resolve/main/model.safetensors",
    "/timm/resnet50.tv_in1k/resolve/main/model.safetensors",
)


@pytest.fixture
def two_urls(server):
    """Two URLs whose last segment is the same ``model.safetensors``, with different bytes."""
    return server.add(PATHS[0], A1), server.add(PATHS[1], TV)


def _record(path):
    return json.loads(path.with_name(path.name + ".weighthub.json").read_text())


@pytest.mark.parametrize("order", ["a1 first", "tv first"])
def test_the_second_url_gets_its_own_entry_in_either_order(server, cache, two_urls, order):
    urls = dict(zip((A1, TV), two_urls, strict=True))
    first, second = (A1, TV) if order == "a1 first" else (TV, A1)
    one = weighthub.fetch(urls[first], sha256=sha(first))
    two = weighthub.fetch(urls[second], sha256=sha(second))
    assert (one.read_bytes(), two.read_bytes()) == (first, second)
    assert one == cache / "model.safetensors", "torch.hub's name while nobody else holds it"
    assert two.parent == cache
    assert two.name.startswith("model.") and two.name.endswith(".safetensors")
    assert two.name != one.name
    assert (_record(one)["url"], _record(two)["url"]) == (urls[first], urls[second])

    gets = server.count()
    for data, url in urls.items():  # again and again: hits, each for its own URL
        assert weighthub.fetch(url, sha256=sha(data)).read_bytes() == data
        assert weighthub.fetch(url).read_bytes() == data  # no hash declared: the record decides
    assert server.count() == gets


def test_without_a_hash_the_second_load_no_longer_returns_the_first_ones_bytes(
    two_urls, monkeypatch
):
    a1_url, tv_url = two_urls
    with pytest.warns(UserWarning, match="without verification"):
        assert weighthub.fetch(a1_url).read_bytes() == A1
    with pytest.warns(UserWarning, match="without verification"):
        assert weighthub.fetch(tv_url).read_bytes() == TV  # was A1: issue 22's wrong weights
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")
    assert weighthub.fetch(a1_url).read_bytes() == A1
    assert weighthub.fetch(tv_url).read_bytes() == TV


_CHILD = """
import hashlib, sys, weighthub
print(hashlib.sha256(weighthub.fetch(sys.argv[1], progress=False).read_bytes()).hexdigest())
"""


@pytest.mark.slow
def test_two_processes_loading_both_urls_at_once_get_their_own_bytes(
    server, cache, two_urls, monkeypatch
):
    for path in PATHS:
        server.fault(path, Fault("slow", delay=0.05, chunk=4096, times=-1))
    children = [
        subprocess.Popen(
            [sys.executable, "-W", "ignore", "-c", _CHILD, url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for url in two_urls
    ]
    outs = [child.communicate(timeout=120) for child in children]
    assert [c.returncode for c in children] == [0, 0], outs
    assert [out.strip() for out, _ in outs] == [sha(A1), sha(TV)]
    assert server.count() == 2, "each URL downloaded once"
    names = sorted(p.name for p in cache.iterdir() if p.name.endswith(".safetensors"))
    assert len(names) == 2
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")
    assert [weighthub.fetch(url).read_bytes() for url in two_urls] == [A1, TV]


def test_an_unrecorded_torch_hub_file_is_claimed_by_the_first_url_using_it(server, cache, two_urls):
    a1_url, tv_url = two_urls
    cache.mkdir(parents=True)
    (cache / "model.safetensors").write_bytes(A1)  # as torch.hub left it: no record
    assert weighthub.fetch(a1_url, sha256=sha(A1)).read_bytes() == A1
    assert server.count() == 0, "torch.hub's file is reused"
    assert _record(cache / "model.safetensors")["url"] == a1_url
    assert weighthub.fetch(tv_url, sha256=sha(TV)).read_bytes() == TV
    assert server.count() == 1


def test_a_layer_keeps_both_entries_and_rm_takes_the_url(server, tmp_path, two_urls, monkeypatch):
    bundle = tmp_path / "bundle"
    plain, keyed = (
        weighthub.fetch(url, sha256=sha(data), model_dir=bundle / "checkpoints")
        for data, url in zip((A1, TV), two_urls, strict=True)
    )
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(bundle))
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")
    found = [weighthub.fetch(url) for url in two_urls]
    assert found == [plain, keyed]
    assert [p.read_bytes() for p in found] == [A1, TV]
    monkeypatch.delenv("WEIGHTHUB_CACHE_PATH")
    removed = weighthub.remove_cached(two_urls[1], bundle / "checkpoints")
    assert keyed in removed
    assert all(p.name.startswith(keyed.name) for p in removed)
    assert plain.read_bytes() == A1


class KeyedWeights(WeightsEnum):
    A1 = Weights(
        url="https://weights.invalid/timm/a1/model.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={},
        file_name="resnet50_a1_in1k.pth",
        sha256=sha(A1),
    )


def test_weights_choose_their_cache_file_name(weights_server, cache):
    weights_server.serve(KeyedWeights.A1, A1)
    assert KeyedWeights.A1.file_name == "resnet50_a1_in1k.pth"
    state = KeyedWeights.A1.get_state_dict()
    assert set(state) == {"w", "b"}
    assert (cache / "resnet50_a1_in1k.pth").read_bytes() == A1


@pytest.mark.parametrize("bad", ["a/b.pth", "..", ""])
def test_a_bad_file_name_is_refused_when_declared(bad):
    with pytest.raises(weighthub.InvalidFileNameError, match="file_name="):
        Weights(url="https://x.invalid/m.pth", transforms=preset, meta={}, file_name=bad)
