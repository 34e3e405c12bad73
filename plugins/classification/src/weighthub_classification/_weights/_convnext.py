"""The weights enums of the ConvNeXt models.

URLs, preprocessing settings and meta are torchvision 0.29.1's. Torch-free: importing this
module imports neither torch nor torchvision.
"""

from __future__ import annotations

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

from . import _docs

__all__ = [
    "ConvNeXt_Tiny_Weights",
    "ConvNeXt_Small_Weights",
    "ConvNeXt_Base_Weights",
    "ConvNeXt_Large_Weights",
]

_COMMON_META = {
    "categories": categories.IMAGENET1K,
    "min_size": (32, 32),
    "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#convnext",
}


class ConvNeXt_Tiny_Weights(WeightsEnum):
    """Pretrained weights of :func:`convnext_tiny`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/convnext_tiny-983f1562.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=236),
        meta={
            **_COMMON_META,
            "num_params": 28589128,
            "_metrics": {"ImageNet-1K": {"acc@1": 82.52, "acc@5": 96.146}},
            "_ops": 4.456,
            "_file_size": 109.119,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE_CONVNEXT,
        },
    )
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Small_Weights(WeightsEnum):
    """Pretrained weights of :func:`convnext_small`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/convnext_small-0c510722.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=230),
        meta={
            **_COMMON_META,
            "num_params": 50223688,
            "_metrics": {"ImageNet-1K": {"acc@1": 83.616, "acc@5": 96.65}},
            "_ops": 8.684,
            "_file_size": 191.703,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE_CONVNEXT,
        },
    )
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Base_Weights(WeightsEnum):
    """Pretrained weights of :func:`convnext_base`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/convnext_base-6075fbad.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 88591464,
            "_metrics": {"ImageNet-1K": {"acc@1": 84.062, "acc@5": 96.87}},
            "_ops": 15.355,
            "_file_size": 338.064,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE_CONVNEXT,
        },
    )
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Large_Weights(WeightsEnum):
    """Pretrained weights of :func:`convnext_large`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/convnext_large-ea097f82.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 197767336,
            "_metrics": {"ImageNet-1K": {"acc@1": 84.414, "acc@5": 96.976}},
            "_ops": 34.361,
            "_file_size": 754.537,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE_CONVNEXT,
        },
    )
    DEFAULT = IMAGENET1K_V1
