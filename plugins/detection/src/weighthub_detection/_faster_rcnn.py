"""Faster R-CNN builders: ResNet-50-FPN (v1, v2) and MobileNetV3-Large-FPN (high and 320 res)."""

from __future__ import annotations

from typing import Any

from torch import nn
from torchvision.models import mobilenet_v3_large, resnet50
from torchvision.models.detection._utils import overwrite_eps
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

import weighthub
from weighthub import construct_model, handle_legacy_interface
from weighthub.building import BackboneWeights, load_backbone

from ._common import MOBILENET_V3_LARGE_V1, RESNET50_V1, configure
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


@handle_legacy_interface(
    weights=("pretrained", FasterRCNN_ResNet50_FPN_Weights.COCO_V1),
    weights_backbone=("pretrained_backbone", RESNET50_V1),
)
def fasterrcnn_resnet50_fpn(
    *,
    weights: FasterRCNN_ResNet50_FPN_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    weights_backbone: BackboneWeights = RESNET50_V1,
    trainable_backbone_layers: int | None = None,
    **kwargs: Any,
) -> FasterRCNN:
    """Build Faster R-CNN with a ResNet-50-FPN backbone (torchvision's ``fasterrcnn_resnet50_fpn``).

    Args:
        weights: The COCO weights to load (a member, its name or ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (91 without weights).
        weights_backbone: ImageNet weights of the ResNet-50 backbone, used when ``weights`` is None:
            a member or ``"ResNet50_Weights.X"``/``"X"``/``"DEFAULT"``, looked up through weighthub
            (needs the classification plugin). None for a random backbone.
        trainable_backbone_layers: Backbone stages left trainable, 0-5 (default 3).
        **kwargs: Options of ``torchvision.models.detection.FasterRCNN``.
    """
    weights = FasterRCNN_ResNet50_FPN_Weights.verify(weights)
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

    def factory() -> FasterRCNN:
        backbone = load_backbone(
            resnet50,
            config.weights_backbone,
            progress=progress,
            norm_layer=config.norm_layer,
        )
        fpn = _resnet_fpn_extractor(backbone, config.trainable_layers)
        return FasterRCNN(fpn, num_classes=config.num_classes, **kwargs)

    model = construct_model(factory, weights, progress=progress)
    if weights == FasterRCNN_ResNet50_FPN_Weights.COCO_V1:
        overwrite_eps(model, 0.0)
    return model


@handle_legacy_interface(
    weights=("pretrained", FasterRCNN_ResNet50_FPN_V2_Weights.COCO_V1),
    weights_backbone=("pretrained_backbone", RESNET50_V1),
)
def fasterrcnn_resnet50_fpn_v2(
    *,
    weights: FasterRCNN_ResNet50_FPN_V2_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    weights_backbone: BackboneWeights = None,
    trainable_backbone_layers: int | None = None,
    **kwargs: Any,
) -> FasterRCNN:
    """Build the improved Faster R-CNN ResNet-50-FPN (torchvision's ``fasterrcnn_resnet50_fpn_v2``).

    Args:
        weights: The COCO weights to load (a member, its name or ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (91 without weights).
        weights_backbone: ImageNet weights of the ResNet-50 backbone (see
            :func:`fasterrcnn_resnet50_fpn`); None (the default) for a random backbone.
        trainable_backbone_layers: Backbone stages left trainable, 0-5 (default 3).
        **kwargs: Options of ``torchvision.models.detection.FasterRCNN``.
    """
    weights = FasterRCNN_ResNet50_FPN_V2_Weights.verify(weights)
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

    def factory() -> FasterRCNN:
        backbone = load_backbone(resnet50, config.weights_backbone, progress=progress)
        fpn = _resnet_fpn_extractor(backbone, config.trainable_layers, norm_layer=nn.BatchNorm2d)
        anchor_generator = _default_anchorgen()
        rpn_head = RPNHead(
            fpn.out_channels, anchor_generator.num_anchors_per_location()[0], conv_depth=2
        )
        box_head = FastRCNNConvFCHead(
            (fpn.out_channels, 7, 7), [256, 256, 256, 256], [1024], norm_layer=nn.BatchNorm2d
        )
        return FasterRCNN(
            fpn,
            num_classes=config.num_classes,
            rpn_anchor_generator=anchor_generator,
            rpn_head=rpn_head,
            box_head=box_head,
            **kwargs,
        )

    return construct_model(factory, weights, progress=progress)


