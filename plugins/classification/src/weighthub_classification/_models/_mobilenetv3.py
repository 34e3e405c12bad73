"""MobileNetV3 builders, on torchvision's :class:`MobileNetV3`.

The block tables come from torchvision's ``_mobilenet_v3_conf``, which also reads the
``width_mult``, ``reduced_tail`` and ``dilated`` options from the keyword arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torchvision.models.mobilenetv3 import MobileNetV3, _mobilenet_v3_conf

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED, load, make_builder, set_num_classes

from .._weights._mobilenetv3 import MobileNet_V3_Large_Weights, MobileNet_V3_Small_Weights

__all__ = ["mobilenet_v3_large", "mobilenet_v3_small"]

_PAPER = "`Searching for MobileNetV3 <https://arxiv.org/abs/1905.02244>`__"


def _mobilenet_v3(name: str, enum: type[WeightsEnum], size: str) -> Callable[..., MobileNetV3]:
    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> MobileNetV3:
        setting, last_channel = _mobilenet_v3_conf(name, **kwargs)
        set_num_classes(weights, kwargs)
        return load(lambda: MobileNetV3(setting, last_channel, **kwargs), weights, progress)

    summary = f"MobileNetV3 {size} from {_PAPER}."
    return make_builder(
        name, enum, build, model_cls=MobileNetV3, summary=summary, module=TORCHVISION_SHAPED
    )


mobilenet_v3_large = _mobilenet_v3("mobilenet_v3_large", MobileNet_V3_Large_Weights, "Large")
mobilenet_v3_small = _mobilenet_v3("mobilenet_v3_small", MobileNet_V3_Small_Weights, "Small")
