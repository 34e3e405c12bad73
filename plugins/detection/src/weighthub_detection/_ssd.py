"""SSD300 (VGG-16) and SSDlite320 (MobileNetV3-Large) builders."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import partial
from typing import Any

from torch import nn
from torchvision.models import mobilenet_v3_large, vgg16
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection.anchor_utils import DefaultBoxGenerator
from torchvision.models.detection.ssd import SSD, _vgg_extractor
from torchvision.models.detection.ssdlite import (
    SSDLiteHead,
    _mobilenet_extractor,
    _normal_init,
)

from weighthub.building import (
    MOBILENET_V3_LARGE_V1,
    TORCHVISION_SHAPED,
    VGG16_FEATURES,
    load_backbone,
)

from ._common import DetectionConfig, detection_builder
from ._weights import SSD300_VGG16_Weights, SSDLite320_MobileNet_V3_Large_Weights

__all__ = ["ssd300_vgg16", "ssdlite320_mobilenet_v3_large"]


def _warn_fixed_size(kwargs: dict[str, Any]) -> None:
    """torchvision's warning for ``size``, emitted before any option is checked."""
    if "size" in kwargs:
        warnings.warn(
            "The size of the model is already fixed; ignoring the parameter.",
            stacklevel=5,  # the caller of the builder
        )


def _ssd300(config: DetectionConfig, progress: bool, kwargs: dict[str, Any]) -> SSD:
    backbone = load_backbone(vgg16, config.weights_backbone, progress=progress)
    features = _vgg_extractor(backbone, False, config.trainable_layers)
    anchor_generator = DefaultBoxGenerator(
        [[2], [2, 3], [2, 3], [2, 3], [2], [2]],
        scales=[0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05],
        steps=[8, 16, 32, 64, 100, 300],
    )
    return SSD(features, anchor_generator, (300, 300), config.num_classes, **kwargs)


ssd300_vgg16 = detection_builder(
    "ssd300_vgg16",
    SSD300_VGG16_Weights,
    _ssd300,
    backbone_default=VGG16_FEATURES,
    backbone_doc="VGG-16",
    max_layers=5,
    default_layers=4,
    model_cls=SSD,
    summary="Build SSD300 with a VGG-16 backbone (torchvision's ``ssd300_vgg16``).",
    module=TORCHVISION_SHAPED,
    defaults={
        # Rescale the input in a way compatible to the backbone; undo the 0-1 scaling.
        "image_mean": [0.48235, 0.45882, 0.40784],
        "image_std": [1.0 / 255.0, 1.0 / 255.0, 1.0 / 255.0],
    },
    check_kwargs=_warn_fixed_size,
    legacy_default=SSD300_VGG16_Weights.COCO_V1,
    args_doc="""

Args:
    weights: The COCO weights to load (a member, its name or ``"DEFAULT"``), or None.
    progress: Show a download progress bar.
    num_classes: Output classes, background included (91 without weights).
    weights_backbone: Weights of the VGG-16 backbone, used when ``weights`` is None: a member
        or ``"VGG16_Weights.X"``/``"X"``/``"DEFAULT"``, looked up through weighthub (needs the
        classification plugin). None for a random backbone.
    trainable_backbone_layers: Backbone stages left trainable, 0-5 (default 4).
    **kwargs: Options of ``torchvision.models.detection.SSD``.
""",
)

# SSDlite's model options; not passed to the backbone, which gets only the caller's.
_SSDLITE_DEFAULTS: dict[str, Any] = {
    "score_thresh": 0.001,
    "nms_thresh": 0.55,
    "detections_per_img": 300,
    "topk_candidates": 300,
    # Rescale the input from [0, 1] to [-1, 1].
    "image_mean": [0.5, 0.5, 0.5],
    "image_std": [0.5, 0.5, 0.5],
}


def _ssdlite320(config: DetectionConfig, progress: bool, kwargs: dict[str, Any]) -> SSD:
    norm_layer: Callable[..., nn.Module] | None = kwargs.pop("norm_layer")
    norm: Callable[..., nn.Module] = (
        partial(nn.BatchNorm2d, eps=0.001, momentum=0.03) if norm_layer is None else norm_layer
    )
    # Without a pretrained backbone the reduced tail is used (Table 6 of the MobileNetV3 paper).
    reduce_tail = config.weights_backbone is None
    backbone = load_backbone(
        mobilenet_v3_large,
        config.weights_backbone,
        progress=progress,
        norm_layer=norm,
        reduced_tail=reduce_tail,
        **kwargs,
    )
    if config.weights_backbone is None:
        _normal_init(backbone)  # torchvision's initialisation for an untrained backbone
    features = _mobilenet_extractor(backbone, config.trainable_layers, norm)
    anchor_generator = DefaultBoxGenerator(
        [[2, 3] for _ in range(6)], min_ratio=0.2, max_ratio=0.95
    )
    size = (320, 320)
    out_channels = det_utils.retrieve_out_channels(features, size)
    num_anchors = anchor_generator.num_anchors_per_location()
    if len(out_channels) != len(anchor_generator.aspect_ratios):
        msg = (
            f"The length of the output channels from the backbone {len(out_channels)} do not "
            f"match the length of the anchor generator aspect ratios "
            f"{len(anchor_generator.aspect_ratios)}"
        )
        raise ValueError(msg)
    head = SSDLiteHead(out_channels, num_anchors, config.num_classes, norm)
    options = {**_SSDLITE_DEFAULTS, **kwargs}
    return SSD(features, anchor_generator, size, config.num_classes, head=head, **options)


ssdlite320_mobilenet_v3_large = detection_builder(
    "ssdlite320_mobilenet_v3_large",
    SSDLite320_MobileNet_V3_Large_Weights,
    _ssdlite320,
    backbone_default=MOBILENET_V3_LARGE_V1,
    backbone_doc="MobileNetV3-Large",
    max_layers=6,
    default_layers=6,
    model_cls=SSD,
    summary=(
        "Build SSDlite320 with a MobileNetV3-Large backbone (``ssdlite320_mobilenet_v3_large``)."
    ),
    module=TORCHVISION_SHAPED,
    tail_options={"norm_layer": (None, Callable[..., nn.Module] | None)},
    check_kwargs=_warn_fixed_size,
    # The factory runs a forward pass (retrieve_out_channels), which meta parameters cannot do.
    fast=False,
    legacy_default=SSDLite320_MobileNet_V3_Large_Weights.COCO_V1,
    args_doc="""

Args:
    weights: The COCO weights to load (a member, its name or ``"DEFAULT"``), or None.
    progress: Show a download progress bar.
    num_classes: Output classes, background included (91 without weights).
    weights_backbone: ImageNet weights of the MobileNetV3-Large backbone, used when
        ``weights`` is None: a member or ``"MobileNet_V3_Large_Weights.X"``/``"X"``/
        ``"DEFAULT"`` (needs the classification plugin). None for a random backbone, which
        also selects the reduced tail.
    trainable_backbone_layers: Backbone stages left trainable, 0-6 (default 6).
    norm_layer: Normalisation layer of backbone and head (BatchNorm2d, eps 0.001, momentum
        0.03, by default).
    **kwargs: Options of ``torchvision.models.detection.SSD`` (also passed to the backbone
        builder, as torchvision does).
""",
)
