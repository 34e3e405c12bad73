"""The quantized model builders: torchvision's ``torchvision.models.quantization`` builders.

Each builder takes ``quantize``: True returns an int8 model (``weights`` must then be quantized
weights of this plugin); False returns the float *quantizable* architecture, and ``weights`` are
then the float weights of the ``weighthub-classification`` plugin, looked up by name only when
given, so this plugin installs and works without it.

The quantized architecture only exists after fusing, calibrating and converting a float model, so
these builders never use the meta-device fast path of :func:`weighthub.construct_model`.
"""

from __future__ import annotations

import warnings
from typing import Any

import torch
from torchvision.models.mobilenetv3 import _mobilenet_v3_conf
from torchvision.models.quantization.googlenet import QuantizableGoogLeNet
from torchvision.models.quantization.inception import QuantizableInception3
from torchvision.models.quantization.mobilenetv2 import (
    QuantizableInvertedResidual as QuantizableInvertedResidualV2,
)
from torchvision.models.quantization.mobilenetv2 import QuantizableMobileNetV2
from torchvision.models.quantization.mobilenetv3 import (
    QuantizableInvertedResidual as QuantizableInvertedResidualV3,
)
from torchvision.models.quantization.mobilenetv3 import QuantizableMobileNetV3
from torchvision.models.quantization.resnet import (
    QuantizableBasicBlock,
    QuantizableBottleneck,
    QuantizableResNet,
)
from torchvision.models.quantization.utils import _replace_relu

import weighthub
from weighthub import WeightsEnum, handle_legacy_interface, overwrite_named_param

from ._common import build, legacy_default, meta_config, verify_weights
from ._weights import (
    GoogLeNet_QuantizedWeights,
    Inception_V3_QuantizedWeights,
    MobileNet_V2_QuantizedWeights,
    MobileNet_V3_Large_QuantizedWeights,
    ResNet18_QuantizedWeights,
    ResNet50_QuantizedWeights,
    ResNeXt101_32X8D_QuantizedWeights,
    ResNeXt101_64X4D_QuantizedWeights,
)

__all__ = [
    "googlenet",
    "inception_v3",
    "mobilenet_v2",
    "mobilenet_v3_large",
    "resnet18",
    "resnet50",
    "resnext101_32x8d",
    "resnext101_64x4d",
]


def _resnet(
    block: type[QuantizableBasicBlock | QuantizableBottleneck],
    layers: list[int],
    weights: WeightsEnum | None,
    progress: bool,
    quantize: bool,
    **kwargs: Any,
) -> QuantizableResNet:
    backend = meta_config(weights, kwargs, "fbgemm")
    return build(
        lambda: QuantizableResNet(block, layers, **kwargs), weights, progress, quantize, backend
    )


@handle_legacy_interface(
    weights=(
        "pretrained",
        legacy_default(GoogLeNet_QuantizedWeights.IMAGENET1K_FBGEMM_V1, "GoogLeNet_Weights"),
    )
)
def googlenet(
    *,
    weights: GoogLeNet_QuantizedWeights | WeightsEnum | None = None,
    progress: bool = True,
    quantize: bool = False,
    **kwargs: Any,
) -> QuantizableGoogLeNet:
    """Build the quantizable GoogLeNet (Inception v1), int8-quantized when ``quantize=True``.

    Args:
        weights: ``GoogLeNet_QuantizedWeights`` when ``quantize=True``, else the float
            ``GoogLeNet_Weights`` (from ``weighthub-classification``); None for random weights.
        progress: Show a download progress bar.
        quantize: Return the quantized model (CPU inference only).
        **kwargs: Passed to ``torchvision.models.quantization.QuantizableGoogLeNet``;
            ``backend`` picks the quantization engine.
    """
    weights = verify_weights(weights, quantize, GoogLeNet_QuantizedWeights, "GoogLeNet_Weights")
    original_aux_logits = kwargs.get("aux_logits", False)
    if weights is not None:
        if "transform_input" not in kwargs:
            overwrite_named_param(kwargs, "transform_input", True)
        overwrite_named_param(kwargs, "aux_logits", True)
        overwrite_named_param(kwargs, "init_weights", False)
    backend = meta_config(weights, kwargs, "fbgemm")
    model = build(lambda: QuantizableGoogLeNet(**kwargs), weights, progress, quantize, backend)
    if weights is not None:
        if not original_aux_logits:
            model.aux_logits = False
            model.aux1 = None
            model.aux2 = None
        else:
            warnings.warn(
                "auxiliary heads in the pretrained googlenet model are NOT pretrained, so make "
                "sure to train them",
                stacklevel=2,
            )
    return model


