"""ResNet, ResNeXt and Wide ResNet builders, on torchvision's :class:`ResNet`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet

from weighthub import WeightsEnum
from weighthub.building import (
    TORCHVISION_SHAPED,
    BuildFn,
    load,
    make_builder,
    set_fixed,
    set_num_classes,
)

from .._weights._resnet import (
    ResNet18_Weights,
    ResNet34_Weights,
    ResNet50_Weights,
    ResNet101_Weights,
    ResNet152_Weights,
    ResNeXt50_32X4D_Weights,
    ResNeXt101_32X8D_Weights,
    ResNeXt101_64X4D_Weights,
    Wide_ResNet50_2_Weights,
    Wide_ResNet101_2_Weights,
)

__all__ = [
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "resnext50_32x4d",
    "resnext101_32x8d",
    "resnext101_64x4d",
    "wide_resnet50_2",
    "wide_resnet101_2",
]

_RESNET = "`Deep Residual Learning for Image Recognition <https://arxiv.org/abs/1512.03385>`__"
_RESNEXT = (
    "`Aggregated Residual Transformation for Deep Neural Networks "
    "<https://arxiv.org/abs/1611.05431>`__"
)
_WIDE = "`Wide Residual Networks <https://arxiv.org/abs/1605.07146>`__"


def _resnet(
    block: type[BasicBlock | Bottleneck], layers: list[int], **fixed: Any
) -> BuildFn[ResNet]:
    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> ResNet:
        set_fixed(kwargs, **fixed)
        set_num_classes(weights, kwargs)
        return load(lambda: ResNet(block, layers, **kwargs), weights, progress)

    return build


def _builder(
    name: str, enum: type[WeightsEnum], build: BuildFn[ResNet], summary: str
) -> Callable[..., ResNet]:
    return make_builder(
        name, enum, build, model_cls=ResNet, summary=summary, module=TORCHVISION_SHAPED
    )


resnet18 = _builder(
    "resnet18", ResNet18_Weights, _resnet(BasicBlock, [2, 2, 2, 2]), f"ResNet-18 from {_RESNET}."
)
resnet34 = _builder(
    "resnet34", ResNet34_Weights, _resnet(BasicBlock, [3, 4, 6, 3]), f"ResNet-34 from {_RESNET}."
)
resnet50 = _builder(
    "resnet50", ResNet50_Weights, _resnet(Bottleneck, [3, 4, 6, 3]), f"ResNet-50 from {_RESNET}."
)
resnet101 = _builder(
    "resnet101",
    ResNet101_Weights,
    _resnet(Bottleneck, [3, 4, 23, 3]),
    f"ResNet-101 from {_RESNET}.",
)
resnet152 = _builder(
    "resnet152",
    ResNet152_Weights,
    _resnet(Bottleneck, [3, 8, 36, 3]),
    f"ResNet-152 from {_RESNET}.",
)
resnext50_32x4d = _builder(
    "resnext50_32x4d",
    ResNeXt50_32X4D_Weights,
    _resnet(Bottleneck, [3, 4, 6, 3], groups=32, width_per_group=4),
    f"ResNeXt-50 32x4d from {_RESNEXT}.",
)
resnext101_32x8d = _builder(
    "resnext101_32x8d",
    ResNeXt101_32X8D_Weights,
    _resnet(Bottleneck, [3, 4, 23, 3], groups=32, width_per_group=8),
    f"ResNeXt-101 32x8d from {_RESNEXT}.",
)
resnext101_64x4d = _builder(
    "resnext101_64x4d",
    ResNeXt101_64X4D_Weights,
    _resnet(Bottleneck, [3, 4, 23, 3], groups=64, width_per_group=4),
    f"ResNeXt-101 64x4d from {_RESNEXT}.",
)
wide_resnet50_2 = _builder(
    "wide_resnet50_2",
    Wide_ResNet50_2_Weights,
    _resnet(Bottleneck, [3, 4, 6, 3], width_per_group=128),
    f"Wide ResNet-50-2 from {_WIDE}: ResNet-50 with twice as wide bottlenecks.",
)
wide_resnet101_2 = _builder(
    "wide_resnet101_2",
    Wide_ResNet101_2_Weights,
    _resnet(Bottleneck, [3, 4, 23, 3], width_per_group=128),
    f"Wide ResNet-101-2 from {_WIDE}: ResNet-101 with twice as wide bottlenecks.",
)
