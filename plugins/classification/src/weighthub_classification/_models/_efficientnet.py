"""EfficientNet (B0-B7) and EfficientNetV2 (S, M, L) builders, on torchvision's
:class:`EfficientNet`.

The stage tables come from torchvision's ``_efficientnet_conf`` (scaled by width and depth
multipliers for B0-B7), so they cannot drift from the checkpoints.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from torch import nn
from torchvision.models.efficientnet import EfficientNet, _efficientnet_conf

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED, BuildFn, load, make_builder, set_num_classes

from .._weights._efficientnet import (
    EfficientNet_B0_Weights,
    EfficientNet_B1_Weights,
    EfficientNet_B2_Weights,
    EfficientNet_B3_Weights,
    EfficientNet_B4_Weights,
    EfficientNet_B5_Weights,
    EfficientNet_B6_Weights,
    EfficientNet_B7_Weights,
    EfficientNet_V2_L_Weights,
    EfficientNet_V2_M_Weights,
    EfficientNet_V2_S_Weights,
)

__all__ = [
    "efficientnet_b0",
    "efficientnet_b1",
    "efficientnet_b2",
    "efficientnet_b3",
    "efficientnet_b4",
    "efficientnet_b5",
    "efficientnet_b6",
    "efficientnet_b7",
    "efficientnet_v2_s",
    "efficientnet_v2_m",
    "efficientnet_v2_l",
]

_V1_PAPER = (
    "`EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks "
    "<https://arxiv.org/abs/1905.11946>`__"
)
_V2_PAPER = (
    "`EfficientNetV2: Smaller Models and Faster Training <https://arxiv.org/abs/2104.00298>`__"
)


def _efficientnet(
    arch: str, dropout: float, norm_layer: Callable[..., nn.Module] | None = None, **scaling: float
) -> BuildFn[EfficientNet]:
    """``scaling`` is ``width_mult`` and ``depth_mult`` for B0-B7, nothing for V2."""

    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> EfficientNet:
        setting, last_channel = _efficientnet_conf(arch, **scaling)
        drop = kwargs.pop("dropout", dropout)
        set_num_classes(weights, kwargs)
        if norm_layer is not None:
            kwargs = {"norm_layer": norm_layer, **kwargs}
        return load(
            lambda: EfficientNet(setting, drop, last_channel=last_channel, **kwargs),
            weights,
            progress,
        )

    return build


def _builder(
    name: str, enum: type[WeightsEnum], build: BuildFn[EfficientNet]
) -> Callable[..., EfficientNet]:
    variant = name.removeprefix("efficientnet_").upper()
    if variant.startswith("V2_"):
        summary = f"EfficientNetV2-{variant[3:]} from {_V2_PAPER}."
    else:
        summary = f"EfficientNet-{variant} from {_V1_PAPER}."
    return make_builder(
        name, enum, build, model_cls=EfficientNet, summary=summary, module=TORCHVISION_SHAPED
    )


# B5-B7 were trained (ported) with TensorFlow's batch-norm settings, the V2 models with its eps.
_TF_BATCH_NORM = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
_V2_BATCH_NORM = partial(nn.BatchNorm2d, eps=1e-03)


def _b(
    name: str,
    enum: type[WeightsEnum],
    width: float,
    depth: float,
    dropout: float,
    norm_layer: Callable[..., nn.Module] | None = None,
) -> Callable[..., EfficientNet]:
    build = _efficientnet(name, dropout, norm_layer, width_mult=width, depth_mult=depth)
    return _builder(name, enum, build)


efficientnet_b0 = _b("efficientnet_b0", EfficientNet_B0_Weights, 1.0, 1.0, 0.2)
efficientnet_b1 = _b("efficientnet_b1", EfficientNet_B1_Weights, 1.0, 1.1, 0.2)
efficientnet_b2 = _b("efficientnet_b2", EfficientNet_B2_Weights, 1.1, 1.2, 0.3)
efficientnet_b3 = _b("efficientnet_b3", EfficientNet_B3_Weights, 1.2, 1.4, 0.3)
efficientnet_b4 = _b("efficientnet_b4", EfficientNet_B4_Weights, 1.4, 1.8, 0.4)
efficientnet_b5 = _b("efficientnet_b5", EfficientNet_B5_Weights, 1.6, 2.2, 0.4, _TF_BATCH_NORM)
efficientnet_b6 = _b("efficientnet_b6", EfficientNet_B6_Weights, 1.8, 2.6, 0.5, _TF_BATCH_NORM)
efficientnet_b7 = _b("efficientnet_b7", EfficientNet_B7_Weights, 2.0, 3.1, 0.5, _TF_BATCH_NORM)
efficientnet_v2_s = _builder(
    "efficientnet_v2_s",
    EfficientNet_V2_S_Weights,
    _efficientnet("efficientnet_v2_s", 0.2, _V2_BATCH_NORM),
)
efficientnet_v2_m = _builder(
    "efficientnet_v2_m",
    EfficientNet_V2_M_Weights,
    _efficientnet("efficientnet_v2_m", 0.3, _V2_BATCH_NORM),
)
efficientnet_v2_l = _builder(
    "efficientnet_v2_l",
    EfficientNet_V2_L_Weights,
    _efficientnet("efficientnet_v2_l", 0.4, _V2_BATCH_NORM),
)
