"""MobileNetV2 builder, on torchvision's :class:`MobileNetV2`."""

from __future__ import annotations

from typing import Any

from torchvision.models.mobilenetv2 import MobileNetV2

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED, load, make_builder, set_num_classes

from .._weights._mobilenetv2 import MobileNet_V2_Weights

__all__ = ["mobilenet_v2"]


def _build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> MobileNetV2:
    set_num_classes(weights, kwargs)
    return load(lambda: MobileNetV2(**kwargs), weights, progress)


mobilenet_v2 = make_builder(
    "mobilenet_v2",
    MobileNet_V2_Weights,
    _build,
    model_cls=MobileNetV2,
    summary="MobileNetV2 from `MobileNetV2: Inverted Residuals and Linear Bottlenecks "
    "<https://arxiv.org/abs/1801.04381>`__.",
    module=TORCHVISION_SHAPED,
)
