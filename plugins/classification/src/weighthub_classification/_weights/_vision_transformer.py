"""The weights enums of the Vision Transformer models.

URLs, preprocessing settings and meta are torchvision 0.29.1's. Torch-free: importing this
module imports neither torch nor torchvision.
"""

from __future__ import annotations

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

from . import _docs

__all__ = [
    "ViT_B_16_Weights",
    "ViT_B_32_Weights",
    "ViT_L_16_Weights",
    "ViT_L_32_Weights",
    "ViT_H_14_Weights",
]

_COMMON_META = {"categories": categories.IMAGENET1K}


class ViT_B_16_Weights(WeightsEnum):
    """Pretrained weights of :func:`vit_b_16`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vit_b_16-c867db91.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "min_size": (224, 224),
            "num_params": 86567656,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#vit_b_16",
            "_metrics": {"ImageNet-1K": {"acc@1": 81.072, "acc@5": 95.318}},
            "_ops": 17.564,
            "_file_size": 330.285,
            "_docs": _docs.SCRATCH_DEIT_RECIPE,
        },
    )
    IMAGENET1K_SWAG_E2E_V1 = Weights(
        url="https://download.pytorch.org/models/vit_b_16_swag-9ac1b537.pth",
        transforms=preset(
            "ImageClassification", crop_size=384, resize_size=384, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (384, 384),
            "num_params": 86859496,
            "recipe": "https://github.com/facebookresearch/SWAG",
            "license": "https://github.com/facebookresearch/SWAG/blob/main/LICENSE",
            "_metrics": {"ImageNet-1K": {"acc@1": 85.304, "acc@5": 97.65}},
            "_ops": 55.484,
            "_file_size": 331.398,
            "_docs": _docs.SWAG_E2E,
        },
    )
    IMAGENET1K_SWAG_LINEAR_V1 = Weights(
        url="https://download.pytorch.org/models/vit_b_16_lc_swag-4e70ced5.pth",
        transforms=preset(
            "ImageClassification", crop_size=224, resize_size=224, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (224, 224),
            "num_params": 86567656,
            "recipe": "https://github.com/pytorch/vision/pull/5793",
            "license": "https://github.com/facebookresearch/SWAG/blob/main/LICENSE",
            "_metrics": {"ImageNet-1K": {"acc@1": 81.886, "acc@5": 96.18}},
            "_ops": 17.564,
            "_file_size": 330.285,
            "_docs": _docs.SWAG_LINEAR,
        },
    )
    DEFAULT = IMAGENET1K_V1


class ViT_B_32_Weights(WeightsEnum):
    """Pretrained weights of :func:`vit_b_32`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vit_b_32-d86f8d99.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "min_size": (224, 224),
            "num_params": 88224232,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#vit_b_32",
            "_metrics": {"ImageNet-1K": {"acc@1": 75.912, "acc@5": 92.466}},
            "_ops": 4.409,
            "_file_size": 336.604,
            "_docs": _docs.SCRATCH_DEIT_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1


class ViT_L_16_Weights(WeightsEnum):
    """Pretrained weights of :func:`vit_l_16`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vit_l_16-852ce7e3.pth",
        transforms=preset("ImageClassification", crop_size=224, resize_size=242),
        meta={
            **_COMMON_META,
            "min_size": (224, 224),
            "num_params": 304326632,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#vit_l_16",
            "_metrics": {"ImageNet-1K": {"acc@1": 79.662, "acc@5": 94.638}},
            "_ops": 61.555,
            "_file_size": 1161.023,
            "_docs": _docs.SCRATCH_MODIFIED_NEW_RECIPE,
        },
    )
    IMAGENET1K_SWAG_E2E_V1 = Weights(
        url="https://download.pytorch.org/models/vit_l_16_swag-4f3808c9.pth",
        transforms=preset(
            "ImageClassification", crop_size=512, resize_size=512, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (512, 512),
            "num_params": 305174504,
            "recipe": "https://github.com/facebookresearch/SWAG",
            "license": "https://github.com/facebookresearch/SWAG/blob/main/LICENSE",
            "_metrics": {"ImageNet-1K": {"acc@1": 88.064, "acc@5": 98.512}},
            "_ops": 361.986,
            "_file_size": 1164.258,
            "_docs": _docs.SWAG_E2E,
        },
    )
    IMAGENET1K_SWAG_LINEAR_V1 = Weights(
        url="https://download.pytorch.org/models/vit_l_16_lc_swag-4d563306.pth",
        transforms=preset(
            "ImageClassification", crop_size=224, resize_size=224, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (224, 224),
            "num_params": 304326632,
            "recipe": "https://github.com/pytorch/vision/pull/5793",
            "license": "https://github.com/facebookresearch/SWAG/blob/main/LICENSE",
            "_metrics": {"ImageNet-1K": {"acc@1": 85.146, "acc@5": 97.422}},
            "_ops": 61.555,
            "_file_size": 1161.023,
            "_docs": _docs.SWAG_LINEAR,
        },
    )
    DEFAULT = IMAGENET1K_V1


class ViT_L_32_Weights(WeightsEnum):
    """Pretrained weights of :func:`vit_l_32`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vit_l_32-c7638314.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "min_size": (224, 224),
            "num_params": 306535400,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#vit_l_32",
            "_metrics": {"ImageNet-1K": {"acc@1": 76.972, "acc@5": 93.07}},
            "_ops": 15.378,
            "_file_size": 1169.449,
            "_docs": _docs.SCRATCH_DEIT_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1


class ViT_H_14_Weights(WeightsEnum):
    """Pretrained weights of :func:`vit_h_14`."""

    IMAGENET1K_SWAG_E2E_V1 = Weights(
        url="https://download.pytorch.org/models/vit_h_14_swag-80465313.pth",
        transforms=preset(
            "ImageClassification", crop_size=518, resize_size=518, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (518, 518),
            "num_params": 633470440,
            "recipe": "https://github.com/facebookresearch/SWAG",
            "license": "https://github.com/facebookresearch/SWAG/blob/main/LICENSE",
            "_metrics": {"ImageNet-1K": {"acc@1": 88.552, "acc@5": 98.694}},
            "_ops": 1016.717,
            "_file_size": 2416.643,
            "_docs": _docs.SWAG_E2E,
        },
    )
    IMAGENET1K_SWAG_LINEAR_V1 = Weights(
        url="https://download.pytorch.org/models/vit_h_14_lc_swag-c1eb923e.pth",
        transforms=preset(
            "ImageClassification", crop_size=224, resize_size=224, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (224, 224),
            "num_params": 632045800,
            "recipe": "https://github.com/pytorch/vision/pull/5793",
            "license": "https://github.com/facebookresearch/SWAG/blob/main/LICENSE",
            "_metrics": {"ImageNet-1K": {"acc@1": 85.708, "acc@5": 97.73}},
            "_ops": 167.295,
            "_file_size": 2411.209,
            "_docs": _docs.SWAG_LINEAR,
        },
    )
    DEFAULT = IMAGENET1K_SWAG_E2E_V1
