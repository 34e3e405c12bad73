"""The weights enums of the MNASNet models.

URLs, preprocessing settings and meta are torchvision 0.29.1's. Torch-free: importing this
module imports neither torch nor torchvision.
"""

from __future__ import annotations

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

from . import _docs

__all__ = ["MNASNet0_5_Weights", "MNASNet0_75_Weights", "MNASNet1_0_Weights", "MNASNet1_3_Weights"]

_COMMON_META = {"categories": categories.IMAGENET1K, "min_size": (1, 1)}


class MNASNet0_5_Weights(WeightsEnum):
    """Pretrained weights of :func:`mnasnet0_5`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/mnasnet0.5_top1_67.823-3ffadce67e.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 2218512,
            "recipe": "https://github.com/1e100/mnasnet_trainer",
            "_metrics": {"ImageNet-1K": {"acc@1": 67.734, "acc@5": 87.49}},
            "_ops": 0.104,
            "_file_size": 8.591,
            "_docs": _docs.REPRODUCED,
        },
    )
    DEFAULT = IMAGENET1K_V1


class MNASNet0_75_Weights(WeightsEnum):
    """Pretrained weights of :func:`mnasnet0_75`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/mnasnet0_75-7090bc5f.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 3170208,
            "recipe": "https://github.com/pytorch/vision/pull/6019",
            "_metrics": {"ImageNet-1K": {"acc@1": 71.18, "acc@5": 90.496}},
            "_ops": 0.215,
            "_file_size": 12.303,
            "_docs": _docs.SCRATCH_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1


class MNASNet1_0_Weights(WeightsEnum):
    """Pretrained weights of :func:`mnasnet1_0`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/mnasnet1.0_top1_73.512-f206786ef8.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 4383312,
            "recipe": "https://github.com/1e100/mnasnet_trainer",
            "_metrics": {"ImageNet-1K": {"acc@1": 73.456, "acc@5": 91.51}},
            "_ops": 0.314,
            "_file_size": 16.915,
            "_docs": _docs.REPRODUCED,
        },
    )
    DEFAULT = IMAGENET1K_V1


class MNASNet1_3_Weights(WeightsEnum):
    """Pretrained weights of :func:`mnasnet1_3`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/mnasnet1_3-a4c69d6f.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 6282256,
            "recipe": "https://github.com/pytorch/vision/pull/6019",
            "_metrics": {"ImageNet-1K": {"acc@1": 76.506, "acc@5": 93.522}},
            "_ops": 0.526,
            "_file_size": 24.246,
            "_docs": _docs.SCRATCH_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1
