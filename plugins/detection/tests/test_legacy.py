"""Legacy arguments and option checks: torchvision's warnings and errors, word for word."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
import torch
import torchvision.models.detection as tvd

import weighthub_detection
from weighthub_detection._mask_keypoint_rcnn import _keypoint_legacy_weights


def messages(build: Callable[[], Any]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught, torch.device("meta"):
        warnings.simplefilter("always")
        build()
    return [str(w.message) for w in caught if w.category is UserWarning]


def test_pretrained_false_gives_torchvision_4_warnings() -> None:
    ours = messages(
        lambda: weighthub_detection.fasterrcnn_resnet50_fpn(
            pretrained=False, pretrained_backbone=False
        )
    )
    theirs = messages(
        lambda: tvd.fasterrcnn_resnet50_fpn(pretrained=False, pretrained_backbone=False)
    )
    assert ours == theirs
    assert len(ours) == 4
    assert ours[2] == (
        "The parameter 'pretrained_backbone' is deprecated since 0.13 and may be removed in the "
        "future, please use 'weights_backbone' instead."
    )
    assert ours[3].endswith(
        "The current behavior is equivalent to passing `weights_backbone=None`."
    )


@pytest.mark.parametrize(
    "name",
    ["fasterrcnn_mobilenet_v3_large_320_fpn", "ssdlite320_mobilenet_v3_large", "ssd300_vgg16"],
)
def test_positional_and_legacy_warnings(name: str) -> None:
    ours, theirs = getattr(weighthub_detection, name), getattr(tvd, name)
    assert messages(lambda: ours(False, weights_backbone=None)) == messages(
        lambda: theirs(False, weights_backbone=None)
    )
    assert messages(lambda: ours(pretrained=False, weights_backbone=None)) == messages(
        lambda: theirs(pretrained=False, weights_backbone=None)
    )


def test_legacy_defaults() -> None:
    enum = weighthub_detection.KeypointRCNN_ResNet50_FPN_Weights
    assert _keypoint_legacy_weights({"pretrained": "legacy"}) is enum.COCO_LEGACY
    assert _keypoint_legacy_weights({"pretrained": True}) is enum.COCO_V1


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("fasterrcnn_resnet50_fpn", {"num_classes": 10}),
        ("retinanet_resnet50_fpn_v2", {"num_classes": 2}),
        ("keypointrcnn_resnet50_fpn", {"num_classes": 3}),
        ("keypointrcnn_resnet50_fpn", {"num_keypoints": 5}),
    ],
)
def test_option_conflicting_with_weights(name: str, options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="expected value") as ours:
        getattr(weighthub_detection, name)(weights="DEFAULT", **options)
    with pytest.raises(ValueError) as theirs:
        getattr(tvd, name)(weights="DEFAULT", **options)
    assert str(ours.value) == str(theirs.value)


def test_num_classes_expected_91() -> None:
    with pytest.raises(ValueError) as error:
        weighthub_detection.fasterrcnn_resnet50_fpn(weights="DEFAULT", num_classes=10)
    assert str(error.value) == "The parameter 'num_classes' expected value 91 but got 10 instead."


def test_trainable_layers_on_an_untrained_model() -> None:
    with pytest.warns(UserWarning) as ours, torch.device("meta"):
        model = weighthub_detection.fcos_resnet50_fpn(
            weights_backbone=None, trainable_backbone_layers=2
        )
    with pytest.warns(UserWarning) as theirs, torch.device("meta"):
        tvd.fcos_resnet50_fpn(weights_backbone=None, trainable_backbone_layers=2)
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    assert "falling back to trainable_backbone_layers=5" in str(ours[0].message)
    assert all(p.requires_grad for p in model.parameters())


def test_trainable_layers_out_of_range(backbone_member: Callable[[str, str], Any]) -> None:
    member = backbone_member("MobileNet_V3_Large_Weights", "mobilenet_v3_large")
    with pytest.raises(ValueError, match=r"should be in the range \[0,6\], got 7"):
        weighthub_detection.fasterrcnn_mobilenet_v3_large_fpn(
            weights_backbone=member, trainable_backbone_layers=7
        )
