"""The quantized model builders: torchvision's ``torchvision.models.quantization`` builders.

Each builder takes ``quantize``: True returns an int8 model (``weights`` must then be quantized
weights of this plugin); False returns the float *quantizable* architecture, and ``weights`` are
then the float weights of the ``weighthub-classification`` plugin, looked up by name only when
given, so this plugin installs and works without it.

The quantized architecture only exists after fusing, calibrating and converting a float model, so
these builders never use the meta-device fast path of :func:`weighthub.construct_model`.
"""

from __future__ import annotations

import functools
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
from weighthub import WeightsEnum
from weighthub.building import (
    TORCHVISION_SHAPED,
    BuildFn,
    drop_auxiliary_heads,
    overwrite_named_param,
    set_fixed,
)

from ._common import build, meta_config, quantizable, quantized_builder
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


def _pretrained_inception_options(weights: WeightsEnum | None, kwargs: dict[str, Any]) -> bool:
    """torchvision's options for pretrained GoogLeNet / Inception v3; return the caller's aux."""
    original_aux_logits: bool = kwargs.get("aux_logits", False)
    if weights is not None:
        if "transform_input" not in kwargs:
            overwrite_named_param(kwargs, "transform_input", True)
        overwrite_named_param(kwargs, "aux_logits", True)
    return original_aux_logits


def _build_googlenet(
    weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]
) -> QuantizableGoogLeNet:
    quantize: bool = kwargs.pop("quantize")
    original_aux_logits = _pretrained_inception_options(weights, kwargs)
    if weights is not None:
        overwrite_named_param(kwargs, "init_weights", False)
    backend = meta_config(weights, kwargs, "fbgemm")
    model = build(lambda: QuantizableGoogLeNet(**kwargs), weights, progress, quantize, backend)
    if weights is not None:
        drop_auxiliary_heads(
            model,
            ("aux1", "aux2"),
            keep=original_aux_logits,
            untrained="googlenet",
            stacklevel=5,  # the caller of the builder
        )
    return model


def _build_inception_v3(
    weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]
) -> QuantizableInception3:
    quantize: bool = kwargs.pop("quantize")
    original_aux_logits = _pretrained_inception_options(weights, kwargs)
    backend = meta_config(weights, kwargs, "fbgemm")

    drop_aux = functools.partial(drop_auxiliary_heads, heads=("AuxLogits",), keep=False)
    # The quantized checkpoints have no auxiliary head; the float ones do.
    before_load = drop_aux if weights is not None and quantize and not original_aux_logits else None
    model = build(
        lambda: QuantizableInception3(**kwargs), weights, progress, quantize, backend, before_load
    )
    if weights is not None and not quantize and not original_aux_logits:
        drop_aux(model)
    return model


def _build_mobilenet_v3_large(
    weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]
) -> QuantizableMobileNetV3:
    quantize: bool = kwargs.pop("quantize")
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


def _resnet(
    block: type[QuantizableBasicBlock | QuantizableBottleneck], layers: list[int], **fixed: Any
) -> BuildFn[QuantizableResNet]:
    build_resnet = quantizable(functools.partial(QuantizableResNet, block, layers))

    def build_fn(
        weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]
    ) -> QuantizableResNet:
        set_fixed(kwargs, **fixed)
        return build_resnet(weights, progress, kwargs)

    return build_fn


googlenet = quantized_builder(
    "googlenet",
    GoogLeNet_QuantizedWeights,
    "GoogLeNet_Weights",
    _build_googlenet,
    model_cls=QuantizableGoogLeNet,
    summary=(
        "Build the quantizable GoogLeNet (Inception v1), int8-quantized when ``quantize=True``."
    ),
    module=TORCHVISION_SHAPED,
)
inception_v3 = quantized_builder(
    "inception_v3",
    Inception_V3_QuantizedWeights,
    "Inception_V3_Weights",
    _build_inception_v3,
    model_cls=QuantizableInception3,
    summary="Build the quantizable Inception v3, int8-quantized when ``quantize=True``.",
    module=TORCHVISION_SHAPED,
)
mobilenet_v2 = quantized_builder(
    "mobilenet_v2",
    MobileNet_V2_QuantizedWeights,
    "MobileNet_V2_Weights",
    quantizable(
        functools.partial(QuantizableMobileNetV2, block=QuantizableInvertedResidualV2), "qnnpack"
    ),
    model_cls=QuantizableMobileNetV2,
    summary="Build the quantizable MobileNetV2, int8-quantized when ``quantize=True``.",
    module=TORCHVISION_SHAPED,
    default_backend="qnnpack",
)
mobilenet_v3_large = quantized_builder(
    "mobilenet_v3_large",
    MobileNet_V3_Large_QuantizedWeights,
    "MobileNet_V3_Large_Weights",
    _build_mobilenet_v3_large,
    model_cls=QuantizableMobileNetV3,
    summary=(
        "Build the quantizable MobileNetV3-Large, int8-quantized when ``quantize=True``.\n\n"
        "As in torchvision, ``quantize=True`` prepares the model for quantization-aware "
        "training, loads the (QAT) checkpoint, then converts it."
    ),
    module=TORCHVISION_SHAPED,
    default_backend="qnnpack",
)
resnet18 = quantized_builder(
    "resnet18",
    ResNet18_QuantizedWeights,
    "ResNet18_Weights",
    _resnet(QuantizableBasicBlock, [2, 2, 2, 2]),
    model_cls=QuantizableResNet,
    summary="Build the quantizable ResNet-18, int8-quantized when ``quantize=True``.",
    module=TORCHVISION_SHAPED,
)
resnet50 = quantized_builder(
    "resnet50",
    ResNet50_QuantizedWeights,
    "ResNet50_Weights",
    _resnet(QuantizableBottleneck, [3, 4, 6, 3]),
    model_cls=QuantizableResNet,
    summary="Build the quantizable ResNet-50, int8-quantized when ``quantize=True``.",
    module=TORCHVISION_SHAPED,
)
resnext101_32x8d = quantized_builder(
    "resnext101_32x8d",
    ResNeXt101_32X8D_QuantizedWeights,
    "ResNeXt101_32X8D_Weights",
    _resnet(QuantizableBottleneck, [3, 4, 23, 3], groups=32, width_per_group=8),
    model_cls=QuantizableResNet,
    summary="Build the quantizable ResNeXt-101 32x8d, int8-quantized when ``quantize=True``.",
    module=TORCHVISION_SHAPED,
)
resnext101_64x4d = quantized_builder(
    "resnext101_64x4d",
    ResNeXt101_64X4D_QuantizedWeights,
    "ResNeXt101_64X4D_Weights",
    _resnet(QuantizableBottleneck, [3, 4, 23, 3], groups=64, width_per_group=4),
    model_cls=QuantizableResNet,
    summary="Build the quantizable ResNeXt-101 64x4d, int8-quantized when ``quantize=True``.",
    module=TORCHVISION_SHAPED,
)
