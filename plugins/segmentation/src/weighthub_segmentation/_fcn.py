"""FCN builders, on dilated ResNet-50 and ResNet-101 backbones."""

from __future__ import annotations

from typing import Any

from torchvision.models import resnet50, resnet101
from torchvision.models.segmentation.fcn import FCN, _fcn_resnet

from weighthub import construct_model, handle_legacy_interface
from weighthub.building import BackboneWeights, load_backbone

from ._common import RESNET50_V1, RESNET101_V1, configure
from ._weights import FCN_ResNet50_Weights, FCN_ResNet101_Weights

__all__ = ["fcn_resnet101", "fcn_resnet50"]

_DILATION = [False, True, True]


@handle_legacy_interface(
    weights=("pretrained", FCN_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1),
    weights_backbone=("pretrained_backbone", RESNET50_V1),
)
def fcn_resnet50(
    *,
    weights: FCN_ResNet50_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    aux_loss: bool | None = None,
    weights_backbone: BackboneWeights = RESNET50_V1,
    **kwargs: Any,
) -> FCN:
    """Build a Fully-Convolutional Network with a ResNet-50 backbone (``fcn_resnet50``).

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
    weights = FCN_ResNet50_Weights.verify(weights)
    classes, aux, backbone_weights = configure(
        weights, num_classes, aux_loss, weights_backbone, backbone_enum="ResNet50_Weights"
    )

    def factory() -> FCN:
        backbone = load_backbone(
            resnet50, backbone_weights, progress=progress, replace_stride_with_dilation=_DILATION
        )
        return _fcn_resnet(backbone, classes, aux)

    return construct_model(factory, weights, progress=progress)


@handle_legacy_interface(
    weights=("pretrained", FCN_ResNet101_Weights.COCO_WITH_VOC_LABELS_V1),
    weights_backbone=("pretrained_backbone", RESNET101_V1),
)
def fcn_resnet101(
    *,
    weights: FCN_ResNet101_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    aux_loss: bool | None = None,
    weights_backbone: BackboneWeights = RESNET101_V1,
    **kwargs: Any,
) -> FCN:
    """Build a Fully-Convolutional Network with a ResNet-101 backbone (``fcn_resnet101``).

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
    weights = FCN_ResNet101_Weights.verify(weights)
    classes, aux, backbone_weights = configure(
        weights, num_classes, aux_loss, weights_backbone, backbone_enum="ResNet101_Weights"
    )

    def factory() -> FCN:
        backbone = load_backbone(
            resnet101, backbone_weights, progress=progress, replace_stride_with_dilation=_DILATION
        )
        return _fcn_resnet(backbone, classes, aux)

    return construct_model(factory, weights, progress=progress)
