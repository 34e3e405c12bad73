"""The semantic segmentation weights enums: torchvision 0.29.1's URLs, preprocessing and meta.

Torch-free: importing this module imports neither torch nor torchvision.
"""

from __future__ import annotations

from typing import Any

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

__all__ = [
    "FCN_ResNet50_Weights",
    "FCN_ResNet101_Weights",
    "DeepLabV3_ResNet50_Weights",
    "DeepLabV3_ResNet101_Weights",
    "DeepLabV3_MobileNet_V3_Large_Weights",
    "LRASPP_MobileNet_V3_Large_Weights",
]

_SEG_META: dict[str, Any] = {"categories": categories.VOC, "min_size": (1, 1)}

# The `_docs` texts, verbatim (torchvision's indentation included, so meta["_docs"] is equal).
_VOC_SUBSET = (
    "\n        These weights were trained on a subset of COCO, using only the 20 categories that"
    " are present in the Pascal VOC\n        dataset.\n    "
)
_VOC_SUBSET_LRASPP = (
    "\n                These weights were trained on a subset of COCO, using only the 20 categories"
    " that are present in the\n                Pascal VOC dataset.\n            "
)
# torchvision's recipe links, kept as they are (fcn_resnet101 and deeplabv3_resnet101 point at
# each other's anchors there).
_REFERENCES = "https://github.com/pytorch/vision/tree/main/references/segmentation"


class FCN_ResNet50_Weights(WeightsEnum):
    """Pretrained weights of :func:`fcn_resnet50`."""

    COCO_WITH_VOC_LABELS_V1 = Weights(
        url="https://download.pytorch.org/models/fcn_resnet50_coco-1167a1af.pth",
        transforms=preset("SemanticSegmentation", resize_size=520),
        meta={
            **_SEG_META,
            "_docs": _VOC_SUBSET,
            "num_params": 35322218,
            "recipe": f"{_REFERENCES}#fcn_resnet50",
            "_metrics": {"COCO-val2017-VOC-labels": {"miou": 60.5, "pixel_acc": 91.4}},
            "_ops": 152.717,
            "_file_size": 135.009,
        },
    )
    DEFAULT = COCO_WITH_VOC_LABELS_V1


class FCN_ResNet101_Weights(WeightsEnum):
    """Pretrained weights of :func:`fcn_resnet101`."""

    COCO_WITH_VOC_LABELS_V1 = Weights(
        url="https://download.pytorch.org/models/fcn_resnet101_coco-7ecb50ca.pth",
        transforms=preset("SemanticSegmentation", resize_size=520),
        meta={
            **_SEG_META,
            "_docs": _VOC_SUBSET,
            "num_params": 54314346,
            "recipe": f"{_REFERENCES}#deeplabv3_resnet101",
            "_metrics": {"COCO-val2017-VOC-labels": {"miou": 63.7, "pixel_acc": 91.9}},
            "_ops": 232.738,
            "_file_size": 207.711,
        },
    )
    DEFAULT = COCO_WITH_VOC_LABELS_V1


class DeepLabV3_ResNet50_Weights(WeightsEnum):
    """Pretrained weights of :func:`deeplabv3_resnet50`."""

    COCO_WITH_VOC_LABELS_V1 = Weights(
        url="https://download.pytorch.org/models/deeplabv3_resnet50_coco-cd0a2569.pth",
        transforms=preset("SemanticSegmentation", resize_size=520),
        meta={
            **_SEG_META,
            "_docs": _VOC_SUBSET,
            "num_params": 42004074,
            "recipe": f"{_REFERENCES}#deeplabv3_resnet50",
            "_metrics": {"COCO-val2017-VOC-labels": {"miou": 66.4, "pixel_acc": 92.4}},
            "_ops": 178.722,
            "_file_size": 160.515,
        },
    )
    DEFAULT = COCO_WITH_VOC_LABELS_V1


class DeepLabV3_ResNet101_Weights(WeightsEnum):
    """Pretrained weights of :func:`deeplabv3_resnet101`."""

    COCO_WITH_VOC_LABELS_V1 = Weights(
        url="https://download.pytorch.org/models/deeplabv3_resnet101_coco-586e9e4e.pth",
        transforms=preset("SemanticSegmentation", resize_size=520),
        meta={
            **_SEG_META,
            "_docs": _VOC_SUBSET,
            "num_params": 60996202,
            "recipe": f"{_REFERENCES}#fcn_resnet101",
            "_metrics": {"COCO-val2017-VOC-labels": {"miou": 67.4, "pixel_acc": 92.4}},
            "_ops": 258.743,
            "_file_size": 233.217,
        },
    )
    DEFAULT = COCO_WITH_VOC_LABELS_V1


class DeepLabV3_MobileNet_V3_Large_Weights(WeightsEnum):
    """Pretrained weights of :func:`deeplabv3_mobilenet_v3_large`."""

    COCO_WITH_VOC_LABELS_V1 = Weights(
        url="https://download.pytorch.org/models/deeplabv3_mobilenet_v3_large-fc3c493d.pth",
        transforms=preset("SemanticSegmentation", resize_size=520),
        meta={
            **_SEG_META,
            "_docs": _VOC_SUBSET,
            "num_params": 11029328,
            "recipe": f"{_REFERENCES}#deeplabv3_mobilenet_v3_large",
            "_metrics": {"COCO-val2017-VOC-labels": {"miou": 60.3, "pixel_acc": 91.2}},
            "_ops": 10.452,
            "_file_size": 42.301,
        },
    )
    DEFAULT = COCO_WITH_VOC_LABELS_V1


class LRASPP_MobileNet_V3_Large_Weights(WeightsEnum):
    """Pretrained weights of :func:`lraspp_mobilenet_v3_large`."""

    COCO_WITH_VOC_LABELS_V1 = Weights(
        url="https://download.pytorch.org/models/lraspp_mobilenet_v3_large-d234d4ea.pth",
        transforms=preset("SemanticSegmentation", resize_size=520),
        meta={
            **_SEG_META,
            "num_params": 3221538,
            "recipe": f"{_REFERENCES}#lraspp_mobilenet_v3_large",
            "_metrics": {"COCO-val2017-VOC-labels": {"miou": 57.9, "pixel_acc": 91.2}},
            "_ops": 2.086,
            "_file_size": 12.49,
            "_docs": _VOC_SUBSET_LRASPP,
        },
    )
    DEFAULT = COCO_WITH_VOC_LABELS_V1
