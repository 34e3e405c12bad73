"""The weights enums of the RegNetX models.

URLs, preprocessing settings and meta are torchvision 0.29.1's. Torch-free: importing this
module imports neither torch nor torchvision.
"""

from __future__ import annotations

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

from . import _docs

__all__ = [
    "RegNet_X_400MF_Weights",
    "RegNet_X_800MF_Weights",
    "RegNet_X_1_6GF_Weights",
    "RegNet_X_3_2GF_Weights",
    "RegNet_X_8GF_Weights",
    "RegNet_X_16GF_Weights",
    "RegNet_X_32GF_Weights",
]

_COMMON_META = {"categories": categories.IMAGENET1K, "min_size": (1, 1)}


class RegNet_X_400MF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_x_400mf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_x_400mf-adf1edd5.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 5495976,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#small-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 72.834, "acc@5": 90.95}},
            "_ops": 0.414,
            "_file_size": 21.258,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_x_400mf-62229a5f.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 5495976,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe-with-fixres",
            "_metrics": {"ImageNet-1K": {"acc@1": 74.864, "acc@5": 92.322}},
            "_ops": 0.414,
            "_file_size": 21.257,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_X_800MF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_x_800mf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_x_800mf-ad17e45c.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 7259656,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#small-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 75.212, "acc@5": 92.348}},
            "_ops": 0.8,
            "_file_size": 27.945,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_x_800mf-94a99ebd.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 7259656,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe-with-fixres",
            "_metrics": {"ImageNet-1K": {"acc@1": 77.522, "acc@5": 93.826}},
            "_ops": 0.8,
            "_file_size": 27.945,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_X_1_6GF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_x_1_6gf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_x_1_6gf-e3633e7f.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 9190136,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#small-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 77.04, "acc@5": 93.44}},
            "_ops": 1.603,
            "_file_size": 35.339,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_x_1_6gf-a12f2b72.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 9190136,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe-with-fixres",
            "_metrics": {"ImageNet-1K": {"acc@1": 79.668, "acc@5": 94.922}},
            "_ops": 1.603,
            "_file_size": 35.339,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_X_3_2GF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_x_3_2gf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_x_3_2gf-f342aeae.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 15296552,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#medium-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 78.364, "acc@5": 93.992}},
            "_ops": 3.177,
            "_file_size": 58.756,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_x_3_2gf-7071aa85.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 15296552,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe",
            "_metrics": {"ImageNet-1K": {"acc@1": 81.196, "acc@5": 95.43}},
            "_ops": 3.177,
            "_file_size": 58.756,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_X_8GF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_x_8gf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_x_8gf-03ceed89.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 39572648,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#medium-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 79.344, "acc@5": 94.686}},
            "_ops": 7.995,
            "_file_size": 151.456,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_x_8gf-2b70d774.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 39572648,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe",
            "_metrics": {"ImageNet-1K": {"acc@1": 81.682, "acc@5": 95.678}},
            "_ops": 7.995,
            "_file_size": 151.456,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_X_16GF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_x_16gf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_x_16gf-2007eb11.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 54278536,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#medium-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 80.058, "acc@5": 94.944}},
            "_ops": 15.941,
            "_file_size": 207.627,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_x_16gf-ba3796d7.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 54278536,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe",
            "_metrics": {"ImageNet-1K": {"acc@1": 82.716, "acc@5": 96.196}},
            "_ops": 15.941,
            "_file_size": 207.627,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_X_32GF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_x_32gf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_x_32gf-9d47f8d0.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 107811560,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#large-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 80.622, "acc@5": 95.248}},
            "_ops": 31.736,
            "_file_size": 412.039,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_x_32gf-6eb8fdc6.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 107811560,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe",
            "_metrics": {"ImageNet-1K": {"acc@1": 83.014, "acc@5": 96.288}},
            "_ops": 31.736,
            "_file_size": 412.039,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V2
