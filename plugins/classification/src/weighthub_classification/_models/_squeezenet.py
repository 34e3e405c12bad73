"""SqueezeNet builders, on torchvision's :class:`SqueezeNet`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torchvision.models.squeezenet import SqueezeNet

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED, load, make_builder, set_num_classes

from .._weights._squeezenet import SqueezeNet1_0_Weights, SqueezeNet1_1_Weights

__all__ = ["squeezenet1_0", "squeezenet1_1"]

_PAPER = (
    "`SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size "
    "<https://arxiv.org/abs/1602.07360>`__"
)


def _squeezenet(
    name: str, enum: type[WeightsEnum], version: str, summary: str
) -> Callable[..., SqueezeNet]:
    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> SqueezeNet:
        set_num_classes(weights, kwargs)
        return load(lambda: SqueezeNet(version, **kwargs), weights, progress)

    return make_builder(
        name, enum, build, model_cls=SqueezeNet, summary=summary, module=TORCHVISION_SHAPED
    )


squeezenet1_0 = _squeezenet(
    "squeezenet1_0", SqueezeNet1_0_Weights, "1_0", f"SqueezeNet 1.0 from {_PAPER}."
)
squeezenet1_1 = _squeezenet(
    "squeezenet1_1",
    SqueezeNet1_1_Weights,
    "1_1",
    "SqueezeNet 1.1 from the `official SqueezeNet repo "
    "<https://github.com/forresti/SqueezeNet/tree/master/SqueezeNet_v1.1>`__: 2.4x less "
    f"computation than SqueezeNet 1.0 at the same accuracy ({_PAPER}).",
)
