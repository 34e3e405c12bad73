"""The plugin hook: registers every model of :data:`~._catalogue.MODELS`.

Builders and enums are given as ``"module:attribute"`` strings, so ``weighthub.list_models()``
imports neither torch nor any model code.
"""

from __future__ import annotations

import weighthub
from weighthub.tasks import IMAGE_CLASSIFICATION

from ._catalogue import MODELS

__all__ = ["TASK", "register_models"]

# Declared by core: the quantized and third-party plugins share it.
TASK = IMAGE_CLASSIFICATION.name
_PACKAGE = __name__.rpartition(".")[0]

# torchvision's model classes, exported in weighthub.models as torchvision.models has them.
CLASSES = (
    "AlexNet",
    "ConvNeXt",
    "DenseNet",
    "EfficientNet",
    "GoogLeNet",
    "GoogLeNetOutputs",
    "Inception3",
    "InceptionOutputs",
    "MNASNet",
    "MaxVit",
    "MobileNetV2",
    "MobileNetV3",
    "RegNet",
    "ResNet",
    "ShuffleNetV2",
    "SqueezeNet",
    "SwinTransformer",
    "VGG",
    "VisionTransformer",
)


@weighthub.hookimpl
def register_models(registry: weighthub.Registry) -> None:
    """Register the 80 image-classification models."""
    models = {
        name: (f"._models._{b}", f"._weights._{w}:{enum}") for name, (b, w, enum) in MODELS.items()
    }
    registry.add_models(models, task=TASK, package=_PACKAGE)
    registry.add_exports(CLASSES, "torchvision.models")
