"""MaxViT builder, on torchvision's :class:`MaxVit`."""

from __future__ import annotations

from typing import Any

from torchvision.models.maxvit import MaxVit

from weighthub import WeightsEnum
from weighthub.building import (
    TORCHVISION_SHAPED,
    load,
    make_builder,
    overwrite_named_param,
    set_num_classes,
    square_min_size,
)

from .._weights._maxvit import MaxVit_T_Weights

__all__ = ["maxvit_t"]


def _build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> MaxVit:
    if weights is not None:
        set_num_classes(weights, kwargs)
        overwrite_named_param(kwargs, "input_size", square_min_size(weights))
    input_size = kwargs.pop("input_size", (224, 224))
    return load(
        lambda: MaxVit(
            stem_channels=64,
            block_channels=[64, 128, 256, 512],
            block_layers=[2, 2, 5, 2],
            stochastic_depth_prob=0.2,
            head_dim=32,
            partition_size=7,
            input_size=input_size,
            **kwargs,
        ),
        weights,
        progress,
    )


maxvit_t = make_builder(
    "maxvit_t",
    MaxVit_T_Weights,
    _build,
    model_cls=MaxVit,
    summary="MaxViT-T from `MaxViT: Multi-Axis Vision Transformer "
    "<https://arxiv.org/abs/2204.01697>`__.",
    module=TORCHVISION_SHAPED,
)
