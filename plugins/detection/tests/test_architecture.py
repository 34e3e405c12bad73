"""Builders with weights=None give torchvision's architecture: modules, options and state dict."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import torch
import torchvision.models.detection as tvd
from torch import nn

import weighthub_detection
from weighthub.testing.torchvision_oracle import state_dict_signature
from weighthub_detection._plugin import MODELS

_PLAIN = (bool, int, float, str, type(None))
_MODULE_INTERNALS = {"training", "_non_persistent_buffers_set"}


def _plain(value: Any) -> bool:
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return False


def structure(model: nn.Module) -> list[tuple[str, str, dict[str, Any]]]:
    """Each module's name, class and plain-valued attributes (thresholds, sizes, means ...)."""
    out = []
    for name, module in model.named_modules():
        options = {
            key: value
            for key, value in vars(module).items()
            if key not in _MODULE_INTERNALS and not key.endswith("hooks") and _plain(value)
        }
        for key, value in vars(module).items():  # e.g. BoxCoder, Matcher, anchor sizes
            if not isinstance(value, nn.Module | torch.Tensor) and hasattr(value, "__dict__"):
                options[key] = {k: v for k, v in vars(value).items() if _plain(v)}
        out.append((name, type(module).__qualname__, options))
    return out


def trainable(model: nn.Module) -> list[str]:
    return [name for name, p in model.named_parameters() if p.requires_grad]


@pytest.mark.parametrize("name", list(MODELS))
def test_same_architecture_as_torchvision(name: str) -> None:
    with torch.device("meta"), warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = getattr(weighthub_detection, name)(weights=None, weights_backbone=None)
        theirs = getattr(tvd, name)(weights=None, weights_backbone=None)
    assert type(ours) is type(theirs)
    assert state_dict_signature(ours) == state_dict_signature(theirs)
    assert structure(ours) == structure(theirs)
    assert trainable(ours) == trainable(theirs)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("fasterrcnn_mobilenet_v3_large_320_fpn", {"num_classes": 5, "min_size": 256}),
        ("retinanet_resnet50_fpn_v2", {"num_classes": 3, "score_thresh": 0.2}),
        ("keypointrcnn_resnet50_fpn", {"num_keypoints": 5}),
        ("ssdlite320_mobilenet_v3_large", {"num_classes": 7, "width_mult": 0.5}),
    ],
)
def test_options_reach_the_model_as_in_torchvision(name: str, options: dict[str, Any]) -> None:
    with torch.device("meta"):
        ours = getattr(weighthub_detection, name)(weights_backbone=None, **options)
        theirs = getattr(tvd, name)(weights_backbone=None, **options)
    assert state_dict_signature(ours) == state_dict_signature(theirs)
    assert structure(ours) == structure(theirs)
