"""The plugin module of ``weighthub-quantized``: registers its models by reference only.

Imported by ``weighthub.list_models()``, so it must import neither torch nor the builders.
"""

from __future__ import annotations

import weighthub
from weighthub.tasks import Metric

_IMAGENET = "ImageNet-1K"

QUANTIZED_IMAGE_CLASSIFICATION = weighthub.Task(
    "quantized_image_classification",
    title="Quantized image classification",
    keys=frozenset({"categories", "backend", "unquantized"}),
    metrics=frozenset({(_IMAGENET, "acc@1"), (_IMAGENET, "acc@5")}),
    preset="ImageClassification",
    sample_input="weighthub.tasks:image_sample_input",
    transforms_check="weighthub.tasks:image_transforms_check",
    predict="classification",
    build_options=(("quantize", True),),
    counts_from="unquantized",
    enum_name="{model}_QuantizedWeights",
    model_prefix="quantized_",
    docs=weighthub.TaskDocs(
        (Metric(_IMAGENET, "acc@1", "Acc@1"), Metric(_IMAGENET, "acc@5", "Acc@5")),
        Metric(_IMAGENET, "acc@1", "ImageNet-1K acc@1 (%)"),
        ops_label="GIPS",
    ),
)
"""Image classification by int8 models: counts and ops are the float (``unquantized``) ones'."""
TASK = QUANTIZED_IMAGE_CLASSIFICATION.name

# Registered name -> (builder, weights enum), as "module:attribute" references.
MODELS: dict[str, tuple[str, str]] = {
    "quantized_googlenet": ("_builders:googlenet", "GoogLeNet_QuantizedWeights"),
    "quantized_inception_v3": ("_builders:inception_v3", "Inception_V3_QuantizedWeights"),
    "quantized_mobilenet_v2": ("_builders:mobilenet_v2", "MobileNet_V2_QuantizedWeights"),
    "quantized_mobilenet_v3_large": (
        "_builders:mobilenet_v3_large",
        "MobileNet_V3_Large_QuantizedWeights",
    ),
    "quantized_resnet18": ("_builders:resnet18", "ResNet18_QuantizedWeights"),
    "quantized_resnet50": ("_builders:resnet50", "ResNet50_QuantizedWeights"),
    "quantized_resnext101_32x8d": (
        "_builders:resnext101_32x8d",
        "ResNeXt101_32X8D_QuantizedWeights",
    ),
    "quantized_resnext101_64x4d": (
        "_builders:resnext101_64x4d",
        "ResNeXt101_64X4D_QuantizedWeights",
    ),
    "quantized_shufflenet_v2_x0_5": (
        "_shufflenet:shufflenet_v2_x0_5",
        "ShuffleNet_V2_X0_5_QuantizedWeights",
    ),
    "quantized_shufflenet_v2_x1_0": (
        "_shufflenet:shufflenet_v2_x1_0",
        "ShuffleNet_V2_X1_0_QuantizedWeights",
    ),
    "quantized_shufflenet_v2_x1_5": (
        "_shufflenet:shufflenet_v2_x1_5",
        "ShuffleNet_V2_X1_5_QuantizedWeights",
    ),
    "quantized_shufflenet_v2_x2_0": (
        "_shufflenet:shufflenet_v2_x2_0",
        "ShuffleNet_V2_X2_0_QuantizedWeights",
    ),
}

_PACKAGE = "weighthub_quantized"

CLASSES = (
    "QuantizableGoogLeNet",
    "QuantizableInception3",
    "QuantizableMobileNetV2",
    "QuantizableMobileNetV3",
    "QuantizableResNet",
    "QuantizableShuffleNetV2",
)


@weighthub.hookimpl
def register_models(registry: weighthub.Registry) -> None:
    """Declare the quantized classification task and register its 12 models."""
    registry.add_task(QUANTIZED_IMAGE_CLASSIFICATION)
    # Each builder is placed in weighthub.models.quantization under its own name ("resnet50").
    models = {
        name: (f".{builder}", f"._weights:{enum}") for name, (builder, enum) in MODELS.items()
    }
    registry.add_models(models, task=TASK, package=_PACKAGE, namespace="quantization")
    registry.add_exports(CLASSES, "torchvision.models.quantization", namespace="quantization")
