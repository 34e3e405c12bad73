"""The weights enums of the RegNetY models.

URLs, preprocessing settings and meta are torchvision 0.29.1's. Torch-free: importing this
module imports neither torch nor torchvision.
"""

from __future__ import annotations

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

from . import _docs

__all__ = [
    "RegNet_Y_400MF_Weights",
    "RegNet_Y_800MF_Weights",
    "RegNet_Y_1_6GF_Weights",
    "RegNet_Y_3_2GF_Weights",
    "RegNet_Y_8GF_Weights",
    "RegNet_Y_16GF_Weights",
    "RegNet_Y_32GF_Weights",
    "RegNet_Y_128GF_Weights",
]

_COMMON_META = {"categories": categories.IMAGENET1K, "min_size": (1, 1)}


class RegNet_Y_400MF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_y_400mf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_y_400mf-c65dace8.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 4344144,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#small-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 74.046, "acc@5": 91.716}},
            "_ops": 0.402,
            "_file_size": 16.806,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_y_400mf-e6988f5f.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 4344144,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe",
            "_metrics": {"ImageNet-1K": {"acc@1": 75.804, "acc@5": 92.742}},
            "_ops": 0.402,
            "_file_size": 16.806,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_800MF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_y_800mf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_y_800mf-1b27b58c.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 6432512,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#small-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 76.42, "acc@5": 93.136}},
            "_ops": 0.834,
            "_file_size": 24.774,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_y_800mf-58fc7688.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 6432512,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe",
            "_metrics": {"ImageNet-1K": {"acc@1": 78.828, "acc@5": 94.502}},
            "_ops": 0.834,
            "_file_size": 24.774,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_1_6GF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_y_1_6gf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_y_1_6gf-b11a554e.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 11202430,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#small-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 77.95, "acc@5": 93.966}},
            "_ops": 1.612,
            "_file_size": 43.152,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_y_1_6gf-0d7bc02a.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 11202430,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe",
            "_metrics": {"ImageNet-1K": {"acc@1": 80.876, "acc@5": 95.444}},
            "_ops": 1.612,
            "_file_size": 43.152,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_3_2GF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_y_3_2gf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_y_3_2gf-b5a9779c.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 19436338,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#medium-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 78.948, "acc@5": 94.576}},
            "_ops": 3.176,
            "_file_size": 74.567,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_y_3_2gf-9180c971.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 19436338,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe",
            "_metrics": {"ImageNet-1K": {"acc@1": 81.982, "acc@5": 95.972}},
            "_ops": 3.176,
            "_file_size": 74.567,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_8GF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_y_8gf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_y_8gf-d0d0e4a8.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 39381472,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#medium-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 80.032, "acc@5": 95.048}},
            "_ops": 8.473,
            "_file_size": 150.701,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_y_8gf-dc2b1b54.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 39381472,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe",
            "_metrics": {"ImageNet-1K": {"acc@1": 82.828, "acc@5": 96.33}},
            "_ops": 8.473,
            "_file_size": 150.701,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_16GF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_y_16gf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_y_16gf-9e6ed7dd.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 83590140,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#large-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 80.424, "acc@5": 95.24}},
            "_ops": 15.912,
            "_file_size": 319.49,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_y_16gf-3e4a00f9.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 83590140,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe",
            "_metrics": {"ImageNet-1K": {"acc@1": 82.886, "acc@5": 96.328}},
            "_ops": 15.912,
            "_file_size": 319.49,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    IMAGENET1K_SWAG_E2E_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_y_16gf_swag-43afe44d.pth",
        transforms=preset(
            "ImageClassification", crop_size=384, resize_size=384, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "num_params": 83590140,
            "recipe": "https://github.com/facebookresearch/SWAG",
            "license": "https://github.com/facebookresearch/SWAG/blob/main/LICENSE",
            "_metrics": {"ImageNet-1K": {"acc@1": 86.012, "acc@5": 98.054}},
            "_ops": 46.735,
            "_file_size": 319.49,
            "_docs": _docs.SWAG_E2E,
        },
    )
    IMAGENET1K_SWAG_LINEAR_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_y_16gf_lc_swag-f3ec0043.pth",
        transforms=preset(
            "ImageClassification", crop_size=224, resize_size=224, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "num_params": 83590140,
            "recipe": "https://github.com/pytorch/vision/pull/5793",
            "license": "https://github.com/facebookresearch/SWAG/blob/main/LICENSE",
            "_metrics": {"ImageNet-1K": {"acc@1": 83.976, "acc@5": 97.244}},
            "_ops": 15.912,
            "_file_size": 319.49,
            "_docs": _docs.SWAG_LINEAR,
        },
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_32GF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_y_32gf`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_y_32gf-4dee3f7a.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 145046770,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#large-models",
            "_metrics": {"ImageNet-1K": {"acc@1": 80.878, "acc@5": 95.34}},
            "_ops": 32.28,
            "_file_size": 554.076,
            "_docs": _docs.REPRODUCED_SIMPLE_RECIPE,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/regnet_y_32gf-8db6d4b5.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "num_params": 145046770,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe",
            "_metrics": {"ImageNet-1K": {"acc@1": 83.368, "acc@5": 96.498}},
            "_ops": 32.28,
            "_file_size": 554.076,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    IMAGENET1K_SWAG_E2E_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_y_32gf_swag-04fdfa75.pth",
        transforms=preset(
            "ImageClassification", crop_size=384, resize_size=384, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "num_params": 145046770,
            "recipe": "https://github.com/facebookresearch/SWAG",
            "license": "https://github.com/facebookresearch/SWAG/blob/main/LICENSE",
            "_metrics": {"ImageNet-1K": {"acc@1": 86.838, "acc@5": 98.362}},
            "_ops": 94.826,
            "_file_size": 554.076,
            "_docs": _docs.SWAG_E2E,
        },
    )
    IMAGENET1K_SWAG_LINEAR_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_y_32gf_lc_swag-e1583746.pth",
        transforms=preset(
            "ImageClassification", crop_size=224, resize_size=224, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "num_params": 145046770,
            "recipe": "https://github.com/pytorch/vision/pull/5793",
            "license": "https://github.com/facebookresearch/SWAG/blob/main/LICENSE",
            "_metrics": {"ImageNet-1K": {"acc@1": 84.622, "acc@5": 97.48}},
            "_ops": 32.28,
            "_file_size": 554.076,
            "_docs": _docs.SWAG_LINEAR,
        },
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_128GF_Weights(WeightsEnum):
    """Pretrained weights of :func:`regnet_y_128gf`."""

    IMAGENET1K_SWAG_E2E_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_y_128gf_swag-c8ce3e52.pth",
        transforms=preset(
            "ImageClassification", crop_size=384, resize_size=384, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "num_params": 644812894,
            "recipe": "https://github.com/facebookresearch/SWAG",
            "license": "https://github.com/facebookresearch/SWAG/blob/main/LICENSE",
            "_metrics": {"ImageNet-1K": {"acc@1": 88.228, "acc@5": 98.682}},
            "_ops": 374.57,
            "_file_size": 2461.564,
            "_docs": _docs.SWAG_E2E,
        },
    )
    IMAGENET1K_SWAG_LINEAR_V1 = Weights(
        url="https://download.pytorch.org/models/regnet_y_128gf_lc_swag-cbe8ce12.pth",
        transforms=preset(
            "ImageClassification", crop_size=224, resize_size=224, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "num_params": 644812894,
            "recipe": "https://github.com/pytorch/vision/pull/5793",
            "license": "https://github.com/facebookresearch/SWAG/blob/main/LICENSE",
            "_metrics": {"ImageNet-1K": {"acc@1": 86.068, "acc@5": 97.844}},
            "_ops": 127.518,
            "_file_size": 2461.564,
            "_docs": _docs.SWAG_LINEAR,
        },
    )
    DEFAULT = IMAGENET1K_SWAG_E2E_V1
