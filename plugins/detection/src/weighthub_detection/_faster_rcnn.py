"""Faster R-CNN builders: ResNet-50-FPN (v1, v2) and MobileNetV3-Large-FPN (high and 320 res)."""

from __future__ import annotations

from typing import Any

from torch import nn
from torchvision.models import mobilenet_v3_large, resnet50
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.backbone_utils import (
    _mobilenet_extractor,
    _resnet_fpn_extractor,
)
from torchvision.models.detection.faster_rcnn import (
    FasterRCNN,
    FastRCNNConvFCHead,
    RPNHead,
    _default_anchorgen,
)

from weighthub.building import MOBILENET_V3_LARGE_V1, RESNET50_V1, TORCHVISION_SHAPED, load_backbone

from ._common import DetectionConfig, detection_builder
from ._weights import (
    FasterRCNN_MobileNet_V3_Large_320_FPN_Weights,
    FasterRCNN_MobileNet_V3_Large_FPN_Weights,
    FasterRCNN_ResNet50_FPN_V2_Weights,
    FasterRCNN_ResNet50_FPN_Weights,
)

__all__ = [
    "fasterrcnn_mobilenet_v3_large_320_fpn",
    "fasterrcnn_mobilenet_v3_large_fpn",
    "fasterrcnn_resnet50_fpn",
    "fasterrcnn_resnet50_fpn_v2",
]


def resnet50_fpn(config: DetectionConfig, progress: bool, *, v2: bool = False) -> nn.Module:
    """The ResNet-50 FPN of the R-CNNs; v1 freezes pretrained batch norms, v2 trains them."""
    if v2:
        backbone = load_backbone(resnet50, config.weights_backbone, progress=progress)
        fpn: nn.Module = _resnet_fpn_extractor(
            backbone, config.trainable_layers, norm_layer=nn.BatchNorm2d
        )
        return fpn
    backbone = load_backbone(
        resnet50, config.weights_backbone, progress=progress, norm_layer=config.norm_layer
    )
    fpn = _resnet_fpn_extractor(backbone, config.trainable_layers)
    return fpn


def v2_heads(fpn: nn.Module) -> dict[str, Any]:
    """The anchor generator, RPN and box heads of the v2 R-CNNs (batch-normed, 4 conv layers)."""
    anchor_generator = _default_anchorgen()
    rpn_head = RPNHead(
        fpn.out_channels, anchor_generator.num_anchors_per_location()[0], conv_depth=2
    )
    box_head = FastRCNNConvFCHead(
        (fpn.out_channels, 7, 7), [256, 256, 256, 256], [1024], norm_layer=nn.BatchNorm2d
    )
    return {"rpn_anchor_generator": anchor_generator, "rpn_head": rpn_head, "box_head": box_head}


def _fasterrcnn(config: DetectionConfig, progress: bool, kwargs: dict[str, Any]) -> FasterRCNN:
    return FasterRCNN(resnet50_fpn(config, progress), num_classes=config.num_classes, **kwargs)


def _fasterrcnn_v2(config: DetectionConfig, progress: bool, kwargs: dict[str, Any]) -> FasterRCNN:
    fpn = resnet50_fpn(config, progress, v2=True)
    return FasterRCNN(fpn, num_classes=config.num_classes, **v2_heads(fpn), **kwargs)


def _fasterrcnn_mobilenet(
    config: DetectionConfig, progress: bool, kwargs: dict[str, Any]
) -> FasterRCNN:
    backbone = load_backbone(
        mobilenet_v3_large, config.weights_backbone, progress=progress, norm_layer=config.norm_layer
    )
    fpn = _mobilenet_extractor(backbone, True, config.trainable_layers)
    anchor_sizes = ((32, 64, 128, 256, 512),) * 3
    aspect_ratios = ((0.5, 1.0, 2.0),) * len(anchor_sizes)
    anchor_generator = AnchorGenerator(anchor_sizes, aspect_ratios)
    return FasterRCNN(fpn, config.num_classes, rpn_anchor_generator=anchor_generator, **kwargs)


fasterrcnn_resnet50_fpn = detection_builder(
    "fasterrcnn_resnet50_fpn",
    FasterRCNN_ResNet50_FPN_Weights,
    _fasterrcnn,
    backbone_default=RESNET50_V1,
    backbone_doc="ResNet-50",
    max_layers=5,
    default_layers=3,
    model_cls=FasterRCNN,
    summary="Build Faster R-CNN with a ResNet-50-FPN backbone (``fasterrcnn_resnet50_fpn``).",
    module=TORCHVISION_SHAPED,
    eps_zero=FasterRCNN_ResNet50_FPN_Weights.COCO_V1,
)
fasterrcnn_resnet50_fpn_v2 = detection_builder(
    "fasterrcnn_resnet50_fpn_v2",
    FasterRCNN_ResNet50_FPN_V2_Weights,
    _fasterrcnn_v2,
    backbone_default=RESNET50_V1,
    backbone_doc="ResNet-50",
    max_layers=5,
    default_layers=3,
    model_cls=FasterRCNN,
    summary="Build the improved Faster R-CNN ResNet-50-FPN (``fasterrcnn_resnet50_fpn_v2``).",
    module=TORCHVISION_SHAPED,
    random_backbone=True,
)
fasterrcnn_mobilenet_v3_large_320_fpn = detection_builder(
    "fasterrcnn_mobilenet_v3_large_320_fpn",
    FasterRCNN_MobileNet_V3_Large_320_FPN_Weights,
    _fasterrcnn_mobilenet,
    backbone_default=MOBILENET_V3_LARGE_V1,
    backbone_doc="MobileNetV3-Large",
    max_layers=6,
    default_layers=3,
    model_cls=FasterRCNN,
    summary=(
        "Build the low-resolution Faster R-CNN with a MobileNetV3-Large FPN backbone.\n\n"
        "torchvision's ``fasterrcnn_mobilenet_v3_large_320_fpn``: images resized to 320-640 "
        "pixels."
    ),
    module=TORCHVISION_SHAPED,
    defaults={
        "min_size": 320,
        "max_size": 640,
        "rpn_pre_nms_top_n_test": 150,
        "rpn_post_nms_top_n_test": 150,
        "rpn_score_thresh": 0.05,
    },
)
fasterrcnn_mobilenet_v3_large_fpn = detection_builder(
    "fasterrcnn_mobilenet_v3_large_fpn",
    FasterRCNN_MobileNet_V3_Large_FPN_Weights,
    _fasterrcnn_mobilenet,
    backbone_default=MOBILENET_V3_LARGE_V1,
    backbone_doc="MobileNetV3-Large",
    max_layers=6,
    default_layers=3,
    model_cls=FasterRCNN,
    summary="Build the high-resolution Faster R-CNN with a MobileNetV3-Large FPN backbone.",
    module=TORCHVISION_SHAPED,
    defaults={"rpn_score_thresh": 0.05},
)
