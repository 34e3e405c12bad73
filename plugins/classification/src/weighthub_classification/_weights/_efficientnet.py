"""The weights enums of the EfficientNet and EfficientNetV2 models.

URLs, preprocessing settings and meta are torchvision 0.29.1's. Torch-free: importing this
module imports neither torch nor torchvision.
"""

from __future__ import annotations

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

from . import _docs

__all__ = [
    "EfficientNet_B0_Weights",
    "EfficientNet_B1_Weights",
    "EfficientNet_B2_Weights",
    "EfficientNet_B3_Weights",
    "EfficientNet_B4_Weights",
    "EfficientNet_B5_Weights",
    "EfficientNet_B6_Weights",
    "EfficientNet_B7_Weights",
    "EfficientNet_V2_S_Weights",
    "EfficientNet_V2_M_Weights",
    "EfficientNet_V2_L_Weights",
]

_COMMON_META = {"categories": categories.IMAGENET1K}


class EfficientNet_B0_Weights(WeightsEnum):
    """Pretrained weights of :func:`efficientnet_b0`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/efficientnet_b0_rwightman-7f5810bc.pth",
        transforms=preset(
            "ImageClassification", crop_size=224, resize_size=256, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (1, 1),
            "num_params": 5288548,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1",
            "_metrics": {"ImageNet-1K": {"acc@1": 77.692, "acc@5": 93.532}},
            "_ops": 0.386,
            "_file_size": 20.451,
            "_docs": _docs.PORTED_FROM_PAPER,
        },
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B1_Weights(WeightsEnum):
    """Pretrained weights of :func:`efficientnet_b1`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/efficientnet_b1_rwightman-bac287d4.pth",
        transforms=preset(
            "ImageClassification", crop_size=240, resize_size=256, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (1, 1),
            "num_params": 7794184,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1",
            "_metrics": {"ImageNet-1K": {"acc@1": 78.642, "acc@5": 94.186}},
            "_ops": 0.687,
            "_file_size": 30.134,
            "_docs": _docs.PORTED_FROM_PAPER,
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/efficientnet_b1-c27df63c.pth",
        transforms=preset(
            "ImageClassification", crop_size=240, resize_size=255, interpolation="bilinear"
        ),
        meta={
            **_COMMON_META,
            "min_size": (1, 1),
            "num_params": 7794184,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe-with-lr-wd-crop-tuning",
            "_metrics": {"ImageNet-1K": {"acc@1": 79.838, "acc@5": 94.934}},
            "_ops": 0.687,
            "_file_size": 30.136,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V2


class EfficientNet_B2_Weights(WeightsEnum):
    """Pretrained weights of :func:`efficientnet_b2`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/efficientnet_b2_rwightman-c35c1473.pth",
        transforms=preset(
            "ImageClassification", crop_size=288, resize_size=288, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (1, 1),
            "num_params": 9109994,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1",
            "_metrics": {"ImageNet-1K": {"acc@1": 80.608, "acc@5": 95.31}},
            "_ops": 1.088,
            "_file_size": 35.174,
            "_docs": _docs.PORTED_FROM_PAPER,
        },
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B3_Weights(WeightsEnum):
    """Pretrained weights of :func:`efficientnet_b3`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/efficientnet_b3_rwightman-b3899882.pth",
        transforms=preset(
            "ImageClassification", crop_size=300, resize_size=320, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (1, 1),
            "num_params": 12233232,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1",
            "_metrics": {"ImageNet-1K": {"acc@1": 82.008, "acc@5": 96.054}},
            "_ops": 1.827,
            "_file_size": 47.184,
            "_docs": _docs.PORTED_FROM_PAPER,
        },
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B4_Weights(WeightsEnum):
    """Pretrained weights of :func:`efficientnet_b4`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/efficientnet_b4_rwightman-23ab8bcd.pth",
        transforms=preset(
            "ImageClassification", crop_size=380, resize_size=384, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (1, 1),
            "num_params": 19341616,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1",
            "_metrics": {"ImageNet-1K": {"acc@1": 83.384, "acc@5": 96.594}},
            "_ops": 4.394,
            "_file_size": 74.489,
            "_docs": _docs.PORTED_FROM_PAPER,
        },
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B5_Weights(WeightsEnum):
    """Pretrained weights of :func:`efficientnet_b5`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/efficientnet_b5_lukemelas-1a07897c.pth",
        transforms=preset(
            "ImageClassification", crop_size=456, resize_size=456, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (1, 1),
            "num_params": 30389784,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1",
            "_metrics": {"ImageNet-1K": {"acc@1": 83.444, "acc@5": 96.628}},
            "_ops": 10.266,
            "_file_size": 116.864,
            "_docs": _docs.PORTED_FROM_PAPER,
        },
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B6_Weights(WeightsEnum):
    """Pretrained weights of :func:`efficientnet_b6`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/efficientnet_b6_lukemelas-24a108a5.pth",
        transforms=preset(
            "ImageClassification", crop_size=528, resize_size=528, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (1, 1),
            "num_params": 43040704,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1",
            "_metrics": {"ImageNet-1K": {"acc@1": 84.008, "acc@5": 96.916}},
            "_ops": 19.068,
            "_file_size": 165.362,
            "_docs": _docs.PORTED_FROM_PAPER,
        },
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B7_Weights(WeightsEnum):
    """Pretrained weights of :func:`efficientnet_b7`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/efficientnet_b7_lukemelas-c5b4e57e.pth",
        transforms=preset(
            "ImageClassification", crop_size=600, resize_size=600, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (1, 1),
            "num_params": 66347960,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1",
            "_metrics": {"ImageNet-1K": {"acc@1": 84.122, "acc@5": 96.908}},
            "_ops": 37.746,
            "_file_size": 254.675,
            "_docs": _docs.PORTED_FROM_PAPER,
        },
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_S_Weights(WeightsEnum):
    """Pretrained weights of :func:`efficientnet_v2_s`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/efficientnet_v2_s-dd5fe13b.pth",
        transforms=preset(
            "ImageClassification", crop_size=384, resize_size=384, interpolation="bilinear"
        ),
        meta={
            **_COMMON_META,
            "min_size": (33, 33),
            "num_params": 21458488,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v2",
            "_metrics": {"ImageNet-1K": {"acc@1": 84.228, "acc@5": 96.878}},
            "_ops": 8.366,
            "_file_size": 82.704,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_M_Weights(WeightsEnum):
    """Pretrained weights of :func:`efficientnet_v2_m`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/efficientnet_v2_m-dc08266a.pth",
        transforms=preset(
            "ImageClassification", crop_size=480, resize_size=480, interpolation="bilinear"
        ),
        meta={
            **_COMMON_META,
            "min_size": (33, 33),
            "num_params": 54139356,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v2",
            "_metrics": {"ImageNet-1K": {"acc@1": 85.112, "acc@5": 97.156}},
            "_ops": 24.582,
            "_file_size": 208.01,
            "_docs": _docs.IMPROVED_MODIFIED_NEW_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_L_Weights(WeightsEnum):
    """Pretrained weights of :func:`efficientnet_v2_l`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/efficientnet_v2_l-59c71312.pth",
        transforms=preset(
            "ImageClassification",
            crop_size=480,
            resize_size=480,
            interpolation="bicubic",
            mean=(0.5, 0.5, 0.5),
            std=(0.5, 0.5, 0.5),
        ),
        meta={
            **_COMMON_META,
            "min_size": (33, 33),
            "num_params": 118515272,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v2",
            "_metrics": {"ImageNet-1K": {"acc@1": 85.808, "acc@5": 97.788}},
            "_ops": 56.08,
            "_file_size": 454.573,
            "_docs": _docs.PORTED_FROM_PAPER,
        },
    )
    DEFAULT = IMAGENET1K_V1
