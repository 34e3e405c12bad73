"""RegNetX and RegNetY builders, on torchvision's :class:`RegNet` and :class:`BlockParams`.

Each model is its four design-space parameters (depth, initial width ``w_0``, slope ``w_a``,
quantisation ``w_m``), its group width, and for RegNetY a squeeze-excitation ratio of 0.25.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from torch import nn
from torchvision.models.regnet import BlockParams, RegNet

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED, load, make_builder, set_num_classes

from .._weights._regnet_x import (
    RegNet_X_1_6GF_Weights,
    RegNet_X_3_2GF_Weights,
    RegNet_X_8GF_Weights,
    RegNet_X_16GF_Weights,
    RegNet_X_32GF_Weights,
    RegNet_X_400MF_Weights,
    RegNet_X_800MF_Weights,
)
from .._weights._regnet_y import (
    RegNet_Y_1_6GF_Weights,
    RegNet_Y_3_2GF_Weights,
    RegNet_Y_8GF_Weights,
    RegNet_Y_16GF_Weights,
    RegNet_Y_32GF_Weights,
    RegNet_Y_128GF_Weights,
    RegNet_Y_400MF_Weights,
    RegNet_Y_800MF_Weights,
)

__all__ = [
    "regnet_x_400mf",
    "regnet_x_800mf",
    "regnet_x_1_6gf",
    "regnet_x_3_2gf",
    "regnet_x_8gf",
    "regnet_x_16gf",
    "regnet_x_32gf",
    "regnet_y_400mf",
    "regnet_y_800mf",
    "regnet_y_1_6gf",
    "regnet_y_3_2gf",
    "regnet_y_8gf",
    "regnet_y_16gf",
    "regnet_y_32gf",
    "regnet_y_128gf",
]

_PAPER = "`Designing Network Design Spaces <https://arxiv.org/abs/2003.13678>`__"


def _regnet(
    name: str,
    enum: type[WeightsEnum],
    depth: int,
    w_0: int,
    w_a: float,
    w_m: float,
    group_width: int,
) -> Callable[..., RegNet]:
    se_ratio = 0.25 if name.startswith("regnet_y") else None

    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> RegNet:
        block_params = BlockParams.from_init_params(
            depth=depth,
            w_0=w_0,
            w_a=w_a,
            w_m=w_m,
            group_width=group_width,
            **({"se_ratio": se_ratio} if se_ratio is not None else {}),
            **kwargs,
        )
        set_num_classes(weights, kwargs)
        norm_layer = kwargs.pop("norm_layer", partial(nn.BatchNorm2d, eps=1e-05, momentum=0.1))
        return load(
            lambda: RegNet(block_params, norm_layer=norm_layer, **kwargs), weights, progress
        )

    size = name.split("_", 2)[2].upper().replace("_", ".")
    summary = f"RegNet{name[7].upper()}-{size} from {_PAPER}."
    return make_builder(
        name, enum, build, model_cls=RegNet, summary=summary, module=TORCHVISION_SHAPED
    )


regnet_x_400mf = _regnet("regnet_x_400mf", RegNet_X_400MF_Weights, 22, 24, 24.48, 2.54, 16)
regnet_x_800mf = _regnet("regnet_x_800mf", RegNet_X_800MF_Weights, 16, 56, 35.73, 2.28, 16)
regnet_x_1_6gf = _regnet("regnet_x_1_6gf", RegNet_X_1_6GF_Weights, 18, 80, 34.01, 2.25, 24)
regnet_x_3_2gf = _regnet("regnet_x_3_2gf", RegNet_X_3_2GF_Weights, 25, 88, 26.31, 2.25, 48)
regnet_x_8gf = _regnet("regnet_x_8gf", RegNet_X_8GF_Weights, 23, 80, 49.56, 2.88, 120)
regnet_x_16gf = _regnet("regnet_x_16gf", RegNet_X_16GF_Weights, 22, 216, 55.59, 2.1, 128)
regnet_x_32gf = _regnet("regnet_x_32gf", RegNet_X_32GF_Weights, 23, 320, 69.86, 2.0, 168)
regnet_y_400mf = _regnet("regnet_y_400mf", RegNet_Y_400MF_Weights, 16, 48, 27.89, 2.09, 8)
regnet_y_800mf = _regnet("regnet_y_800mf", RegNet_Y_800MF_Weights, 14, 56, 38.84, 2.4, 16)
regnet_y_1_6gf = _regnet("regnet_y_1_6gf", RegNet_Y_1_6GF_Weights, 27, 48, 20.71, 2.65, 24)
regnet_y_3_2gf = _regnet("regnet_y_3_2gf", RegNet_Y_3_2GF_Weights, 21, 80, 42.63, 2.66, 24)
regnet_y_8gf = _regnet("regnet_y_8gf", RegNet_Y_8GF_Weights, 17, 192, 76.82, 2.19, 56)
regnet_y_16gf = _regnet("regnet_y_16gf", RegNet_Y_16GF_Weights, 18, 200, 106.23, 2.48, 112)
regnet_y_32gf = _regnet("regnet_y_32gf", RegNet_Y_32GF_Weights, 20, 232, 115.89, 2.53, 232)
regnet_y_128gf = _regnet("regnet_y_128gf", RegNet_Y_128GF_Weights, 27, 456, 160.83, 2.52, 264)
