"""Where timm's weights are fetched from, verified and pinned; and handing any member to timm.

* A Hub-hosted tag is a Hub file for weighthub: fetched from the (loopback) Hub, verified against
  the sha256 the Hub announces, cached in huggingface_hub's layout, pinned by ``weighthub lock``.
* The 19 URL-only tags keep timm's URL.
* The 37 files torchvision publishes keep torchvision's URL: timm's name and torchvision's reach
  one cached file, which timm's architecture loads.
* ``member.fetch()`` is the verified cached file ``timm.create_model(arch, pretrained=True,
  pretrained_cfg_overlay=dict(file=...))`` takes, whichever plugin the member comes from.
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import timm
import torch
from safetensors.torch import save as save_safetensors
from timm.models import get_pretrained_cfg

import weighthub
from weighthub.testing import Fault, HubServer
from weighthub_timm import weights_of

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# The spelling issue 23 asks `weighthub lock` to take: timm's own, in the plugin's namespace.
NAMESPACED = "timm/resnet50.a1_in1k"


@pytest.fixture
def hub(isolated_weighthub: Path, hub_server: HubServer, monkeypatch) -> HubServer:
    """The loopback Hub (``HF_ENDPOINT``), weighthub online with a home of its own."""
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "0")
    monkeypatch.setenv("WEIGHTHUB_RETRY_BACKOFF", "0.01")
    return hub_server


def _safetensors(arch: str, seed: int) -> tuple[bytes, dict[str, torch.Tensor]]:
    """A timm checkpoint of ``arch``: its randomly initialised state, as safetensors bytes."""
    torch.manual_seed(seed)
    state = timm.create_model(arch, pretrained=False).state_dict()
    state = {name: tensor.contiguous() for name, tensor in state.items()}
    return save_safetensors(state), state


def _assert_state(model: torch.nn.Module, expected: dict[str, torch.Tensor]) -> None:
    state = model.state_dict()
    assert state.keys() == expected.keys()
    for name, tensor in expected.items():
        assert torch.equal(state[name], tensor), name


# --- where each tag comes from ----------------------------------------------------------------


def test_hub_tags_fetch_the_safetensors_file_timm_prefers(members):
    hub = {n: m for n, m in members.items() if "x_hf_hub_id" in m.meta}
    on_hub = {n: m for n, m in hub.items() if "x_torchvision_weights" not in m.meta}
    assert (len(hub), len(on_hub)) == (1807, 1770)
    for name, member in on_hub.items():
        repo, files = member.meta["x_hf_hub_id"], member.meta["x_hf_hub_files"]
        # timm tries model.safetensors, then pytorch_model.bin: the member takes the first.
        assert files == ("model.safetensors", "pytorch_model.bin"), name
        assert member.url == f"https://huggingface.co/{repo}/resolve/main/model.safetensors"
        assert repo == get_pretrained_cfg(name).hf_hub_id
    # torchvision's earlier Inception v3 file is in no torchvision enum: timm's Hub copy it is.
    assert members["inception_v3.tv_in1k"].url.startswith("https://huggingface.co/timm/")


def test_the_19_url_only_tags_keep_timms_url(members):
    plain = {n: m for n, m in members.items() if "x_hf_hub_id" not in m.meta}
    assert len(plain) == 19
    for name, member in plain.items():
        assert member.url == get_pretrained_cfg(name).url
    hosts = sorted({m.url.split("/")[2] for m in plain.values()})
    assert hosts == ["dl.fbaipublicfiles.com", "github.com"]


def test_torchvisions_files_keep_torchvisions_url(members):
    twins = {n: m for n, m in members.items() if "x_torchvision_weights" in m.meta}
    assert len(twins) == 37
    for name, member in twins.items():
        torchvision_member = weighthub.get_weight(member.meta["x_torchvision_weights"])
        # One URL, so one cache entry: torch.hub's <file name>, its sha256 prefix checked.
        assert member.url == torchvision_member.url == get_pretrained_cfg(name).url, name
        assert member.url.startswith("https://download.pytorch.org/models/")
    assert twins["resnet50.tv2_in1k"].url.endswith("/resnet50-11ad3fa6.pth")


# --- the Hub source ----------------------------------------------------------------------------


def test_a_hub_tag_is_fetched_verified_and_cached_as_huggingface_hub_does(hub):
    member = weights_of("test_vit.r160_in1k")
    repo = member.meta["x_hf_hub_id"]
    data, state = _safetensors("test_vit", seed=1)
    commit = hub.add_file(repo, "model.safetensors", data)
    # Bytes that are not what the Hub announces are refused, and nothing is left that looks
    # complete.
    hub.fault(Fault("corrupt"), repo, "model.safetensors", at="cdn")
    with pytest.raises(weighthub.IntegrityError, match=hashlib.sha256(data).hexdigest()):
        member.fetch(progress=False)
    storage = weighthub.cache_dir() / "huggingface" / "models--timm--test_vit.r160_in1k"
    assert not list((storage / "blobs").iterdir())
    assert not list(storage.glob("snapshots/*/*"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "downloaded without verification"
        path = member.fetch(progress=False)
    assert path.read_bytes() == data
    assert path.parts[-3:] == ("snapshots", commit, "model.safetensors")
    assert path.resolve().name == hashlib.sha256(data).hexdigest()  # blobs/{sha256}
    assert path.parents[2] == storage

    # The other direction: timm builds from that very file.
    model = timm.create_model(
        "test_vit.r160_in1k", pretrained=True, pretrained_cfg_overlay={"file": str(path)}
    )
    _assert_state(model, state)


def test_weighthub_lock_pins_a_timm_tag_to_its_commit_and_sha256(hub, tmp_path, monkeypatch):
    name = NAMESPACED
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", weighthub.MetaValidationWarning)
        member = weighthub.get_weight(name)
    assert member.meta["x_timm_name"] == "resnet50.a1_in1k"
    repo = member.meta["x_hf_hub_id"]
    data = random.Random(23).randbytes(300_000)
    commit = hub.add_file(repo, "model.safetensors", data)
    lockfile = tmp_path / "weights.lock"
    done = subprocess.run(
        [sys.executable, "-m", "weighthub", "lock", name, "-o", str(lockfile), "--no-progress"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (entry,) = tomllib.loads(lockfile.read_text(encoding="utf-8"))["file"]
    assert entry["url"] == member.url
    assert (entry["repo"], entry["commit"], entry["path"]) == (repo, commit, "model.safetensors")
    assert (entry["sha256"], entry["size"]) == (hashlib.sha256(data).hexdigest(), len(data))

    # main moves to other bytes; under the lock the member still gets the pinned file, from
    # the cache, without asking the Hub.
    hub.add_file(repo, "model.safetensors", random.Random(24).randbytes(300_000))
    asked = len(hub.requests)
    monkeypatch.setenv("WEIGHTHUB_LOCK", str(lockfile))
    assert member.fetch(progress=False).read_bytes() == data
    assert len(hub.requests) == asked


# --- torchvision's files: one cached copy, loaded by timm's architecture -------------------------


# Generated checkpoints do not match the files' sha256 prefixes: the server turns hash checks off.
@pytest.mark.filterwarnings("ignore:.*without verification:UserWarning")
@pytest.mark.parametrize(
    ("timm_name", "torchvision_arch"),
    [("resnet18.tv_in1k", "resnet18"), ("regnetx_004_tv.tv2_in1k", "regnet_x_400mf")],
)
def test_one_cached_file_serves_torchvisions_and_timms_names(
    weights_server, backbone_checkpoint, timm_name, torchvision_arch
):
    import torchvision.models

    member = weights_of(timm_name)
    torchvision_member = weighthub.get_weight(member.meta["x_torchvision_weights"])
    checkpoint = backbone_checkpoint(torchvision_arch)
    weights_server.serve(torchvision_member, checkpoint)

    path = member.fetch(progress=False)
    assert torchvision_member.fetch(progress=False) == path
    assert path.name == torchvision_member.url.rsplit("/", 1)[1]  # torch.hub's layout
    assert weights_server.server.count() == 1  # one download for both names

    # timm's architecture loads torchvision's file (a regnet through timm's own key filter),
    # and computes what torchvision's model computes.
    model = timm.create_model(
        timm_name, pretrained=True, pretrained_cfg_overlay={"file": str(path)}
    )
    reference = torchvision.models.get_model(torchvision_arch)
    reference.load_state_dict(torch.load(checkpoint, weights_only=True))
    images = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        torch.testing.assert_close(model.eval()(images), reference.eval()(images))
