"""The LR-ASPP builder, on a dilated MobileNetV3-Large backbone."""

from __future__ import annotations

from typing import Any

from torchvision.models import mobilenet_v3_large
from torchvision.models.segmentation.lraspp import LRASPP, _lraspp_mobilenetv3

from weighthub import construct_model, handle_legacy_interface
from weighthub.building import BackboneWeights, load_backbone

from ._common import MOBILENET_V3_LARGE_V1, configure
from ._weights import LRASPP_MobileNet_V3_Large_Weights

__all__ = ["lraspp_mobilenet_v3_large"]


@handle_legacy_interface(
    weights=("pretrained", LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1),
    weights_backbone=("pretrained_backbone", MOBILENET_V3_LARGE_V1),
)
def lraspp_mobilenet_v3_large(
    *,
    weights: LRASPP_MobileNet_V3_Large_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    weights_backbone: BackboneWeights = MOBILENET_V3_LARGE_V1,
    **kwargs: Any,
) -> LRASPP:
    """Build Lite R-ASPP with a MobileNetV3-Large backbone (``lraspp_mobilenet_v3_large``).

    Args:
        weights: The weights to load (a member, its name or ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (21 without weights).
        weights_backbone: ImageNet weights of the dilated MobileNetV3-Large backbone, used when
            ``weights`` is None: a member or ``"MobileNet_V3_Large_Weights.X"``/``"X"``/
            ``"DEFAULT"`` (needs the classification plugin). None for a random backbone.
        **kwargs: Ignored, as by torchvision; a true ``aux_loss`` raises.

    Raises:
        NotImplementedError: ``aux_loss=True``: the model has no auxiliary classifier.
    """
    if kwargs.pop("aux_loss", False):
        msg = "This model does not use auxiliary loss"
        raise NotImplementedError(msg)
    weights = LRASPP_MobileNet_V3_Large_Weights.verify(weights)
    classes, _, backbone_weights = configure(
        weights,
        num_classes,
        None,
        weights_backbone,
        backbone_enum="MobileNet_V3_Large_Weights",
    )

    def factory() -> LRASPP:
        backbone = load_backbone(
            mobilenet_v3_large, backbone_weights, progress=progress, dilated=True
        )
        return _lraspp_mobilenetv3(backbone, classes)

    return construct_model(factory, weights, progress=progress)
