"""What every segmentation builder shares: backbone weights by name, num_classes and aux_loss.

The backbone weights belong to the classification plugin. They are looked up by name through
weighthub, and only when asked for, so this plugin works without the classification plugin as long
as no backbone weights are requested; requesting them without it raises weighthub's
``UnknownWeightsError``, whose message carries the ``pip install`` line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

from torch import nn

import weighthub
from weighthub import WeightsEnum, WeightsRef

__all__ = [
    "MOBILENET_V3_LARGE_V1",
    "RESNET50_V1",
    "RESNET101_V1",
    "BackboneWeights",
    "configure",
    "load_backbone",
]

BackboneWeights: TypeAlias = WeightsEnum | WeightsRef | str | None
"""What ``weights_backbone`` accepts: a member, a reference, a name, or None."""

# The torchvision defaults of `weights_backbone`, by name: resolved only when used.
RESNET50_V1 = WeightsRef("ResNet50_Weights.IMAGENET1K_V1")
RESNET101_V1 = WeightsRef("ResNet101_Weights.IMAGENET1K_V1")
MOBILENET_V3_LARGE_V1 = WeightsRef("MobileNet_V3_Large_Weights.IMAGENET1K_V1")


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
        **kwargs: Architecture options for ``builder`` (``replace_stride_with_dilation`` ...).

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


def configure(
    weights: WeightsEnum | None,
    num_classes: int | None,
    aux_loss: bool | None,
    weights_backbone: BackboneWeights,
    *,
    backbone_enum: str,
) -> tuple[int, bool | None, WeightsEnum | None]:
    """Apply torchvision's rules for ``weights``, ``num_classes``, ``aux_loss`` and the backbone.

    With ``weights``, the backbone weights are ignored (and not even looked up), ``num_classes``
    must match the weights' categories and ``aux_loss`` must be True or None (the checkpoints hold
    the auxiliary classifier, unless the weights' ``model_kwargs`` say ``aux_loss=False``).
    Without, ``num_classes`` defaults to 21.

    Returns:
        ``(num_classes, aux_loss, backbone weights)``.

    Raises:
        ValueError: ``num_classes`` or ``aux_loss`` conflicts with the weights.
    """
    if weights is None:
        backbone = weighthub.resolve_weights(weights_backbone, backbone_enum)
        return (21 if num_classes is None else num_classes), aux_loss, backbone
    classes = weighthub.overwrite_value_param(
        "num_classes", num_classes, len(weights.meta["categories"])
    )
    expected_aux = bool(getattr(weights, "model_kwargs", {}).get("aux_loss", True))
    return classes, weighthub.overwrite_value_param("aux_loss", aux_loss, expected_aux), None
