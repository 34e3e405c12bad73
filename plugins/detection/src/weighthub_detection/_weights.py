"""The detection weights enums: torchvision 0.29.1's URLs, preprocessing and meta, without torch.

Torch-free: importing this module imports neither torch nor torchvision.
"""

from __future__ import annotations

from typing import Any

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

__all__ = [
    "FasterRCNN_ResNet50_FPN_Weights",
    "FasterRCNN_ResNet50_FPN_V2_Weights",
    "FasterRCNN_MobileNet_V3_Large_FPN_Weights",
    "FasterRCNN_MobileNet_V3_Large_320_FPN_Weights",
    "FCOS_ResNet50_FPN_Weights",
    "RetinaNet_ResNet50_FPN_Weights",
    "RetinaNet_ResNet50_FPN_V2_Weights",
    "MaskRCNN_ResNet50_FPN_Weights",
    "MaskRCNN_ResNet50_FPN_V2_Weights",
    "KeypointRCNN_ResNet50_FPN_Weights",
    "SSD300_VGG16_Weights",
    "SSDLite320_MobileNet_V3_Large_Weights",
]

_COMMON_META: dict[str, Any] = {"categories": categories.COCO, "min_size": (1, 1)}
_PERSON_META: dict[str, Any] = {
    "categories": categories.COCO_PERSON,
    "keypoint_names": categories.COCO_PERSON_KEYPOINT_NAMES,
    "min_size": (1, 1),
}

# The `_docs` texts, verbatim (torchvision's odd indentation included, so meta["_docs"] is equal).
_PAPER_RECIPE = (
    "These weights were produced by following a similar training recipe as on the paper."
)
_ENHANCED_RECIPE = (
    "These weights were produced using an enhanced training recipe to boost the model accuracy."
)
_EARLY_CHECKPOINT = (
    "\n                These weights were produced by following a similar training recipe as on the"
    " paper but use a checkpoint\n                from an early epoch.\n            "
)
_REFERENCES = "https://github.com/pytorch/vision/tree/main/references/detection"


class FasterRCNN_ResNet50_FPN_Weights(WeightsEnum):
    """Pretrained weights of :func:`fasterrcnn_resnet50_fpn`."""

    COCO_V1 = Weights(
        url="https://download.pytorch.org/models/fasterrcnn_resnet50_fpn_coco-258fb6c6.pth",
        transforms=preset("ObjectDetection"),
        meta={
            **_COMMON_META,
            "num_params": 41755286,
            "recipe": f"{_REFERENCES}#faster-r-cnn-resnet-50-fpn",
            "_metrics": {"COCO-val2017": {"box_map": 37.0}},
            "_ops": 134.38,
            "_file_size": 159.743,
            "_docs": _PAPER_RECIPE,
        },
    )
    DEFAULT = COCO_V1


class FasterRCNN_ResNet50_FPN_V2_Weights(WeightsEnum):
    """Pretrained weights of :func:`fasterrcnn_resnet50_fpn_v2`."""

    COCO_V1 = Weights(
        url="https://download.pytorch.org/models/fasterrcnn_resnet50_fpn_v2_coco-dd69338a.pth",
        transforms=preset("ObjectDetection"),
        meta={
            **_COMMON_META,
            "num_params": 43712278,
            "recipe": "https://github.com/pytorch/vision/pull/5763",
            "_metrics": {"COCO-val2017": {"box_map": 46.7}},
            "_ops": 280.371,
            "_file_size": 167.104,
            "_docs": _ENHANCED_RECIPE,
        },
    )
    DEFAULT = COCO_V1


