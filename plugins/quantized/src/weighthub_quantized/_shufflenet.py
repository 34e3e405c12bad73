"""The quantized ShuffleNetV2 builders, as torchvision's ``quantized_shufflenet_v2_*``."""

from __future__ import annotations

import functools
from collections.abc import Callable

from torchvision.models.quantization.shufflenetv2 import QuantizableShuffleNetV2

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED

from ._common import quantizable, quantized_builder
from ._weights import (
    ShuffleNet_V2_X0_5_QuantizedWeights,
    ShuffleNet_V2_X1_0_QuantizedWeights,
    ShuffleNet_V2_X1_5_QuantizedWeights,
    ShuffleNet_V2_X2_0_QuantizedWeights,
)

__all__ = ["shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]


def _shufflenet(
    width: str, enum: type[WeightsEnum], channels: list[int]
) -> Callable[..., QuantizableShuffleNetV2]:
    name = f"shufflenet_v2_x{width.replace('.', '_')}"
    make = functools.partial(QuantizableShuffleNetV2, [4, 8, 4], channels)
    return quantized_builder(
        name,
        enum,
        f"ShuffleNet_V2_X{width.replace('.', '_')}_Weights",
        quantizable(make),
        model_cls=QuantizableShuffleNetV2,
        summary=(
            f"Build the quantizable ShuffleNetV2 with {width}x output channels, int8 when "
            f"``quantize=True``."
        ),
        module=TORCHVISION_SHAPED,
    )


shufflenet_v2_x0_5 = _shufflenet(
    "0.5", ShuffleNet_V2_X0_5_QuantizedWeights, [24, 48, 96, 192, 1024]
)
shufflenet_v2_x1_0 = _shufflenet(
    "1.0", ShuffleNet_V2_X1_0_QuantizedWeights, [24, 116, 232, 464, 1024]
)
shufflenet_v2_x1_5 = _shufflenet(
    "1.5", ShuffleNet_V2_X1_5_QuantizedWeights, [24, 176, 352, 704, 1024]
)
shufflenet_v2_x2_0 = _shufflenet(
    "2.0", ShuffleNet_V2_X2_0_QuantizedWeights, [24, 244, 488, 976, 2048]
)
