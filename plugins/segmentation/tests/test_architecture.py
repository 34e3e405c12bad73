"""Builders with weights=None give torchvision's architecture (with and without aux_loss)."""

from __future__ import annotations

import warnings

import pytest
import torch
import torchvision.models.segmentation as tvs
from torch import nn

import weighthub_segmentation
from weighthub.testing.torchvision_oracle import state_dict_signature
from weighthub_segmentation._plugin import MODELS


def described(model: nn.Module) -> tuple[str, dict[str, object]]:
    return repr(model), state_dict_signature(model)


@pytest.mark.parametrize("aux_loss", [None, True])
@pytest.mark.parametrize("name", list(MODELS))
def test_same_architecture_as_torchvision(name: str, aux_loss: bool | None) -> None:
    options = {} if name.startswith("lraspp") else {"aux_loss": aux_loss}
    with torch.device("meta"), warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = getattr(weighthub_segmentation, name)(weights_backbone=None, **options)
        theirs = getattr(tvs, name)(weights_backbone=None, **options)
    assert type(ours) is type(theirs)
    assert described(ours) == described(theirs)


def test_num_classes_option() -> None:
    with torch.device("meta"):
        ours = weighthub_segmentation.deeplabv3_mobilenet_v3_large(
            weights_backbone=None, num_classes=4
        )
        theirs = tvs.deeplabv3_mobilenet_v3_large(weights_backbone=None, num_classes=4)
    assert described(ours) == described(theirs)
