"""The plugin's entry-point module: registers the semantic segmentation models with weighthub.

Light by design: it names builders and weights enums as ``"module:attribute"`` strings, so
``weighthub.list_models()`` imports neither torch nor the model code.
"""

from __future__ import annotations

import weighthub
from weighthub.tasks import Metric

__all__ = ["MODELS", "SEMANTIC_SEGMENTATION", "TASK", "register_models"]

_VOC_LABELS = "COCO-val2017-VOC-labels"

SEMANTIC_SEGMENTATION = weighthub.Task(
    "semantic_segmentation",
    title="Semantic segmentation",
    keys=frozenset({"categories"}),
    metrics=frozenset({(_VOC_LABELS, "miou"), (_VOC_LABELS, "pixel_acc")}),
    preset="SemanticSegmentation",
    sample_input="weighthub.tasks:image_sample_input",
    transforms_check="weighthub_segmentation._task:transforms_check",
    predict="segmentation",
    docs=weighthub.TaskDocs(
        (
            Metric(_VOC_LABELS, "miou", "Mean IoU"),
            Metric(_VOC_LABELS, "pixel_acc", "Pixelwise acc."),
        ),
        Metric(_VOC_LABELS, "miou", "COCO-val2017 (VOC labels) mean IoU"),
    ),
)
TASK = SEMANTIC_SEGMENTATION.name

_PACKAGE = "weighthub_segmentation"

# torchvision's model classes, exported in weighthub.models.segmentation.
CLASSES = (
    "DeepLabV3",
    "FCN",
    "LRASPP",
)

# model name -> (builder module, weights enum); the builder function has the model's name.
MODELS: dict[str, tuple[str, str]] = {
    "fcn_resnet50": ("_fcn", "FCN_ResNet50_Weights"),
    "fcn_resnet101": ("_fcn", "FCN_ResNet101_Weights"),
    "deeplabv3_resnet50": ("_deeplabv3", "DeepLabV3_ResNet50_Weights"),
    "deeplabv3_resnet101": ("_deeplabv3", "DeepLabV3_ResNet101_Weights"),
    "deeplabv3_mobilenet_v3_large": ("_deeplabv3", "DeepLabV3_MobileNet_V3_Large_Weights"),
    "lraspp_mobilenet_v3_large": ("_lraspp", "LRASPP_MobileNet_V3_Large_Weights"),
}


@weighthub.hookimpl
def register_models(registry: weighthub.Registry) -> None:
    """Declare the segmentation task and register the 6 torchvision segmentation builders."""
    registry.add_task(SEMANTIC_SEGMENTATION)
    models = {name: (f".{module}", f"._weights:{enum}") for name, (module, enum) in MODELS.items()}
    registry.add_models(models, task=TASK, package=_PACKAGE, namespace="segmentation")
    registry.add_exports(CLASSES, "torchvision.models.segmentation", namespace="segmentation")
