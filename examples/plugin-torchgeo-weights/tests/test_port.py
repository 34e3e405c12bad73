"""torchgeo's facts, carried unchanged, and its checkpoints loaded as torchgeo loads them.

Checkpoints of the right shapes are generated and served from a loopback server at torchgeo's own
URLs (``WEIGHTHUB_MIRROR``, through ``weighthub.testing``'s ``weights_server``).
"""

from __future__ import annotations

import re

import pytest
import torch

import weighthub
from example_torchgeo_weights._weights import ResNet50_Weights, ViTSmall16_Weights
from weighthub.meta import validate_meta

from .checkpoints import architecture, torchgeo_checkpoint, torchgeo_recipe

DOMAIN = {
    "dataset": str,
    "in_chans": int,
    "model": str,
    "publication": str,
    "repo": str,
    "ssl_method": str,
    "bands": list[str] | tuple[str, ...],
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
    import timm

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


@pytest.mark.skipif(
    "timm/resnet50" not in weighthub.list_models(),
    reason="needs plugin namespaces and weighthub-timm's builders (issue 21, point 4)",
)
def test_get_model_by_torchgeos_names(weights_server):  # pragma: no cover - once namespaces land
    member = weighthub.get_weight("torchgeo/ResNet50_Weights.SENTINEL2_ALL_MOCO")
    state = torchgeo_checkpoint(member)
    weights_server.serve(member, state)
    model = weighthub.get_model("timm/resnet50", weights=member)
    theirs = torchgeo_recipe(member, state).state_dict()
    for key in state:
        assert torch.equal(model.state_dict()[key], theirs[key]), key
