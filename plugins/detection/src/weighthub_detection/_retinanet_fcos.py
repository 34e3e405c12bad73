"""RetinaNet (v1, v2) and FCOS builders, on ResNet-50-FPN backbones."""

from __future__ import annotations

from functools import partial
from typing import Any

from torch import nn
from torchvision.models import resnet50
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.models.detection.fcos import FCOS
from torchvision.models.detection.retinanet import RetinaNet, RetinaNetHead, _default_anchorgen
from torchvision.ops.feature_pyramid_network import LastLevelP6P7

from weighthub.building import RESNET50_V1, TORCHVISION_SHAPED, load_backbone

from ._common import DetectionConfig, detection_builder
from ._weights import (
    FCOS_ResNet50_FPN_Weights,
    RetinaNet_ResNet50_FPN_V2_Weights,
    RetinaNet_ResNet50_FPN_Weights,
)

__all__ = ["fcos_resnet50_fpn", "retinanet_resnet50_fpn", "retinanet_resnet50_fpn_v2"]


def _p3_to_p7(config: DetectionConfig, progress: bool, *, v2: bool = False) -> nn.Module:
    """The ResNet-50 FPN from P3, plus P6 and P7 (P2 is skipped: too many anchors, as in the paper).

    The v1 models freeze the backbone's batch norms when pretrained; v2 ones train them.
    """
    options: dict[str, Any] = {} if v2 else {"norm_layer": config.norm_layer}
    backbone = load_backbone(resnet50, config.weights_backbone, progress=progress, **options)
    fpn: nn.Module = _resnet_fpn_extractor(
        backbone,
        config.trainable_layers,
        returned_layers=[2, 3, 4],
        extra_blocks=LastLevelP6P7(2048 if v2 else 256, 256),
    )
    return fpn


def _fcos(config: DetectionConfig, progress: bool, kwargs: dict[str, Any]) -> FCOS:
    return FCOS(_p3_to_p7(config, progress), config.num_classes, **kwargs)


def _retinanet(config: DetectionConfig, progress: bool, kwargs: dict[str, Any]) -> RetinaNet:
    return RetinaNet(_p3_to_p7(config, progress), config.num_classes, **kwargs)


def _retinanet_v2(config: DetectionConfig, progress: bool, kwargs: dict[str, Any]) -> RetinaNet:
    fpn = _p3_to_p7(config, progress, v2=True)
    anchor_generator = _default_anchorgen()
    head = RetinaNetHead(
        fpn.out_channels,
        anchor_generator.num_anchors_per_location()[0],
        config.num_classes,
        norm_layer=partial(nn.GroupNorm, 32),
    )
    head.regression_head._loss_type = "giou"
    return RetinaNet(
        fpn, config.num_classes, anchor_generator=anchor_generator, head=head, **kwargs
    )


fcos_resnet50_fpn = detection_builder(
    "fcos_resnet50_fpn",
    FCOS_ResNet50_FPN_Weights,
    _fcos,
    backbone_default=RESNET50_V1,
    backbone_doc="ResNet-50",
    max_layers=5,
    default_layers=3,
    model_cls=FCOS,
    summary="Build FCOS with a ResNet-50-FPN backbone (torchvision's ``fcos_resnet50_fpn``).",
    module=TORCHVISION_SHAPED,
)
retinanet_resnet50_fpn = detection_builder(
    "retinanet_resnet50_fpn",
    RetinaNet_ResNet50_FPN_Weights,
    _retinanet,
    backbone_default=RESNET50_V1,
    backbone_doc="ResNet-50",
    max_layers=5,
    default_layers=3,
    model_cls=RetinaNet,
    summary="Build RetinaNet with a ResNet-50-FPN backbone (``retinanet_resnet50_fpn``).",
    module=TORCHVISION_SHAPED,
    eps_zero=RetinaNet_ResNet50_FPN_Weights.COCO_V1,
)
retinanet_resnet50_fpn_v2 = detection_builder(
    "retinanet_resnet50_fpn_v2",
    RetinaNet_ResNet50_FPN_V2_Weights,
    _retinanet_v2,
    backbone_default=RESNET50_V1,
    backbone_doc="ResNet-50",
    max_layers=5,
    default_layers=3,
    model_cls=RetinaNet,
    summary="Build the improved RetinaNet ResNet-50-FPN (``retinanet_resnet50_fpn_v2``).",
    module=TORCHVISION_SHAPED,
    random_backbone=True,
)
