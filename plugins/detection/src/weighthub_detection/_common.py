"""What every detection builder shares: backbone weights by name, num_classes, trainable layers.

The backbone weights belong to the classification plugin. They are looked up by name through
weighthub, and only when asked for, so this plugin works without the classification plugin as long
as no backbone weights are requested; requesting them without it raises weighthub's
``UnknownWeightsError``, whose message carries the ``pip install`` line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from torch import nn
from torchvision.models.detection.backbone_utils import _validate_trainable_layers
from torchvision.ops.misc import FrozenBatchNorm2d

import weighthub
from weighthub import WeightsEnum, WeightsRef

__all__ = [
    "MOBILENET_V3_LARGE_V1",
    "RESNET50_V1",
    "VGG16_FEATURES",
    "BackboneWeights",
    "DetectionConfig",
    "configure",
    "load_backbone",
]

BackboneWeights: TypeAlias = WeightsEnum | WeightsRef | str | None
"""What ``weights_backbone`` accepts: a member, a reference, a name, or None."""


# The torchvision defaults of `weights_backbone`, by name: resolved only when used.
RESNET50_V1 = WeightsRef("ResNet50_Weights.IMAGENET1K_V1")
MOBILENET_V3_LARGE_V1 = WeightsRef("MobileNet_V3_Large_Weights.IMAGENET1K_V1")
VGG16_FEATURES = WeightsRef("VGG16_Weights.IMAGENET1K_FEATURES")


def load_backbone(
    builder: Callable[..., nn.Module],
    weights: WeightsEnum | None,
    *,
    progress: bool,
    **kwargs: Any,
) -> nn.Module:
    """Build a torchvision classification network and load backbone weights into it.

    Args:
        builder: The torchvision builder of the architecture (``torchvision.models.resnet50``); it
            is called with ``weights=None`` and the weights are loaded by weighthub.
        weights: The backbone weights, or None for random initialisation.
        progress: Show a download progress bar.
        **kwargs: Architecture options for ``builder`` (``norm_layer`` ...).

    Returns:
        The network.

    Raises:
        ValueError: ``kwargs`` sets ``num_classes`` unlike the weights' categories.
    """
    if weights is not None:
        categories = weights.meta.get("categories")
        if categories is not None:
            weighthub.overwrite_named_param(kwargs, "num_classes", len(categories))

    def factory() -> nn.Module:
        return builder(weights=None, **kwargs)

    return weighthub.construct_model(factory, weights, progress=progress)


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
    if weights is not None:
        backbone = None
        classes = weighthub.overwrite_value_param(
            "num_classes", num_classes, len(weights.meta["categories"])
        )
    else:
        backbone = weighthub.resolve_weights(weights_backbone, backbone_enum)
        classes = default_num_classes if num_classes is None else num_classes
    is_trained = weights is not None or backbone is not None
    layers = _validate_trainable_layers(
        is_trained, trainable_backbone_layers, max_layers, default_layers
    )
    return DetectionConfig(classes, backbone, is_trained, layers)
