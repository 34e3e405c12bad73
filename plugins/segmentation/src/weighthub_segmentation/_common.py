"""What every segmentation builder shares: backbone weights by name, num_classes and aux_loss.

The backbone weights belong to the classification plugin. They are looked up by name through
weighthub, and only when asked for, so this plugin works without the classification plugin as long
as no backbone weights are requested; requesting them without it raises weighthub's
``UnknownWeightsError``, whose message carries the ``pip install`` line.
"""

from __future__ import annotations

import weighthub
from weighthub import WeightsEnum, WeightsRef
from weighthub.building import BackboneWeights, resolve_backbone, resolve_num_classes

__all__ = [
    "MOBILENET_V3_LARGE_V1",
    "RESNET50_V1",
    "RESNET101_V1",
    "configure",
]

# The torchvision defaults of `weights_backbone`, by name: resolved only when used.
RESNET50_V1 = WeightsRef("ResNet50_Weights.IMAGENET1K_V1")
RESNET101_V1 = WeightsRef("ResNet101_Weights.IMAGENET1K_V1")
MOBILENET_V3_LARGE_V1 = WeightsRef("MobileNet_V3_Large_Weights.IMAGENET1K_V1")


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
    classes = resolve_num_classes(weights, num_classes, default=21)
    if weights is None:
        return classes, aux_loss, resolve_backbone(weights, weights_backbone, backbone_enum)
    expected_aux = bool(getattr(weights, "model_kwargs", {}).get("aux_loss", True))
    return classes, weighthub.overwrite_value_param("aux_loss", aux_loss, expected_aux), None
