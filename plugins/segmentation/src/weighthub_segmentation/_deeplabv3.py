"""DeepLabV3 builders, on dilated ResNet-50/101 and MobileNetV3-Large backbones."""

from __future__ import annotations

from typing import Any

from torchvision.models import mobilenet_v3_large, resnet50, resnet101
from torchvision.models.segmentation.deeplabv3 import (
    DeepLabV3,
    _deeplabv3_mobilenetv3,
    _deeplabv3_resnet,
)

from weighthub import construct_model, handle_legacy_interface
from weighthub.building import BackboneWeights, load_backbone

from ._common import MOBILENET_V3_LARGE_V1, RESNET50_V1, RESNET101_V1, configure
from ._weights import (
    DeepLabV3_MobileNet_V3_Large_Weights,
    DeepLabV3_ResNet50_Weights,
    DeepLabV3_ResNet101_Weights,
)

__all__ = ["deeplabv3_mobilenet_v3_large", "deeplabv3_resnet101", "deeplabv3_resnet50"]

_DILATION = [False, True, True]


@handle_legacy_interface(
    weights=("pretrained", DeepLabV3_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1),
    weights_backbone=("pretrained_backbone", RESNET50_V1),
)
def deeplabv3_resnet50(
    *,
    weights: DeepLabV3_ResNet50_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    aux_loss: bool | None = None,
    weights_backbone: BackboneWeights = RESNET50_V1,
    **kwargs: Any,
) -> DeepLabV3:
    """Build DeepLabV3 with a ResNet-50 backbone (torchvision's ``deeplabv3_resnet50``).

    Args:
        weights: The weights to load (a member, its name or ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (21 without weights).
        aux_loss: Add the auxiliary classifier (forced on by ``weights``).
        weights_backbone: ImageNet weights of the ResNet-50 backbone, used when ``weights`` is None:
            a member or ``"ResNet50_Weights.X"``/``"X"``/``"DEFAULT"``, looked up through weighthub
            (needs the classification plugin). None for a random backbone.
        **kwargs: Ignored, as by torchvision.
    """
    weights = DeepLabV3_ResNet50_Weights.verify(weights)
    classes, aux, backbone_weights = configure(
        weights, num_classes, aux_loss, weights_backbone, backbone_enum="ResNet50_Weights"
    )

    def factory() -> DeepLabV3:
        backbone = load_backbone(
            resnet50, backbone_weights, progress=progress, replace_stride_with_dilation=_DILATION
        )
        return _deeplabv3_resnet(backbone, classes, aux)

    return construct_model(factory, weights, progress=progress)


@handle_legacy_interface(
    weights=("pretrained", DeepLabV3_ResNet101_Weights.COCO_WITH_VOC_LABELS_V1),
    weights_backbone=("pretrained_backbone", RESNET101_V1),
)
def deeplabv3_resnet101(
    *,
    weights: DeepLabV3_ResNet101_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    aux_loss: bool | None = None,
    weights_backbone: BackboneWeights = RESNET101_V1,
    **kwargs: Any,
) -> DeepLabV3:
    """Build DeepLabV3 with a ResNet-101 backbone (torchvision's ``deeplabv3_resnet101``).

    Args:
        weights: The weights to load (a member, its name or ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (21 without weights).
        aux_loss: Add the auxiliary classifier (forced on by ``weights``).
        weights_backbone: ImageNet weights of the ResNet-101 backbone, used when ``weights`` is
            None: a member or ``"ResNet101_Weights.X"``/``"X"``/``"DEFAULT"`` (needs the
            classification plugin). None for a random backbone.
        **kwargs: Ignored, as by torchvision.
    """
    weights = DeepLabV3_ResNet101_Weights.verify(weights)
    classes, aux, backbone_weights = configure(
        weights, num_classes, aux_loss, weights_backbone, backbone_enum="ResNet101_Weights"
    )

    def factory() -> DeepLabV3:
        backbone = load_backbone(
            resnet101, backbone_weights, progress=progress, replace_stride_with_dilation=_DILATION
        )
        return _deeplabv3_resnet(backbone, classes, aux)

    return construct_model(factory, weights, progress=progress)


@handle_legacy_interface(
    weights=("pretrained", DeepLabV3_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1),
    weights_backbone=("pretrained_backbone", MOBILENET_V3_LARGE_V1),
)
def deeplabv3_mobilenet_v3_large(
    *,
    weights: DeepLabV3_MobileNet_V3_Large_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    aux_loss: bool | None = None,
    weights_backbone: BackboneWeights = MOBILENET_V3_LARGE_V1,
    **kwargs: Any,
) -> DeepLabV3:
    """Build DeepLabV3 with a MobileNetV3-Large backbone (``deeplabv3_mobilenet_v3_large``).

    Args:
        weights: The weights to load (a member, its name or ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (21 without weights).
        aux_loss: Add the auxiliary classifier (forced on by ``weights``).
        weights_backbone: ImageNet weights of the dilated MobileNetV3-Large backbone, used when
            ``weights`` is None: a member or ``"MobileNet_V3_Large_Weights.X"``/``"X"``/
            ``"DEFAULT"`` (needs the classification plugin). None for a random backbone.
        **kwargs: Ignored, as by torchvision.
    """
    weights = DeepLabV3_MobileNet_V3_Large_Weights.verify(weights)
    classes, aux, backbone_weights = configure(
        weights,
        num_classes,
        aux_loss,
        weights_backbone,
        backbone_enum="MobileNet_V3_Large_Weights",
    )

    def factory() -> DeepLabV3:
        backbone = load_backbone(
            mobilenet_v3_large, backbone_weights, progress=progress, dilated=True
        )
        return _deeplabv3_mobilenetv3(backbone, classes, aux)

    return construct_model(factory, weights, progress=progress)
