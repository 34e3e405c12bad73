"""MNASNet builders, on torchvision's :class:`MNASNet`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torchvision.models.mnasnet import MNASNet

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED, load, make_builder, set_num_classes

from .._weights._mnasnet import (
    MNASNet0_5_Weights,
    MNASNet0_75_Weights,
    MNASNet1_0_Weights,
    MNASNet1_3_Weights,
)

__all__ = ["mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3"]

_PAPER = (
    "`MnasNet: Platform-Aware Neural Architecture Search for Mobile "
    "<https://arxiv.org/abs/1807.11626>`__"
)


def _mnasnet(name: str, enum: type[WeightsEnum], alpha: float) -> Callable[..., MNASNet]:
    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> MNASNet:
        set_num_classes(weights, kwargs)
        return load(lambda: MNASNet(alpha, **kwargs), weights, progress)

    summary = f"MNASNet with depth multiplier {alpha} from {_PAPER}."
    return make_builder(
        name, enum, build, model_cls=MNASNet, summary=summary, module=TORCHVISION_SHAPED
    )


mnasnet0_5 = _mnasnet("mnasnet0_5", MNASNet0_5_Weights, 0.5)
mnasnet0_75 = _mnasnet("mnasnet0_75", MNASNet0_75_Weights, 0.75)
mnasnet1_0 = _mnasnet("mnasnet1_0", MNASNet1_0_Weights, 1.0)
mnasnet1_3 = _mnasnet("mnasnet1_3", MNASNet1_3_Weights, 1.3)