class FasterRCNN_MobileNet_V3_Large_FPN_Weights(WeightsEnum):
    """Pretrained weights of :func:`fasterrcnn_mobilenet_v3_large_fpn`."""

    COCO_V1 = Weights(
        url="https://download.pytorch.org/models/fasterrcnn_mobilenet_v3_large_fpn-fb6a3cc7.pth",
        transforms=preset("ObjectDetection"),
        meta={
            **_COMMON_META,
            "num_params": 19386354,
            "recipe": f"{_REFERENCES}#faster-r-cnn-mobilenetv3-large-fpn",
            "_metrics": {"COCO-val2017": {"box_map": 32.8}},
            "_ops": 4.494,
            "_file_size": 74.239,
            "_docs": _PAPER_RECIPE,
        },
    )
    DEFAULT = COCO_V1


class FasterRCNN_MobileNet_V3_Large_320_FPN_Weights(WeightsEnum):
    """Pretrained weights of :func:`fasterrcnn_mobilenet_v3_large_320_fpn`."""

    COCO_V1 = Weights(
        url="https://download.pytorch.org/models/fasterrcnn_mobilenet_v3_large_320_fpn-907ea3f9.pth",
        transforms=preset("ObjectDetection"),
        meta={
            **_COMMON_META,
            "num_params": 19386354,
            "recipe": f"{_REFERENCES}#faster-r-cnn-mobilenetv3-large-320-fpn",
            "_metrics": {"COCO-val2017": {"box_map": 22.8}},
            "_ops": 0.719,
            "_file_size": 74.239,
            "_docs": _PAPER_RECIPE,
        },
    )
    DEFAULT = COCO_V1


class FCOS_ResNet50_FPN_Weights(WeightsEnum):
    """Pretrained weights of :func:`fcos_resnet50_fpn`."""

    COCO_V1 = Weights(
        url="https://download.pytorch.org/models/fcos_resnet50_fpn_coco-99b0c9b7.pth",
        transforms=preset("ObjectDetection"),
        meta={
            **_COMMON_META,
            "num_params": 32269600,
            "recipe": f"{_REFERENCES}#fcos-resnet-50-fpn",
            "_metrics": {"COCO-val2017": {"box_map": 39.2}},
            "_ops": 128.207,
            "_file_size": 123.608,
            "_docs": _PAPER_RECIPE,
        },
    )
    DEFAULT = COCO_V1


class RetinaNet_ResNet50_FPN_Weights(WeightsEnum):
    """Pretrained weights of :func:`retinanet_resnet50_fpn`."""

    COCO_V1 = Weights(
        url="https://download.pytorch.org/models/retinanet_resnet50_fpn_coco-eeacb38b.pth",
        transforms=preset("ObjectDetection"),
        meta={
            **_COMMON_META,
            "num_params": 34014999,
            "recipe": f"{_REFERENCES}#retinanet",
            "_metrics": {"COCO-val2017": {"box_map": 36.4}},
            "_ops": 151.54,
            "_file_size": 130.267,
            "_docs": _PAPER_RECIPE,
        },
    )
    DEFAULT = COCO_V1


class RetinaNet_ResNet50_FPN_V2_Weights(WeightsEnum):
    """Pretrained weights of :func:`retinanet_resnet50_fpn_v2`."""

    COCO_V1 = Weights(
        url="https://download.pytorch.org/models/retinanet_resnet50_fpn_v2_coco-5905b1c5.pth",
        transforms=preset("ObjectDetection"),
        meta={
            **_COMMON_META,
            "num_params": 38198935,
            "recipe": "https://github.com/pytorch/vision/pull/5756",
            "_metrics": {"COCO-val2017": {"box_map": 41.5}},
            "_ops": 152.238,
            "_file_size": 146.037,
            "_docs": _ENHANCED_RECIPE,
        },
    )
    DEFAULT = COCO_V1


class MaskRCNN_ResNet50_FPN_Weights(WeightsEnum):
    """Pretrained weights of :func:`maskrcnn_resnet50_fpn`."""

    COCO_V1 = Weights(
        url="https://download.pytorch.org/models/maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth",
        transforms=preset("ObjectDetection"),
        meta={
            **_COMMON_META,
            "num_params": 44401393,
            "recipe": f"{_REFERENCES}#mask-r-cnn",
            "_metrics": {"COCO-val2017": {"box_map": 37.9, "mask_map": 34.6}},
            "_ops": 134.38,
            "_file_size": 169.84,
            "_docs": _PAPER_RECIPE,
        },
    )
    DEFAULT = COCO_V1


