"""Loading weights: a generated checkpoint bit-identically, and backbone weights; a forward pass."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch
import torchvision.models.segmentation as tvs
from PIL import Image

import weighthub_segmentation
from weighthub import WeightsEnum
from weighthub.testing import TorchHubCache, WeightsServer


def test_checkpoint_loads_bit_identically(
    photo: Image.Image,
    weights_server: WeightsServer,
    torch_hub_cache: TorchHubCache,
    only_plugins: Callable[..., None],
) -> None:
    member = weighthub_segmentation.LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1
    torch.manual_seed(2)
    source = tvs.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None)
    for name, buffer in source.named_buffers():
        if name.endswith(("running_mean", "running_var")):
            buffer.uniform_(0.5, 1.5)
    tv_member = tvs.LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1

    only_plugins("weighthub-segmentation")
    weights_server.serve(member, source.state_dict())
    ours = weighthub_segmentation.lraspp_mobilenet_v3_large(weights=member).eval()
    torch_hub_cache.add(tv_member, source.state_dict())
    theirs = tvs.lraspp_mobilenet_v3_large(weights=tv_member).eval()
    batch = member.transforms()(photo).unsqueeze(0)
    with torch.no_grad():
        out_ours, out_theirs = ours(batch), theirs(batch)
    assert out_ours.keys() == out_theirs.keys() == {"out"}
    assert torch.equal(out_ours["out"], out_theirs["out"])


def test_backbone_weights_are_loaded(
    backbone_member: Callable[[str, str], WeightsEnum],
    backbone_checkpoint: Callable[[str], Path],
) -> None:
    member = backbone_member("MobileNet_V3_Large_Weights", "mobilenet_v3_large")
    model = weighthub_segmentation.deeplabv3_mobilenet_v3_large(weights_backbone=member)
    checkpoint = torch.load(backbone_checkpoint("mobilenet_v3_large"), weights_only=True)
    loaded = model.backbone.state_dict()
    assert loaded, "no backbone"
    for key, value in loaded.items():  # IntermediateLayerGetter keeps features.<i> as <i>
        assert torch.equal(value, checkpoint[f"features.{key}"]), key


@pytest.mark.parametrize(
    ("name", "enum_name"),
    [
        ("lraspp_mobilenet_v3_large", "LRASPP_MobileNet_V3_Large_Weights"),
        ("deeplabv3_mobilenet_v3_large", "DeepLabV3_MobileNet_V3_Large_Weights"),
    ],
)
def test_forward_on_a_photo(name: str, enum_name: str, photo: Image.Image) -> None:
    torch.manual_seed(0)
    model = getattr(weighthub_segmentation, name)(weights=None, weights_backbone=None).eval()
    preprocess = getattr(weighthub_segmentation, enum_name).DEFAULT.transforms()
    batch = preprocess(photo).unsqueeze(0)
    assert batch.shape == (1, 3, 609, 520)  # shorter side resized to 520
    with torch.no_grad():
        out = model(batch)
    assert list(out) == ["out"]
    assert out["out"].shape == (1, 21, 609, 520)
    assert out["out"].dtype == torch.float32
    assert out["out"].argmax(1).shape == (1, 609, 520)