@handle_legacy_interface(
    weights=(
        "pretrained",
        legacy_default(Inception_V3_QuantizedWeights.IMAGENET1K_FBGEMM_V1, "Inception_V3_Weights"),
    )
)
def inception_v3(
    *,
    weights: Inception_V3_QuantizedWeights | WeightsEnum | None = None,
    progress: bool = True,
    quantize: bool = False,
    **kwargs: Any,
) -> QuantizableInception3:
    """Build the quantizable Inception v3, int8-quantized when ``quantize=True``.

    Args:
        weights: ``Inception_V3_QuantizedWeights`` when ``quantize=True``, else the float
            ``Inception_V3_Weights`` (from ``weighthub-classification``); None for random weights.
        progress: Show a download progress bar.
        quantize: Return the quantized model (CPU inference only).
        **kwargs: Passed to ``torchvision.models.quantization.QuantizableInception3``;
            ``backend`` picks the quantization engine.
    """
    weights = verify_weights(
        weights, quantize, Inception_V3_QuantizedWeights, "Inception_V3_Weights"
    )
    original_aux_logits = kwargs.get("aux_logits", False)
    if weights is not None:
        if "transform_input" not in kwargs:
            overwrite_named_param(kwargs, "transform_input", True)
        overwrite_named_param(kwargs, "aux_logits", True)
    backend = meta_config(weights, kwargs, "fbgemm")

    def drop_aux(model: QuantizableInception3) -> None:
        model.aux_logits = False
        model.AuxLogits = None

    # The quantized checkpoints have no auxiliary head; the float ones do.
    before_load = drop_aux if weights is not None and quantize and not original_aux_logits else None
    model = build(
        lambda: QuantizableInception3(**kwargs), weights, progress, quantize, backend, before_load
    )
    if weights is not None and not quantize and not original_aux_logits:
        drop_aux(model)
    return model


@handle_legacy_interface(
    weights=(
        "pretrained",
        legacy_default(MobileNet_V2_QuantizedWeights.IMAGENET1K_QNNPACK_V1, "MobileNet_V2_Weights"),
    )
)
def mobilenet_v2(
    *,
    weights: MobileNet_V2_QuantizedWeights | WeightsEnum | None = None,
    progress: bool = True,
    quantize: bool = False,
    **kwargs: Any,
) -> QuantizableMobileNetV2:
    """Build the quantizable MobileNetV2, int8-quantized when ``quantize=True``.

    Args:
        weights: ``MobileNet_V2_QuantizedWeights`` when ``quantize=True``, else the float
            ``MobileNet_V2_Weights`` (from ``weighthub-classification``); None for random weights.
        progress: Show a download progress bar.
        quantize: Return the quantized model (CPU inference only).
        **kwargs: Passed to ``torchvision.models.quantization.QuantizableMobileNetV2``;
            ``backend`` picks the quantization engine (default ``"qnnpack"``, as in torchvision).
    """
    weights = verify_weights(
        weights, quantize, MobileNet_V2_QuantizedWeights, "MobileNet_V2_Weights"
    )
    backend = meta_config(weights, kwargs, "qnnpack")
    return build(
        lambda: QuantizableMobileNetV2(block=QuantizableInvertedResidualV2, **kwargs),
        weights,
        progress,
        quantize,
        backend,
    )


