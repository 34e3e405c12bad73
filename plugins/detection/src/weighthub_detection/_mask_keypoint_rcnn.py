"""Mask R-CNN (v1, v2) and Keypoint R-CNN builders, on ResNet-50-FPN backbones."""

from __future__ import annotations

from typing import Any

from torch import nn
from torchvision.models.detection.keypoint_rcnn import KeypointRCNN
from torchvision.models.detection.mask_rcnn import MaskRCNN, MaskRCNNHeads

from weighthub import WeightsEnum
from weighthub.building import RESNET50_V1, TORCHVISION_SHAPED, overwrite_value_param

from ._common import DetectionConfig, detection_builder
from ._faster_rcnn import resnet50_fpn, v2_heads
from ._weights import (
    KeypointRCNN_ResNet50_FPN_Weights,
    MaskRCNN_ResNet50_FPN_V2_Weights,
    MaskRCNN_ResNet50_FPN_Weights,
)

__all__ = ["keypointrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn_v2"]


def _maskrcnn(config: DetectionConfig, progress: bool, kwargs: dict[str, Any]) -> MaskRCNN:
    return MaskRCNN(resnet50_fpn(config, progress), num_classes=config.num_classes, **kwargs)


def _maskrcnn_v2(config: DetectionConfig, progress: bool, kwargs: dict[str, Any]) -> MaskRCNN:
    fpn = resnet50_fpn(config, progress, v2=True)
    mask_head = MaskRCNNHeads(fpn.out_channels, [256, 256, 256, 256], 1, norm_layer=nn.BatchNorm2d)
    return MaskRCNN(
        fpn, num_classes=config.num_classes, **v2_heads(fpn), mask_head=mask_head, **kwargs
    )


maskrcnn_resnet50_fpn = detection_builder(
    "maskrcnn_resnet50_fpn",
    MaskRCNN_ResNet50_FPN_Weights,
    _maskrcnn,
    backbone_default=RESNET50_V1,
    backbone_doc="ResNet-50",
    max_layers=5,
    default_layers=3,
    model_cls=MaskRCNN,
    summary="Build Mask R-CNN with a ResNet-50-FPN backbone (``maskrcnn_resnet50_fpn``).",
    module=TORCHVISION_SHAPED,
    eps_zero=MaskRCNN_ResNet50_FPN_Weights.COCO_V1,
)
maskrcnn_resnet50_fpn_v2 = detection_builder(
    "maskrcnn_resnet50_fpn_v2",
    MaskRCNN_ResNet50_FPN_V2_Weights,
    _maskrcnn_v2,
    backbone_default=RESNET50_V1,
    backbone_doc="ResNet-50",
    max_layers=5,
    default_layers=3,
    model_cls=MaskRCNN,
    summary="Build the improved Mask R-CNN ResNet-50-FPN (``maskrcnn_resnet50_fpn_v2``).",
    module=TORCHVISION_SHAPED,
    random_backbone=True,
)


def _keypoint_legacy_weights(kwargs: dict[str, Any]) -> WeightsEnum:
    # torchvision's escape hatch: weights="legacy" selects the early-epoch checkpoint.
    if kwargs["pretrained"] == "legacy":
        return KeypointRCNN_ResNet50_FPN_Weights.COCO_LEGACY
    return KeypointRCNN_ResNet50_FPN_Weights.COCO_V1


def _num_keypoints(weights: WeightsEnum | None, kwargs: dict[str, Any]) -> None:
    """Like num_classes: from the weights (their model_kwargs, else their keypoint names)."""
    if weights is not None:
        declared = getattr(weights, "model_kwargs", {})
        expected = declared.get("num_keypoints", len(weights.meta["keypoint_names"]))
        kwargs["num_keypoints"] = overwrite_value_param(
            "num_keypoints", kwargs["num_keypoints"], expected
        )
    elif kwargs["num_keypoints"] is None:
        kwargs["num_keypoints"] = 17


def _keypointrcnn(config: DetectionConfig, progress: bool, kwargs: dict[str, Any]) -> KeypointRCNN:
    return KeypointRCNN(resnet50_fpn(config, progress), config.num_classes, **kwargs)


_KEYPOINT_ARGS_DOC = """

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

keypointrcnn_resnet50_fpn = detection_builder(
    "keypointrcnn_resnet50_fpn",
    KeypointRCNN_ResNet50_FPN_Weights,
    _keypointrcnn,
    backbone_default=RESNET50_V1,
    backbone_doc="ResNet-50",
    max_layers=5,
    default_layers=3,
    model_cls=KeypointRCNN,
    summary="Build Keypoint R-CNN with a ResNet-50-FPN backbone (``keypointrcnn_resnet50_fpn``).",
    module=TORCHVISION_SHAPED,
    eps_zero=KeypointRCNN_ResNet50_FPN_Weights.COCO_V1,
    default_num_classes=2,
    head_options={"num_keypoints": (None, int | None)},
    resolve_head_options=_num_keypoints,
    legacy_default=_keypoint_legacy_weights,
    args_doc=_KEYPOINT_ARGS_DOC,
)
