"""torchgeo's facts, carried unchanged, and its checkpoints loaded as torchgeo loads them.

Checkpoints of the right shapes are generated and served from a loopback server at torchgeo's own
URLs (``WEIGHTHUB_MIRROR``, through ``weighthub.testing``'s ``weights_server``).
"""

from __future__ import annotations

import fnmatch
import io
import re
import warnings
from typing import Any
from urllib.parse import urlsplit

import pytest
import timm
import torch

import weighthub
import weighthub.models
from example_torchgeo_weights._weights import ResNet50_Weights, ViTSmall16_Weights
from weighthub.meta import validate_meta

# Checkpoints of torchgeo's shapes, generated: timm's architecture for the weights' in_chans,
# without the keys the weights declare missing (torchgeo's ResNet checkpoints carry no fc).

ARCHITECTURES = {"ResNet50_Weights": "resnet50", "ViTSmall16_Weights": "vit_small_patch16_224"}


def architecture(weights: Any) -> str:
    """timm's architecture of a torchgeo enum's member (``meta["model"]`` is not always it:
    torchgeo's ``LANDSAT_ETM_SR_MOCO`` says ``resnet18`` for a ResNet-50)."""
    return ARCHITECTURES[type(weights).__name__]


def torchgeo_checkpoint(weights: Any, *, seed: int = 0) -> dict[str, torch.Tensor]:
    """A state dict in the shape of ``weights``' real file, with seeded random values."""
    torch.manual_seed(seed)
    model = timm.create_model(architecture(weights), in_chans=weights.meta["in_chans"])
    return {
        key: value
        for key, value in model.state_dict().items()
        if not any(fnmatch.fnmatchcase(key, pattern) for pattern in weights.missing_head)
    }


def torchgeo_recipe(weights: Any, state: dict[str, torch.Tensor]) -> torch.nn.Module:
    """torchgeo's own builder: ``timm.create_model(in_chans=...)``, then a load that may miss
    only the head (``torchgeo.models.resnet50``)."""
    model = timm.create_model(architecture(weights), in_chans=weights.meta["in_chans"])
    missing, unexpected = model.load_state_dict(state, strict=False)
    head = {
        k
        for k in model.state_dict()
        if any(fnmatch.fnmatchcase(k, p) for p in weights.missing_head)
    }
    assert set(missing) <= head and not unexpected, (missing, unexpected)
    return model


DOMAIN = {
    "dataset": str,
    "in_chans": int,
    "model": str,
    "publication": str,
    "repo": str,
    "ssl_method": str,
    "bands": list[str] | tuple[str, ...],
    "sensor": str,
}

# torchgeo's member names, in its order (commit 7ea0616de of microsoft/torchgeo).
RESNET50 = [
    "FMOW_RGB_GASSL",
    "LANDSAT_TM_TOA_MOCO",
    "LANDSAT_TM_TOA_SIMCLR",
    "LANDSAT_ETM_TOA_MOCO",
    "LANDSAT_ETM_TOA_SIMCLR",
    "LANDSAT_ETM_SR_MOCO",
    "LANDSAT_ETM_SR_SIMCLR",
    "LANDSAT_OLI_TIRS_TOA_MOCO",
    "LANDSAT_OLI_TIRS_TOA_SIMCLR",
    "LANDSAT_OLI_SR_MOCO",
    "LANDSAT_OLI_SR_SIMCLR",
    "SENTINEL1_ALL_DECUR",
    "SENTINEL1_ALL_MOCO",
    "SENTINEL1_GRD_CLOSP",
    "SENTINEL1_GRD_GEOCLOSP",
    "SENTINEL1_GRD_SOFTCON",
    "SENTINEL2_ALL_CLOSP",
    "SENTINEL2_ALL_DECUR",
    "SENTINEL2_ALL_DINO",
    "SENTINEL2_ALL_GEOCLOSP",
    "SENTINEL2_ALL_MOCO",
    "SENTINEL2_ALL_SOFTCON",
    "SENTINEL2_ALL_SECO_ECO",
    "SENTINEL2_ALL_NDVI_SECO_ECO",
    "SENTINEL2_MI_MS_SATLAS",
    "SENTINEL2_MI_RGB_SATLAS",
    "SENTINEL2_RGB_MOCO",
    "SENTINEL2_RGB_SECO",
    "SENTINEL2_SI_MS_SATLAS",
    "SENTINEL2_SI_RGB_SATLAS",
]


def test_names_and_aliases_are_torchgeos():
    assert [m.name for m in ResNet50_Weights] == RESNET50
    assert ResNet50_Weights.SENTINEL1_GRD_DECUR is ResNet50_Weights.SENTINEL1_ALL_DECUR
    assert ResNet50_Weights.SENTINEL1_GRD_MOCO is ResNet50_Weights.SENTINEL1_ALL_MOCO
    for enum in (ResNet50_Weights, ViTSmall16_Weights):
        assert "DEFAULT" not in enum.__members__


@pytest.mark.parametrize("member", [*ResNet50_Weights, *ViTSmall16_Weights], ids=str)
def test_meta_follows_the_schema_with_torchgeos_keys_declared(member):
    assert member.url.startswith(("https://hf.co/", "https://huggingface.co/"))
    assert re.search(r"/resolve/[0-9a-f]{40}/", member.url), "commit-pinned, as torchgeo's"
    assert member.model_kwargs == {"in_chans": member.meta["in_chans"]}
    # torchgeo's FMOW_RGB_GASSL names no bands.
    assert len(member.meta.get("bands", "RGB")) == member.meta["in_chans"]
    problems = validate_meta(
        member.meta, "image_classification", attached=True, headless=True, domain_keys=DOMAIN
    )
    assert problems == []
    transform = member.transforms()
    assert len(transform.mean) == member.meta["in_chans"]


