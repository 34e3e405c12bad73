"""The weights enums of the Swin Transformer and Swin Transformer V2 models.

URLs, preprocessing settings and meta are torchvision 0.29.1's. Torch-free: importing this
module imports neither torch nor torchvision.
"""

from __future__ import annotations

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

from . import _docs

__all__ = [
    "Swin_T_Weights",
    "Swin_S_Weights",
    "Swin_B_Weights",
    "Swin_V2_T_Weights",
    "Swin_V2_S_Weights",
    "Swin_V2_B_Weights",
]

_COMMON_META = {"categories": categories.IMAGENET1K}


class Swin_T_Weights(WeightsEnum):
    """Pretrained weights of :func:`swin_t`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/swin_t-704ceda3.pth",
        transforms=preset(
            "ImageClassification", crop_size=224, resize_size=232, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (224, 224),
            "num_params": 28288354,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#swintransformer",
            "_metrics": {"ImageNet-1K": {"acc@1": 81.474, "acc@5": 95.776}},
            "_ops": 4.491,
            "_file_size": 108.19,
            "_docs": _docs.REPRODUCED_SIMILAR_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1


class Swin_S_Weights(WeightsEnum):
    """Pretrained weights of :func:`swin_s`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/swin_s-5e29d889.pth",
        transforms=preset(
            "ImageClassification", crop_size=224, resize_size=246, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (224, 224),
            "num_params": 49606258,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#swintransformer",
            "_metrics": {"ImageNet-1K": {"acc@1": 83.196, "acc@5": 96.36}},
            "_ops": 8.741,
            "_file_size": 189.786,
            "_docs": _docs.REPRODUCED_SIMILAR_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1


class Swin_B_Weights(WeightsEnum):
    """Pretrained weights of :func:`swin_b`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/swin_b-68c6b09e.pth",
        transforms=preset(
            "ImageClassification", crop_size=224, resize_size=238, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (224, 224),
            "num_params": 87768224,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#swintransformer",
            "_metrics": {"ImageNet-1K": {"acc@1": 83.582, "acc@5": 96.64}},
            "_ops": 15.431,
            "_file_size": 335.364,
            "_docs": _docs.REPRODUCED_SIMILAR_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1


class Swin_V2_T_Weights(WeightsEnum):
    """Pretrained weights of :func:`swin_v2_t`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/swin_v2_t-b137f0e2.pth",
        transforms=preset(
            "ImageClassification", crop_size=256, resize_size=260, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (256, 256),
            "num_params": 28351570,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#swintransformer-v2",
            "_metrics": {"ImageNet-1K": {"acc@1": 82.072, "acc@5": 96.132}},
            "_ops": 5.94,
            "_file_size": 108.626,
            "_docs": _docs.REPRODUCED_SIMILAR_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1


class Swin_V2_S_Weights(WeightsEnum):
    """Pretrained weights of :func:`swin_v2_s`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/swin_v2_s-637d8ceb.pth",
        transforms=preset(
            "ImageClassification", crop_size=256, resize_size=260, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (256, 256),
            "num_params": 49737442,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#swintransformer-v2",
            "_metrics": {"ImageNet-1K": {"acc@1": 83.712, "acc@5": 96.816}},
            "_ops": 11.546,
            "_file_size": 190.675,
            "_docs": _docs.REPRODUCED_SIMILAR_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1


class Swin_V2_B_Weights(WeightsEnum):
    """Pretrained weights of :func:`swin_v2_b`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/swin_v2_b-781e5279.pth",
        transforms=preset(
            "ImageClassification", crop_size=256, resize_size=272, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "min_size": (256, 256),
            "num_params": 87930848,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#swintransformer-v2",
            "_metrics": {"ImageNet-1K": {"acc@1": 84.112, "acc@5": 96.864}},
            "_ops": 20.325,
            "_file_size": 336.372,
            "_docs": _docs.REPRODUCED_SIMILAR_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1
