"""The plugin's entry-point module: registers the semantic segmentation models with weighthub.

Light by design: it names builders and weights enums as ``"module:attribute"`` strings, so
``weighthub.list_models()`` imports neither torch nor the model code.
"""

from __future__ import annotations

import weighthub

__all__ = ["MODELS", "TASK", "register_models"]

TASK = "semantic_segmentation"

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
    """Register the 6 torchvision segmentation builders and their weights enums."""
    for name, (module, enum) in MODELS.items():
        registry.add_model(
            name,
            task=TASK,
            builder=f"{_PACKAGE}.{module}:{name}",
            weights=f"{_PACKAGE}._weights:{enum}",
            namespace="segmentation",
        )
    for class_name in CLASSES:
        registry.add_export(
            class_name, f"torchvision.models.segmentation:{class_name}", namespace="segmentation"
        )
