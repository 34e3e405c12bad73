"""AlexNet builder, on torchvision's :class:`AlexNet`."""

from __future__ import annotations

from typing import Any

from torchvision.models.alexnet import AlexNet

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED, load, make_builder, set_num_classes

from .._weights._alexnet import AlexNet_Weights

__all__ = ["alexnet"]


def _build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> AlexNet:
    set_num_classes(weights, kwargs)
    return load(lambda: AlexNet(**kwargs), weights, progress)


alexnet = make_builder(
    "alexnet",
    AlexNet_Weights,
    _build,
    model_cls=AlexNet,
    summary="AlexNet from `One weird trick for parallelizing convolutional neural networks "
    "<https://arxiv.org/abs/1404.5997>`__.",
    module=TORCHVISION_SHAPED,
)
