"""weighthub.models.detection.backbone_utils against torchvision's functions of the same names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch
import torchvision.models as tvm
from torchvision.models.detection import backbone_utils as tv_backbone_utils

import weighthub
from weighthub import WeightsEnum
from weighthub.models.detection.backbone_utils import mobilenet_backbone, resnet_fpn_backbone
from weighthub.testing import TorchHubCache


@pytest.mark.parametrize(
    ("arch", "enum_name", "build"),
    [
        (
            "resnet50",
            "ResNet50_Weights",
            lambda fn, w: fn(backbone_name="resnet50", weights=w, trainable_layers=2),
        ),
        (
            "mobilenet_v3_large",
            "MobileNet_V3_Large_Weights",
            lambda fn, w: fn(backbone_name="mobilenet_v3_large", weights=w, fpn=True),
        ),
    ],
)
def test_same_backbone_as_torchvision(
    arch: str,
    enum_name: str,
    build: Callable[..., torch.nn.Module],
    backbone_member: Callable[[str, str], WeightsEnum],
    backbone_checkpoint: Callable[[str], Path],
    torch_hub_cache: TorchHubCache,
) -> None:
    ours_fn = resnet_fpn_backbone if arch.startswith("resnet") else mobilenet_backbone
    theirs_fn = getattr(tv_backbone_utils, ours_fn.__name__)
    torch.manual_seed(0)
    ours = build(ours_fn, backbone_member(enum_name, arch))
    tv_member = tvm.get_model_weights(arch).IMAGENET1K_V1
    torch_hub_cache.add(tv_member, backbone_checkpoint(arch))
    torch.manual_seed(0)
    theirs = build(theirs_fn, tv_member)
    assert type(ours) is type(theirs)
    mine, reference = ours.state_dict(), theirs.state_dict()
    assert mine.keys() == reference.keys()
    # The loaded backbone is identical; the FPN on top is freshly initialised in both.
    loaded = [k for k in reference if k.startswith("body.")]
    assert len(loaded) > 50
    for key in loaded:
        torch.testing.assert_close(mine[key], reference[key], rtol=0, atol=0, msg=key)
    trainable = [n for n, p in ours.named_parameters() if p.requires_grad]
    assert trainable == [n for n, p in theirs.named_parameters() if p.requires_grad]


def test_pretrained_is_deprecated_and_picks_the_v1_weights() -> None:
    with (
        pytest.warns(UserWarning, match="deprecated"),
        pytest.raises(weighthub.OfflineModeError, match=r"resnet50-0676ba61\.pth"),
    ):
        resnet_fpn_backbone(backbone_name="resnet50", pretrained=True)
    with (
        pytest.warns(UserWarning, match="deprecated"),
        pytest.raises(weighthub.OfflineModeError, match=r"mobilenet_v2-b0353104\.pth"),
    ):
        mobilenet_backbone(backbone_name="mobilenet_v2", fpn=False, pretrained=True)


def test_unknown_backbone_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="Unknown backbone 'resnet51'"):
        resnet_fpn_backbone(backbone_name="resnet51", weights=None)
