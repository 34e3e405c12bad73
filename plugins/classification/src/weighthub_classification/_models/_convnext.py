"""ConvNeXt builders, on torchvision's :class:`ConvNeXt`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torchvision.models.convnext import CNBlockConfig, ConvNeXt

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED, BuildFn, load, make_builder, set_num_classes

from .._weights._convnext import (
    ConvNeXt_Base_Weights,
    ConvNeXt_Large_Weights,
    ConvNeXt_Small_Weights,
    ConvNeXt_Tiny_Weights,
)

__all__ = ["convnext_tiny", "convnext_small", "convnext_base", "convnext_large"]

_PAPER = "`A ConvNet for the 2020s <https://arxiv.org/abs/2201.03545>`__"


def _convnext(
    channels: tuple[int, int, int, int], third_stage_depth: int, stochastic_depth_prob: float
) -> BuildFn[ConvNeXt]:
    """Four stages of depth 3, 3, ``third_stage_depth``, 3 with the given widths."""
    depths = (3, 3, third_stage_depth, 3)
    outputs = (*channels[1:], None)

    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> ConvNeXt:
        block_setting = [
            CNBlockConfig(c_in, c_out, depth)
            for c_in, c_out, depth in zip(channels, outputs, depths, strict=True)
        ]
        depth_prob = kwargs.pop("stochastic_depth_prob", stochastic_depth_prob)
        set_num_classes(weights, kwargs)
        return load(
            lambda: ConvNeXt(block_setting, stochastic_depth_prob=depth_prob, **kwargs),
            weights,
            progress,
        )

    return build


def _builder(
    name: str, enum: type[WeightsEnum], build: BuildFn[ConvNeXt], size: str
) -> Callable[..., ConvNeXt]:
    summary = f"ConvNeXt {size} from {_PAPER}."
    return make_builder(
        name, enum, build, model_cls=ConvNeXt, summary=summary, module=TORCHVISION_SHAPED
    )


convnext_tiny = _builder(
    "convnext_tiny", ConvNeXt_Tiny_Weights, _convnext((96, 192, 384, 768), 9, 0.1), "Tiny"
)
convnext_small = _builder(
    "convnext_small", ConvNeXt_Small_Weights, _convnext((96, 192, 384, 768), 27, 0.4), "Small"
)
convnext_base = _builder(
    "convnext_base", ConvNeXt_Base_Weights, _convnext((128, 256, 512, 1024), 27, 0.5), "Base"
)
convnext_large = _builder(
    "convnext_large", ConvNeXt_Large_Weights, _convnext((192, 384, 768, 1536), 27, 0.5), "Large"
)
