"""What every detection builder shares: backbone weights by name, num_classes, trainable layers.

The backbone weights belong to the classification plugin. They are looked up by name through
weighthub, and only when asked for, so this plugin works without the classification plugin as long
as no backbone weights are requested; requesting them without it raises weighthub's
``UnknownWeightsError``, whose message carries the ``pip install`` line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch import nn
from torchvision.models.detection.backbone_utils import _validate_trainable_layers
from torchvision.ops.misc import FrozenBatchNorm2d

from weighthub import WeightsEnum, WeightsRef
from weighthub.building import BackboneWeights, resolve_backbone, resolve_num_classes

__all__ = [
    "MOBILENET_V3_LARGE_V1",
    "RESNET50_V1",
    "VGG16_FEATURES",
    "DetectionConfig",
    "configure",
]

# The torchvision defaults of `weights_backbone`, by name: resolved only when used.
RESNET50_V1 = WeightsRef("ResNet50_Weights.IMAGENET1K_V1")
MOBILENET_V3_LARGE_V1 = WeightsRef("MobileNet_V3_Large_Weights.IMAGENET1K_V1")
VGG16_FEATURES = WeightsRef("VGG16_Weights.IMAGENET1K_FEATURES")


@dataclass(frozen=True)
class DetectionConfig:
    """A detection builder's resolved options.

    Attributes:
        num_classes: The number of classes, background included.
        weights_backbone: The backbone weights to load, or None.
        is_trained: Whether any pretrained weights (model or backbone) are used.
        trainable_layers: The number of backbone stages left trainable.
    """

    num_classes: int
    weights_backbone: WeightsEnum | None
    is_trained: bool
    trainable_layers: int

    @property
    def norm_layer(self) -> Callable[..., nn.Module]:
        """``FrozenBatchNorm2d`` for pretrained models, ``BatchNorm2d`` otherwise."""
        return FrozenBatchNorm2d if self.is_trained else nn.BatchNorm2d


def configure(
    weights: WeightsEnum | None,
    num_classes: int | None,
    weights_backbone: BackboneWeights,
    trainable_backbone_layers: int | None,
    *,
    backbone_enum: str,
    max_layers: int,
    default_layers: int,
    default_num_classes: int = 91,
) -> DetectionConfig:
    """Apply torchvision's rules for ``weights``, ``num_classes``, backbone weights and layers.

    With ``weights``, the backbone weights are ignored (and not even looked up) and ``num_classes``
    must match the weights' categories. ``trainable_backbone_layers`` is validated by torchvision's
    ``_validate_trainable_layers`` (with its warning when set on an untrained model).

    Raises:
        ValueError: ``num_classes`` conflicts with the weights, or the layer count is out of range.
    """
    classes = resolve_num_classes(weights, num_classes, default=default_num_classes)
    backbone = resolve_backbone(weights, weights_backbone, backbone_enum)
    is_trained = weights is not None or backbone is not None
    layers = _validate_trainable_layers(
        is_trained, trainable_backbone_layers, max_layers, default_layers
    )
    return DetectionConfig(classes, backbone, is_trained, layers)
