"""Mask R-CNN (v1, v2) and Keypoint R-CNN builders, on ResNet-50-FPN backbones."""

from __future__ import annotations

from typing import Any

from torch import nn
from torchvision.models import resnet50
from torchvision.models.detection._utils import overwrite_eps
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.models.detection.faster_rcnn import (
    FastRCNNConvFCHead,
    RPNHead,
    _default_anchorgen,
)
from torchvision.models.detection.keypoint_rcnn import KeypointRCNN
from torchvision.models.detection.mask_rcnn import MaskRCNN, MaskRCNNHeads

import weighthub
from weighthub import WeightsEnum, construct_model, handle_legacy_interface
from weighthub.building import BackboneWeights, load_backbone

from ._common import RESNET50_V1, configure
from ._weights import (
    KeypointRCNN_ResNet50_FPN_Weights,
    MaskRCNN_ResNet50_FPN_V2_Weights,
    MaskRCNN_ResNet50_FPN_Weights,
)

__all__ = ["keypointrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn_v2"]


@handle_legacy_interface(
    weights=("pretrained", MaskRCNN_ResNet50_FPN_Weights.COCO_V1),
    weights_backbone=("pretrained_backbone", RESNET50_V1),
)
def maskrcnn_resnet50_fpn(
    *,
    weights: MaskRCNN_ResNet50_FPN_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    weights_backbone: BackboneWeights = RESNET50_V1,
    trainable_backbone_layers: int | None = None,
    **kwargs: Any,
) -> MaskRCNN:
    """Build Mask R-CNN with a ResNet-50-FPN backbone (torchvision's ``maskrcnn_resnet50_fpn``).

    Args:
        weights: The COCO weights to load (a member, its name or ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (91 without weights).
        weights_backbone: ImageNet weights of the ResNet-50 backbone, used when ``weights`` is None:
            a member or ``"ResNet50_Weights.X"``/``"X"``/``"DEFAULT"``, looked up through weighthub
            (needs the classification plugin). None for a random backbone.
        trainable_backbone_layers: Backbone stages left trainable, 0-5 (default 3).
        **kwargs: Options of ``torchvision.models.detection.MaskRCNN``.
    """
    weights = MaskRCNN_ResNet50_FPN_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs)
    config = configure(
        weights,
        num_classes,
        weights_backbone,
        trainable_backbone_layers,
        backbone_enum="ResNet50_Weights",
        max_layers=5,
        default_layers=3,
    )

    def factory() -> MaskRCNN:
        backbone = load_backbone(
            resnet50, config.weights_backbone, progress=progress, norm_layer=config.norm_layer
        )
        fpn = _resnet_fpn_extractor(backbone, config.trainable_layers)
        return MaskRCNN(fpn, num_classes=config.num_classes, **kwargs)

    model = construct_model(factory, weights, progress=progress)
    if weights == MaskRCNN_ResNet50_FPN_Weights.COCO_V1:
        overwrite_eps(model, 0.0)
    return model


