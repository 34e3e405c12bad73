"""RetinaNet (v1, v2) and FCOS builders, on ResNet-50-FPN backbones."""

from __future__ import annotations

from functools import partial
from typing import Any

from torch import nn
from torchvision.models import resnet50
from torchvision.models.detection._utils import overwrite_eps
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.models.detection.fcos import FCOS
from torchvision.models.detection.retinanet import RetinaNet, RetinaNetHead, _default_anchorgen
from torchvision.ops.feature_pyramid_network import LastLevelP6P7

import weighthub
from weighthub import construct_model, handle_legacy_interface
from weighthub.building import BackboneWeights, load_backbone

from ._common import RESNET50_V1, configure
from ._weights import (
    FCOS_ResNet50_FPN_Weights,
    RetinaNet_ResNet50_FPN_V2_Weights,
    RetinaNet_ResNet50_FPN_Weights,
)

__all__ = ["fcos_resnet50_fpn", "retinanet_resnet50_fpn", "retinanet_resnet50_fpn_v2"]


@handle_legacy_interface(
    weights=("pretrained", FCOS_ResNet50_FPN_Weights.COCO_V1),
    weights_backbone=("pretrained_backbone", RESNET50_V1),
)
def fcos_resnet50_fpn(
    *,
    weights: FCOS_ResNet50_FPN_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    weights_backbone: BackboneWeights = RESNET50_V1,
    trainable_backbone_layers: int | None = None,
    **kwargs: Any,
) -> FCOS:
    """Build FCOS with a ResNet-50-FPN backbone (torchvision's ``fcos_resnet50_fpn``).

    Args:
        weights: The COCO weights to load (a member, its name or ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (91 without weights).
        weights_backbone: ImageNet weights of the ResNet-50 backbone, used when ``weights`` is None:
            a member or ``"ResNet50_Weights.X"``/``"X"``/``"DEFAULT"``, looked up through weighthub
            (needs the classification plugin). None for a random backbone.
        trainable_backbone_layers: Backbone stages left trainable, 0-5 (default 3).
        **kwargs: Options of ``torchvision.models.detection.FCOS``.
    """
    weights = FCOS_ResNet50_FPN_Weights.verify(weights)
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

    def factory() -> FCOS:
        backbone = load_backbone(
            resnet50, config.weights_backbone, progress=progress, norm_layer=config.norm_layer
        )
        fpn = _resnet_fpn_extractor(
            backbone,
            config.trainable_layers,
            returned_layers=[2, 3, 4],
            extra_blocks=LastLevelP6P7(256, 256),
        )
        return FCOS(fpn, config.num_classes, **kwargs)

    return construct_model(factory, weights, progress=progress)


@handle_legacy_interface(
    weights=("pretrained", RetinaNet_ResNet50_FPN_Weights.COCO_V1),
    weights_backbone=("pretrained_backbone", RESNET50_V1),
)
def retinanet_resnet50_fpn(
    *,
    weights: RetinaNet_ResNet50_FPN_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    weights_backbone: BackboneWeights = RESNET50_V1,
    trainable_backbone_layers: int | None = None,
    **kwargs: Any,
) -> RetinaNet:
    """Build RetinaNet with a ResNet-50-FPN backbone (torchvision's ``retinanet_resnet50_fpn``).

    Args:
        weights: The COCO weights to load (a member, its name or ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (91 without weights).
        weights_backbone: ImageNet weights of the ResNet-50 backbone (see
            :func:`fcos_resnet50_fpn`); None for a random backbone.
        trainable_backbone_layers: Backbone stages left trainable, 0-5 (default 3).
        **kwargs: Options of ``torchvision.models.detection.RetinaNet``.
    """
    weights = RetinaNet_ResNet50_FPN_Weights.verify(weights)
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

    def factory() -> RetinaNet:
        backbone = load_backbone(
            resnet50, config.weights_backbone, progress=progress, norm_layer=config.norm_layer
        )
        # P2 is skipped: it generates too many anchors (as in the paper).
        fpn = _resnet_fpn_extractor(
            backbone,
            config.trainable_layers,
            returned_layers=[2, 3, 4],
            extra_blocks=LastLevelP6P7(256, 256),
        )
        return RetinaNet(fpn, config.num_classes, **kwargs)

    model = construct_model(factory, weights, progress=progress)
    if weights == RetinaNet_ResNet50_FPN_Weights.COCO_V1:
        overwrite_eps(model, 0.0)
    return model


@handle_legacy_interface(
    weights=("pretrained", RetinaNet_ResNet50_FPN_V2_Weights.COCO_V1),
    weights_backbone=("pretrained_backbone", RESNET50_V1),
)
def retinanet_resnet50_fpn_v2(
    *,
    weights: RetinaNet_ResNet50_FPN_V2_Weights | None = None,
    progress: bool = True,
    num_classes: int | None = None,
    weights_backbone: BackboneWeights = None,
    trainable_backbone_layers: int | None = None,
    **kwargs: Any,
) -> RetinaNet:
    """Build the improved RetinaNet ResNet-50-FPN (torchvision's ``retinanet_resnet50_fpn_v2``).

    Args:
        weights: The COCO weights to load (a member, its name or ``"DEFAULT"``), or None.
        progress: Show a download progress bar.
        num_classes: Output classes, background included (91 without weights).
        weights_backbone: ImageNet weights of the ResNet-50 backbone (see
            :func:`fcos_resnet50_fpn`); None (the default) for a random backbone.
        trainable_backbone_layers: Backbone stages left trainable, 0-5 (default 3).
        **kwargs: Options of ``torchvision.models.detection.RetinaNet``.
    """
    weights = RetinaNet_ResNet50_FPN_V2_Weights.verify(weights)
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

    def factory() -> RetinaNet:
        backbone = load_backbone(resnet50, config.weights_backbone, progress=progress)
        fpn = _resnet_fpn_extractor(
            backbone,
            config.trainable_layers,
            returned_layers=[2, 3, 4],
            extra_blocks=LastLevelP6P7(2048, 256),
        )
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

    return construct_model(factory, weights, progress=progress)