class MaskRCNN_ResNet50_FPN_V2_Weights(WeightsEnum):
    """Pretrained weights of :func:`maskrcnn_resnet50_fpn_v2`."""

    COCO_V1 = Weights(
        url="https://download.pytorch.org/models/maskrcnn_resnet50_fpn_v2_coco-73cbd019.pth",
        transforms=preset("ObjectDetection"),
        meta={
            **_COMMON_META,
            "num_params": 46359409,
            "recipe": "https://github.com/pytorch/vision/pull/5773",
            "_metrics": {"COCO-val2017": {"box_map": 47.4, "mask_map": 41.8}},
            "_ops": 333.577,
            "_file_size": 177.219,
            "_docs": _ENHANCED_RECIPE,
        },
    )
    DEFAULT = COCO_V1


class KeypointRCNN_ResNet50_FPN_Weights(WeightsEnum):
    """Pretrained weights of :func:`keypointrcnn_resnet50_fpn`."""

    COCO_LEGACY = Weights(
        url="https://download.pytorch.org/models/keypointrcnn_resnet50_fpn_coco-9f466800.pth",
        transforms=preset("ObjectDetection"),
        meta={
            **_PERSON_META,
            "num_params": 59137258,
            "recipe": "https://github.com/pytorch/vision/issues/1606",
            "_metrics": {"COCO-val2017": {"box_map": 50.6, "kp_map": 61.1}},
            "_ops": 133.924,
            "_file_size": 226.054,
            "_docs": _EARLY_CHECKPOINT,
        },
    )
    COCO_V1 = Weights(
        url="https://download.pytorch.org/models/keypointrcnn_resnet50_fpn_coco-fc266e95.pth",
        transforms=preset("ObjectDetection"),
        meta={
            **_PERSON_META,
            "num_params": 59137258,
            "recipe": f"{_REFERENCES}#keypoint-r-cnn",
            "_metrics": {"COCO-val2017": {"box_map": 54.6, "kp_map": 65.0}},
            "_ops": 137.42,
            "_file_size": 226.054,
            "_docs": _PAPER_RECIPE,
        },
    )
    DEFAULT = COCO_V1


class SSD300_VGG16_Weights(WeightsEnum):
    """Pretrained weights of :func:`ssd300_vgg16`."""

    COCO_V1 = Weights(
        url="https://download.pytorch.org/models/ssd300_vgg16_coco-b556d3b4.pth",
        transforms=preset("ObjectDetection"),
        meta={
            **_COMMON_META,
            "num_params": 35641826,
            "recipe": f"{_REFERENCES}#ssd300-vgg16",
            "_metrics": {"COCO-val2017": {"box_map": 25.1}},
            "_ops": 34.858,
            "_file_size": 135.988,
            "_docs": _PAPER_RECIPE,
        },
    )
    DEFAULT = COCO_V1


class SSDLite320_MobileNet_V3_Large_Weights(WeightsEnum):
    """Pretrained weights of :func:`ssdlite320_mobilenet_v3_large`."""

    COCO_V1 = Weights(
        url="https://download.pytorch.org/models/ssdlite320_mobilenet_v3_large_coco-a79551df.pth",
        transforms=preset("ObjectDetection"),
        meta={
            **_COMMON_META,
            "num_params": 3440060,
            "recipe": f"{_REFERENCES}#ssdlite320-mobilenetv3-large",
            "_metrics": {"COCO-val2017": {"box_map": 21.3}},
            "_ops": 0.583,
            "_file_size": 13.418,
            "_docs": _PAPER_RECIPE,
        },
    )
    DEFAULT = COCO_V1
