"""The quantized ShuffleNetV2 builders, as torchvision's ``quantized_shufflenet_v2_*``."""

from __future__ import annotations

from typing import Any

from torchvision.models.quantization.shufflenetv2 import QuantizableShuffleNetV2

from weighthub import WeightsEnum, handle_legacy_interface

from ._common import build, legacy_default, meta_config, verify_weights
from ._weights import (
    ShuffleNet_V2_X0_5_QuantizedWeights,
    ShuffleNet_V2_X1_0_QuantizedWeights,
    ShuffleNet_V2_X1_5_QuantizedWeights,
    ShuffleNet_V2_X2_0_QuantizedWeights,
)

__all__ = ["shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]


def _shufflenetv2(
    stages_repeats: list[int],
    stages_out_channels: list[int],
    *,
    weights: WeightsEnum | None,
    progress: bool,
    quantize: bool,
    **kwargs: Any,
) -> QuantizableShuffleNetV2:
    backend = meta_config(weights, kwargs, "fbgemm")
    return build(
        lambda: QuantizableShuffleNetV2(stages_repeats, stages_out_channels, **kwargs),
        weights,
        progress,
        quantize,
        backend,
    )


@handle_legacy_interface(
    weights=(
        "pretrained",
        legacy_default(
            ShuffleNet_V2_X0_5_QuantizedWeights.IMAGENET1K_FBGEMM_V1, "ShuffleNet_V2_X0_5_Weights"
        ),
    )
)
def shufflenet_v2_x0_5(
    *,
    weights: ShuffleNet_V2_X0_5_QuantizedWeights | WeightsEnum | None = None,
    progress: bool = True,
    quantize: bool = False,
    **kwargs: Any,
) -> QuantizableShuffleNetV2:
    """Build the quantizable ShuffleNetV2 with 0.5x output channels, int8 when ``quantize=True``.

    Args:
        weights: ``ShuffleNet_V2_X0_5_QuantizedWeights`` when ``quantize=True``, else the float
            ``ShuffleNet_V2_X0_5_Weights`` (from ``weighthub-classification``); None: random.
        progress: Show a download progress bar.
        quantize: Return the quantized model (CPU inference only).
        **kwargs: Passed to ``torchvision.models.quantization.QuantizableShuffleNetV2``;
            ``backend`` picks the quantization engine.
    """
    weights = verify_weights(
        weights, quantize, ShuffleNet_V2_X0_5_QuantizedWeights, "ShuffleNet_V2_X0_5_Weights"
    )
    return _shufflenetv2(
        [4, 8, 4],
        [24, 48, 96, 192, 1024],
        weights=weights,
        progress=progress,
        quantize=quantize,
        **kwargs,
    )


@handle_legacy_interface(
    weights=(
        "pretrained",
        legacy_default(
            ShuffleNet_V2_X1_0_QuantizedWeights.IMAGENET1K_FBGEMM_V1, "ShuffleNet_V2_X1_0_Weights"
        ),
    )
)
def shufflenet_v2_x1_0(
    *,
    weights: ShuffleNet_V2_X1_0_QuantizedWeights | WeightsEnum | None = None,
    progress: bool = True,
    quantize: bool = False,
    **kwargs: Any,
) -> QuantizableShuffleNetV2:
    """Build the quantizable ShuffleNetV2 with 1.0x output channels, int8 when ``quantize=True``.

    Args:
        weights: ``ShuffleNet_V2_X1_0_QuantizedWeights`` when ``quantize=True``, else the float
            ``ShuffleNet_V2_X1_0_Weights`` (from ``weighthub-classification``); None: random.
        progress: Show a download progress bar.
        quantize: Return the quantized model (CPU inference only).
        **kwargs: Passed to ``torchvision.models.quantization.QuantizableShuffleNetV2``;
            ``backend`` picks the quantization engine.
    """
    weights = verify_weights(
        weights, quantize, ShuffleNet_V2_X1_0_QuantizedWeights, "ShuffleNet_V2_X1_0_Weights"
    )
    return _shufflenetv2(
        [4, 8, 4],
        [24, 116, 232, 464, 1024],
        weights=weights,
        progress=progress,
        quantize=quantize,
        **kwargs,
    )


@handle_legacy_interface(
    weights=(
        "pretrained",
        legacy_default(
            ShuffleNet_V2_X1_5_QuantizedWeights.IMAGENET1K_FBGEMM_V1, "ShuffleNet_V2_X1_5_Weights"
        ),
    )
)
def shufflenet_v2_x1_5(
    *,
    weights: ShuffleNet_V2_X1_5_QuantizedWeights | WeightsEnum | None = None,
    progress: bool = True,
    quantize: bool = False,
    **kwargs: Any,
) -> QuantizableShuffleNetV2:
    """Build the quantizable ShuffleNetV2 with 1.5x output channels, int8 when ``quantize=True``.

    Args:
        weights: ``ShuffleNet_V2_X1_5_QuantizedWeights`` when ``quantize=True``, else the float
            ``ShuffleNet_V2_X1_5_Weights`` (from ``weighthub-classification``); None: random.
        progress: Show a download progress bar.
        quantize: Return the quantized model (CPU inference only).
        **kwargs: Passed to ``torchvision.models.quantization.QuantizableShuffleNetV2``;
            ``backend`` picks the quantization engine.
    """
    weights = verify_weights(
        weights, quantize, ShuffleNet_V2_X1_5_QuantizedWeights, "ShuffleNet_V2_X1_5_Weights"
    )
    return _shufflenetv2(
        [4, 8, 4],
        [24, 176, 352, 704, 1024],
        weights=weights,
        progress=progress,
        quantize=quantize,
        **kwargs,
    )


@handle_legacy_interface(
    weights=(
        "pretrained",
        legacy_default(
            ShuffleNet_V2_X2_0_QuantizedWeights.IMAGENET1K_FBGEMM_V1, "ShuffleNet_V2_X2_0_Weights"
        ),
    )
)
def shufflenet_v2_x2_0(
    *,
    weights: ShuffleNet_V2_X2_0_QuantizedWeights | WeightsEnum | None = None,
    progress: bool = True,
    quantize: bool = False,
    **kwargs: Any,
) -> QuantizableShuffleNetV2:
    """Build the quantizable ShuffleNetV2 with 2.0x output channels, int8 when ``quantize=True``.

    Args:
        weights: ``ShuffleNet_V2_X2_0_QuantizedWeights`` when ``quantize=True``, else the float
            ``ShuffleNet_V2_X2_0_Weights`` (from ``weighthub-classification``); None: random.
        progress: Show a download progress bar.
        quantize: Return the quantized model (CPU inference only).
        **kwargs: Passed to ``torchvision.models.quantization.QuantizableShuffleNetV2``;
            ``backend`` picks the quantization engine.
    """
    weights = verify_weights(
        weights, quantize, ShuffleNet_V2_X2_0_QuantizedWeights, "ShuffleNet_V2_X2_0_Weights"
    )
    return _shufflenetv2(
        [4, 8, 4],
        [24, 244, 488, 976, 2048],
        weights=weights,
        progress=progress,
        quantize=quantize,
        **kwargs,
    )