@handle_legacy_interface(
    weights=("pretrained", MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1),
    weights_backbone=("pretrained_backbone", RESNET50_V1),
)
def maskrcnn_resnet50_fpn_v2(
    *,
    weights: MaskRCNN_ResNet50_FPN_V2_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    weights_backbone: BackboneWeights = None,
    trainable_backbone_layers: int | None = None,
    **kwargs: Any,
) -> MaskRCNN:
    """Build the improved Mask R-CNN ResNet-50-FPN (torchvision's ``maskrcnn_resnet50_fpn_v2``).

    Args:
        weights: The COCO weights to load (a member, its name or ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (91 without weights).
        weights_backbone: ImageNet weights of the ResNet-50 backbone (see
            :func:`maskrcnn_resnet50_fpn`); None (the default) for a random backbone.
        trainable_backbone_layers: Backbone stages left trainable, 0-5 (default 3).
        **kwargs: Options of ``torchvision.models.detection.MaskRCNN``.
    """
    weights = MaskRCNN_ResNet50_FPN_V2_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs)
    config = configure(
        weights,
        num_classes,
        weights_backbone,
        trainable_backbone_layers,
        backbone_enum="ResNet50_Weights",
        max_layers=5,
        default_layers=3,
    )

    def factory() -> MaskRCNN:
        backbone = load_backbone(resnet50, config.weights_backbone, progress=progress)
        fpn = _resnet_fpn_extractor(backbone, config.trainable_layers, norm_layer=nn.BatchNorm2d)
        anchor_generator = _default_anchorgen()
        rpn_head = RPNHead(
            fpn.out_channels, anchor_generator.num_anchors_per_location()[0], conv_depth=2
        )
        box_head = FastRCNNConvFCHead(
            (fpn.out_channels, 7, 7), [256, 256, 256, 256], [1024], norm_layer=nn.BatchNorm2d
        )
        mask_head = MaskRCNNHeads(
            fpn.out_channels, [256, 256, 256, 256], 1, norm_layer=nn.BatchNorm2d
        )
        return MaskRCNN(
            fpn,
            num_classes=config.num_classes,
            rpn_anchor_generator=anchor_generator,
            rpn_head=rpn_head,
            box_head=box_head,
            mask_head=mask_head,
            **kwargs,
        )

    return construct_model(factory, weights, progress=progress)


def _keypoint_legacy_weights(kwargs: dict[str, Any]) -> WeightsEnum:
    # torchvision's escape hatch: weights="legacy" selects the early-epoch checkpoint.
    if kwargs["pretrained"] == "legacy":
        return KeypointRCNN_ResNet50_FPN_Weights.COCO_LEGACY
    return KeypointRCNN_ResNet50_FPN_Weights.COCO_V1


@handle_legacy_interface(
    weights=("pretrained", _keypoint_legacy_weights),
    weights_backbone=("pretrained_backbone", RESNET50_V1),
)
def keypointrcnn_resnet50_fpn(
    *,
    weights: KeypointRCNN_ResNet50_FPN_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    num_keypoints: int | None = None,
    weights_backbone: BackboneWeights = RESNET50_V1,
    trainable_backbone_layers: int | None = None,
    **kwargs: Any,
) -> KeypointRCNN:
    """Build Keypoint R-CNN with a ResNet-50-FPN backbone (``keypointrcnn_resnet50_fpn``).

    Args:
        weights: The COCO person-keypoint weights to load (a member, its name or
            ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (2 without weights).
        num_keypoints: Keypoints per instance (17 without weights).
        weights_backbone: ImageNet weights of the ResNet-50 backbone (see
            :func:`maskrcnn_resnet50_fpn`); None for a random backbone.
        trainable_backbone_layers: Backbone stages left trainable, 0-5 (default 3).
        **kwargs: Options of ``torchvision.models.detection.KeypointRCNN``.
    """
    weights = KeypointRCNN_ResNet50_FPN_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs, handled=("num_keypoints",))
    config = configure(
        weights,
        num_classes,
        weights_backbone,
        trainable_backbone_layers,
        backbone_enum="ResNet50_Weights",
        max_layers=5,
        default_layers=3,
        default_num_classes=2,
    )
    if weights is not None:
        declared = getattr(weights, "model_kwargs", {})
        expected = declared.get("num_keypoints", len(weights.meta["keypoint_names"]))
        num_keypoints = weighthub.overwrite_value_param("num_keypoints", num_keypoints, expected)
    elif num_keypoints is None:
        num_keypoints = 17

    def factory() -> KeypointRCNN:
        backbone = load_backbone(
            resnet50, config.weights_backbone, progress=progress, norm_layer=config.norm_layer
        )
        fpn = _resnet_fpn_extractor(backbone, config.trainable_layers)
        return KeypointRCNN(fpn, config.num_classes, num_keypoints=num_keypoints, **kwargs)

    model = construct_model(factory, weights, progress=progress)
    if weights == KeypointRCNN_ResNet50_FPN_Weights.COCO_V1:
        overwrite_eps(model, 0.0)
    return model