def _fasterrcnn_mobilenet_v3_large_fpn(
    weights: FasterRCNN_MobileNet_V3_Large_FPN_Weights
    | FasterRCNN_MobileNet_V3_Large_320_FPN_Weights
    | None,
    progress: bool,
    num_classes: int | None,
    weights_backbone: BackboneWeights,
    trainable_backbone_layers: int | None,
    **kwargs: Any,
) -> FasterRCNN:
    config = configure(
        weights,
        num_classes,
        weights_backbone,
        trainable_backbone_layers,
        backbone_enum="MobileNet_V3_Large_Weights",
        max_layers=6,
        default_layers=3,
    )

    def factory() -> FasterRCNN:
        backbone = load_backbone(
            mobilenet_v3_large,
            config.weights_backbone,
            progress=progress,
            norm_layer=config.norm_layer,
        )
        fpn = _mobilenet_extractor(backbone, True, config.trainable_layers)
        anchor_sizes = ((32, 64, 128, 256, 512),) * 3
        aspect_ratios = ((0.5, 1.0, 2.0),) * len(anchor_sizes)
        anchor_generator = AnchorGenerator(anchor_sizes, aspect_ratios)
        return FasterRCNN(fpn, config.num_classes, rpn_anchor_generator=anchor_generator, **kwargs)

    return construct_model(factory, weights, progress=progress)


@handle_legacy_interface(
    weights=("pretrained", FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1),
    weights_backbone=("pretrained_backbone", MOBILENET_V3_LARGE_V1),
)
def fasterrcnn_mobilenet_v3_large_320_fpn(
    *,
    weights: FasterRCNN_MobileNet_V3_Large_320_FPN_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    weights_backbone: BackboneWeights = MOBILENET_V3_LARGE_V1,
    trainable_backbone_layers: int | None = None,
    **kwargs: Any,
) -> FasterRCNN:
    """Build the low-resolution Faster R-CNN with a MobileNetV3-Large FPN backbone.

    torchvision's ``fasterrcnn_mobilenet_v3_large_320_fpn``: images resized to 320-640 pixels.

    Args:
        weights: The COCO weights to load (a member, its name or ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (91 without weights).
        weights_backbone: ImageNet weights of the MobileNetV3-Large backbone, used when
            ``weights`` is None: a member or ``"MobileNet_V3_Large_Weights.X"``/``"X"``/
            ``"DEFAULT"`` (needs the classification plugin). None for a random backbone.
        trainable_backbone_layers: Backbone stages left trainable, 0-6 (default 3).
        **kwargs: Options of ``torchvision.models.detection.FasterRCNN``.
    """
    weights = FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs)
    defaults = {
        "min_size": 320,
        "max_size": 640,
        "rpn_pre_nms_top_n_test": 150,
        "rpn_post_nms_top_n_test": 150,
        "rpn_score_thresh": 0.05,
    }
    return _fasterrcnn_mobilenet_v3_large_fpn(
        weights,
        progress,
        num_classes,
        weights_backbone,
        trainable_backbone_layers,
        **{**defaults, **kwargs},
    )


@handle_legacy_interface(
    weights=("pretrained", FasterRCNN_MobileNet_V3_Large_FPN_Weights.COCO_V1),
    weights_backbone=("pretrained_backbone", MOBILENET_V3_LARGE_V1),
)
def fasterrcnn_mobilenet_v3_large_fpn(
    *,
    weights: FasterRCNN_MobileNet_V3_Large_FPN_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    weights_backbone: BackboneWeights = MOBILENET_V3_LARGE_V1,
    trainable_backbone_layers: int | None = None,
    **kwargs: Any,
) -> FasterRCNN:
    """Build the high-resolution Faster R-CNN with a MobileNetV3-Large FPN backbone.

    Args:
        weights: The COCO weights to load (a member, its name or ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (91 without weights).
        weights_backbone: ImageNet weights of the MobileNetV3-Large backbone (see
            :func:`fasterrcnn_mobilenet_v3_large_320_fpn`); None for a random backbone.
        trainable_backbone_layers: Backbone stages left trainable, 0-6 (default 3).
        **kwargs: Options of ``torchvision.models.detection.FasterRCNN``.
    """
    weights = FasterRCNN_MobileNet_V3_Large_FPN_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs)
    return _fasterrcnn_mobilenet_v3_large_fpn(
        weights,
        progress,
        num_classes,
        weights_backbone,
        trainable_backbone_layers,
        **{"rpn_score_thresh": 0.05, **kwargs},
    )