@handle_legacy_interface(
    weights=(
        "pretrained",
        legacy_default(
            MobileNet_V3_Large_QuantizedWeights.IMAGENET1K_QNNPACK_V1, "MobileNet_V3_Large_Weights"
        ),
    )
)
def mobilenet_v3_large(
    *,
    weights: MobileNet_V3_Large_QuantizedWeights | WeightsEnum | None = None,
    progress: bool = True,
    quantize: bool = False,
    **kwargs: Any,
) -> QuantizableMobileNetV3:
    """Build the quantizable MobileNetV3-Large, int8-quantized when ``quantize=True``.

    As in torchvision, ``quantize=True`` prepares the model for quantization-aware training,
    loads the (QAT) checkpoint, then converts it.

    Args:
        weights: ``MobileNet_V3_Large_QuantizedWeights`` when ``quantize=True``, else the float
            ``MobileNet_V3_Large_Weights`` (from ``weighthub-classification``); None for random
            weights.
        progress: Show a download progress bar.
        quantize: Return the quantized model (CPU inference only).
        **kwargs: Passed to ``torchvision.models.quantization.QuantizableMobileNetV3``;
            ``backend`` picks the quantization engine (default ``"qnnpack"``, as in torchvision).
    """
    weights = verify_weights(
        weights, quantize, MobileNet_V3_Large_QuantizedWeights, "MobileNet_V3_Large_Weights"
    )
    inverted_residual_setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_large", **kwargs)
    backend = meta_config(weights, kwargs, "qnnpack")

    def factory() -> QuantizableMobileNetV3:
        model = QuantizableMobileNetV3(
            inverted_residual_setting,
            last_channel,
            block=QuantizableInvertedResidualV3,
            **kwargs,
        )
        _replace_relu(model)
        if quantize:
            # torchvision's workaround for pytorch/vision#5890: load QAT weights, then convert.
            model.fuse_model(is_qat=True)
            qconfig = torch.ao.quantization.get_default_qat_qconfig(backend)  # type: ignore[no-untyped-call]
            model.qconfig = qconfig
            torch.ao.quantization.prepare_qat(model, inplace=True)  # type: ignore[no-untyped-call]
        return model

    model = weighthub.construct_model(factory, weights, progress=progress, fast=False)
    if quantize:
        torch.ao.quantization.convert(model, inplace=True)  # type: ignore[no-untyped-call]
        model.eval()
    return model


@handle_legacy_interface(
    weights=(
        "pretrained",
        legacy_default(ResNet18_QuantizedWeights.IMAGENET1K_FBGEMM_V1, "ResNet18_Weights"),
    )
)
def resnet18(
    *,
    weights: ResNet18_QuantizedWeights | WeightsEnum | None = None,
    progress: bool = True,
    quantize: bool = False,
    **kwargs: Any,
) -> QuantizableResNet:
    """Build the quantizable ResNet-18, int8-quantized when ``quantize=True``.

    Args:
        weights: ``ResNet18_QuantizedWeights`` when ``quantize=True``, else the float
            ``ResNet18_Weights`` (from ``weighthub-classification``); None for random weights.
        progress: Show a download progress bar.
        quantize: Return the quantized model (CPU inference only).
        **kwargs: Passed to ``torchvision.models.quantization.QuantizableResNet``;
            ``backend`` picks the quantization engine.
    """
    weights = verify_weights(weights, quantize, ResNet18_QuantizedWeights, "ResNet18_Weights")
    return _resnet(QuantizableBasicBlock, [2, 2, 2, 2], weights, progress, quantize, **kwargs)


