"""ShuffleNetV2 builders, on torchvision's :class:`ShuffleNetV2`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torchvision.models.shufflenetv2 import ShuffleNetV2

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED, load, make_builder, set_num_classes

from .._weights._shufflenetv2 import (
    ShuffleNet_V2_X0_5_Weights,
    ShuffleNet_V2_X1_0_Weights,
    ShuffleNet_V2_X1_5_Weights,
    ShuffleNet_V2_X2_0_Weights,
)

__all__ = ["shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]

_PAPER = (
    "`ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture Design "
    "<https://arxiv.org/abs/1807.11164>`__"
)


def _shufflenet(
    name: str, enum: type[WeightsEnum], channels: list[int], width: str
) -> Callable[..., ShuffleNetV2]:
    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> ShuffleNetV2:
        set_num_classes(weights, kwargs)
        return load(lambda: ShuffleNetV2([4, 8, 4], channels, **kwargs), weights, progress)

    summary = f"ShuffleNetV2 with {width} output channels from {_PAPER}."
    return make_builder(
        name, enum, build, model_cls=ShuffleNetV2, summary=summary, module=TORCHVISION_SHAPED
    )


shufflenet_v2_x0_5 = _shufflenet(
    "shufflenet_v2_x0_5", ShuffleNet_V2_X0_5_Weights, [24, 48, 96, 192, 1024], "0.5x"
)
shufflenet_v2_x1_0 = _shufflenet(
    "shufflenet_v2_x1_0", ShuffleNet_V2_X1_0_Weights, [24, 116, 232, 464, 1024], "1.0x"
)
shufflenet_v2_x1_5 = _shufflenet(
    "shufflenet_v2_x1_5", ShuffleNet_V2_X1_5_Weights, [24, 176, 352, 704, 1024], "1.5x"
)
shufflenet_v2_x2_0 = _shufflenet(
    "shufflenet_v2_x2_0", ShuffleNet_V2_X2_0_Weights, [24, 244, 488, 976, 2048], "2.0x"
)