@pytest.mark.parametrize(
    "member",
    [
        ResNet50_Weights.SENTINEL2_ALL_MOCO,
        ResNet50_Weights.SENTINEL2_RGB_MOCO,
        ResNet50_Weights.SENTINEL1_GRD_SOFTCON,
        ViTSmall16_Weights.SENTINEL2_ALL_DINO,
    ],
    ids=str,
)
def test_loading_equals_torchgeos_recipe_on_every_loaded_tensor(member, weights_server):
    state = torchgeo_checkpoint(member)
    weights_server.serve(member, state)
    in_chans = member.meta["in_chans"]
    model = weighthub.construct_model(
        lambda: timm.create_model(architecture(member), **member.model_kwargs),
        member,
        progress=False,
    )
    theirs = torchgeo_recipe(member, state).state_dict()
    ours = model.state_dict()
    for key, value in state.items():
        assert torch.equal(ours[key], value), key
        assert torch.equal(ours[key], theirs[key]), key
    image = torch.rand(1, in_chans, 264, 264) * 10_000
    assert model.eval()(member.transforms()(image)).shape == (1, 1000)


@pytest.fixture
def torchgeo_mirror(weights_server, monkeypatch):
    """Serve generated checkpoints at torchgeo's own URL paths: its Hub hosts mirrored to the
    loopback server, as an organisation mirrors them. Generated bytes never match the hash
    prefixes in torchgeo's file names, so hash checks are off for the test."""
    server = weights_server.server
    monkeypatch.setenv(
        "WEIGHTHUB_MIRROR", f"https://hf.co/={server.base}/;https://huggingface.co/={server.base}/"
    )
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "0")
    monkeypatch.setenv("WEIGHTHUB_CHECK_HASH", "0")

    def serve(member, state):
        buffer = io.BytesIO()
        torch.save(state, buffer)
        path = urlsplit(member.url).path
        server.add(path, buffer.getvalue())
        return path

    serve.server = server
    return serve


@pytest.mark.parametrize(
    ("model_name", "weights_name"),
    [
        ("timm/resnet50", "torchgeo/ResNet50_Weights.SENTINEL2_ALL_MOCO"),
        ("timm/resnet50", "torchgeo/ResNet50_Weights.SENTINEL1_GRD_SOFTCON"),
        ("timm/vit_small_patch16_224", "torchgeo/ViTSmall16_Weights.SENTINEL2_ALL_DINO"),
    ],
)
def test_get_model_by_torchgeos_names_equals_torchgeos_recipe(
    model_name, weights_name, torchgeo_mirror
):
    member = weighthub.get_weight(weights_name)
    assert weighthub.get_weight_name(member) == weights_name
    state = torchgeo_checkpoint(member)
    path = torchgeo_mirror(member, state)
    model = weighthub.get_model(model_name, weights=weights_name)
    assert torchgeo_mirror.server.count(path) == 1, "fetched at torchgeo's URL path"
    theirs = torchgeo_recipe(member, state).state_dict()
    ours = model.state_dict()
    assert set(ours) == set(theirs)
    for key, value in state.items():
        assert torch.equal(ours[key], value), key
        assert torch.equal(ours[key], theirs[key]), key
    head = model.get_classifier()
    assert not head.weight.is_meta and head.weight.abs().sum() > 0, "freshly initialised"
    assert all(k.startswith(("fc.", "head.")) for k in set(ours) - set(state))
    in_chans = member.meta["in_chans"]
    image = torch.rand(1, in_chans, 264, 264) * 10_000
    assert model.eval()(member.transforms()(image)).shape == (1, 1000)


def test_torchgeos_names_clash_with_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no PluginWarning, no MetaValidationWarning
        torchvision = weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V2")
        ours = weighthub.get_weight("torchgeo/ResNet50_Weights.SENTINEL2_ALL_MOCO")
        assert torchvision.url == "https://download.pytorch.org/models/resnet50-11ad3fa6.pth"
        assert weighthub.models.ResNet50_Weights is type(torchvision)
        assert weighthub.models.torchgeo.ResNet50_Weights is type(ours) is ResNet50_Weights
        assert weighthub.get_model_weights("resnet50") is type(torchvision)
        names = weighthub.list_weights("timm/resnet50", plugin="example-torchgeo-weights")
        assert len(names) == len(ResNet50_Weights)
        assert "torchgeo/ResNet50_Weights.SENTINEL2_ALL_MOCO" in names
        assert len(weighthub.list_weights(plugin="example-torchgeo-weights")) == 48


def test_a_headless_checkpoint_carrying_a_head_is_refused_by_name(torchgeo_mirror):
    member = ResNet50_Weights.SENTINEL2_RGB_MOCO
    torch.manual_seed(0)
    torchgeo_mirror(member, timm.create_model("resnet50", in_chans=3).state_dict())
    with pytest.raises(weighthub.CheckpointMismatchError, match=r"fc\.weight"):
        weighthub.get_model("timm/resnet50", weights=member)


def test_in_chans_disagreeing_with_the_checkpoint_names_the_layer(torchgeo_mirror):
    member = ResNet50_Weights.SENTINEL2_ALL_MOCO  # in_chans 13
    torchgeo_mirror(member, torchgeo_checkpoint(ResNet50_Weights.SENTINEL2_RGB_MOCO))
    with pytest.raises(weighthub.CheckpointMismatchError, match=r"conv1\.weight"):
        weighthub.get_model("timm/resnet50", weights=member)