@handle_legacy_interface(
    weights=(
        "pretrained",
        legacy_default(ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V1, "ResNet50_Weights"),
    )
)
def resnet50(
    *,
    weights: ResNet50_QuantizedWeights | WeightsEnum | None = None,
    progress: bool = True,
    quantize: bool = False,
    **kwargs: Any,
) -> QuantizableResNet:
    """Build the quantizable ResNet-50, int8-quantized when ``quantize=True``.

    Args:
        weights: ``ResNet50_QuantizedWeights`` when ``quantize=True``, else the float
            ``ResNet50_Weights`` (from ``weighthub-classification``); None for random weights.
        progress: Show a download progress bar.
        quantize: Return the quantized model (CPU inference only).
        **kwargs: Passed to ``torchvision.models.quantization.QuantizableResNet``;
            ``backend`` picks the quantization engine.
    """
    weights = verify_weights(weights, quantize, ResNet50_QuantizedWeights, "ResNet50_Weights")
    return _resnet(QuantizableBottleneck, [3, 4, 6, 3], weights, progress, quantize, **kwargs)


@handle_legacy_interface(
    weights=(
        "pretrained",
        legacy_default(
            ResNeXt101_32X8D_QuantizedWeights.IMAGENET1K_FBGEMM_V1, "ResNeXt101_32X8D_Weights"
        ),
    )
)
def resnext101_32x8d(
    *,
    weights: ResNeXt101_32X8D_QuantizedWeights | WeightsEnum | None = None,
    progress: bool = True,
    quantize: bool = False,
    **kwargs: Any,
) -> QuantizableResNet:
    """Build the quantizable ResNeXt-101 32x8d, int8-quantized when ``quantize=True``.

    Args:
        weights: ``ResNeXt101_32X8D_QuantizedWeights`` when ``quantize=True``, else the float
            ``ResNeXt101_32X8D_Weights`` (from ``weighthub-classification``); None for random
            weights.
        progress: Show a download progress bar.
        quantize: Return the quantized model (CPU inference only).
        **kwargs: Passed to ``torchvision.models.quantization.QuantizableResNet``;
            ``backend`` picks the quantization engine.
    """
    weights = verify_weights(
        weights, quantize, ResNeXt101_32X8D_QuantizedWeights, "ResNeXt101_32X8D_Weights"
    )
    overwrite_named_param(kwargs, "groups", 32)
    overwrite_named_param(kwargs, "width_per_group", 8)
    return _resnet(QuantizableBottleneck, [3, 4, 23, 3], weights, progress, quantize, **kwargs)


@handle_legacy_interface(
    weights=(
        "pretrained",
        legacy_default(
            ResNeXt101_64X4D_QuantizedWeights.IMAGENET1K_FBGEMM_V1, "ResNeXt101_64X4D_Weights"
        ),
    )
)
def resnext101_64x4d(
    *,
    weights: ResNeXt101_64X4D_QuantizedWeights | WeightsEnum | None = None,
    progress: bool = True,
    quantize: bool = False,
    **kwargs: Any,
) -> QuantizableResNet:
    """Build the quantizable ResNeXt-101 64x4d, int8-quantized when ``quantize=True``.

    Args:
        weights: ``ResNeXt101_64X4D_QuantizedWeights`` when ``quantize=True``, else the float
            ``ResNeXt101_64X4D_Weights`` (from ``weighthub-classification``); None for random
            weights.
        progress: Show a download progress bar.
        quantize: Return the quantized model (CPU inference only).
        **kwargs: Passed to ``torchvision.models.quantization.QuantizableResNet``;
            ``backend`` picks the quantization engine.
    """
    weights = verify_weights(
        weights, quantize, ResNeXt101_64X4D_QuantizedWeights, "ResNeXt101_64X4D_Weights"
    )
    overwrite_named_param(kwargs, "groups", 64)
    overwrite_named_param(kwargs, "width_per_group", 4)
    return _resnet(QuantizableBottleneck, [3, 4, 23, 3], weights, progress, quantize, **kwargs)
