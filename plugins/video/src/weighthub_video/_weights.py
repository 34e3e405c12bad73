"""The video classification weights enums: torchvision 0.29.1's, declared without torch."""

from __future__ import annotations

from typing import Any

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

__all__ = [
    "R3D_18_Weights",
    "MC3_18_Weights",
    "R2Plus1D_18_Weights",
    "S3D_Weights",
    "MViT_V1_B_Weights",
    "MViT_V2_S_Weights",
    "Swin3D_T_Weights",
    "Swin3D_S_Weights",
    "Swin3D_B_Weights",
]

_RESNET_META: dict[str, Any] = {
    "min_size": (1, 1),
    "categories": categories.KINETICS400,
    "recipe": "https://github.com/pytorch/vision/tree/main/references/video_classification",
    "_docs": (
        "The weights reproduce closely the accuracy of the paper. The "
        "accuracies are estimated on video-level with parameters "
        "`frame_rate=15`, `clips_per_video=5`, and `clip_len=16`."
    ),
}


class R3D_18_Weights(WeightsEnum):
    """Pretrained weights: the entries of torchvision's ``R3D_18_Weights``."""

    KINETICS400_V1 = Weights(
        url="https://download.pytorch.org/models/r3d_18-b3b3357e.pth",
        transforms=preset("VideoClassification", crop_size=(112, 112), resize_size=(128, 171)),
        meta={
            **_RESNET_META,
            "num_params": 33371472,
            "_metrics": {"Kinetics-400": {"acc@1": 63.2, "acc@5": 83.479}},
            "_ops": 40.697,
            "_file_size": 127.359,
        },
    )
    DEFAULT = KINETICS400_V1


class MC3_18_Weights(WeightsEnum):
    """Pretrained weights: the entries of torchvision's ``MC3_18_Weights``."""

    KINETICS400_V1 = Weights(
        url="https://download.pytorch.org/models/mc3_18-a90a0ba3.pth",
        transforms=preset("VideoClassification", crop_size=(112, 112), resize_size=(128, 171)),
        meta={
            **_RESNET_META,
            "num_params": 11695440,
            "_metrics": {"Kinetics-400": {"acc@1": 63.96, "acc@5": 84.13}},
            "_ops": 43.343,
            "_file_size": 44.672,
        },
    )
    DEFAULT = KINETICS400_V1


class R2Plus1D_18_Weights(WeightsEnum):
    """Pretrained weights: the entries of torchvision's ``R2Plus1D_18_Weights``."""

    KINETICS400_V1 = Weights(
        url="https://download.pytorch.org/models/r2plus1d_18-91a641e6.pth",
        transforms=preset("VideoClassification", crop_size=(112, 112), resize_size=(128, 171)),
        meta={
            **_RESNET_META,
            "num_params": 31505325,
            "_metrics": {"Kinetics-400": {"acc@1": 67.463, "acc@5": 86.175}},
            "_ops": 40.519,
            "_file_size": 120.318,
        },
    )
    DEFAULT = KINETICS400_V1


_S3D_META: dict[str, Any] = {
    "min_size": (224, 224),
    "min_temporal_size": 14,
    "categories": categories.KINETICS400,
    "recipe": "https://github.com/pytorch/vision/tree/main/references/video_classification#s3d",
}


class S3D_Weights(WeightsEnum):
    """Pretrained weights: the entries of torchvision's ``S3D_Weights``."""

    KINETICS400_V1 = Weights(
        url="https://download.pytorch.org/models/s3d-d76dad2f.pth",
        transforms=preset("VideoClassification", crop_size=(224, 224), resize_size=(256, 256)),
        meta={
            **_S3D_META,
            "_docs": (
                "The weights aim to approximate the accuracy of the paper. "
                "The accuracies are estimated on clip-level with parameters "
                "`frame_rate=15`, `clips_per_video=1`, and `clip_len=128`."
            ),
            "num_params": 8320048,
            "_metrics": {"Kinetics-400": {"acc@1": 68.368, "acc@5": 88.05}},
            "_ops": 17.979,
            "_file_size": 31.972,
        },
    )
    DEFAULT = KINETICS400_V1


_MVIT_META: dict[str, Any] = {
    "min_size": (224, 224),
    "min_temporal_size": 16,
    "categories": categories.KINETICS400,
    "_docs": (
        "The weights were ported from the paper. The accuracies are "
        "estimated on video-level with parameters `frame_rate=7.5`, "
        "`clips_per_video=5`, and `clip_len=16`"
    ),
}


class MViT_V1_B_Weights(WeightsEnum):
    """Pretrained weights: the entries of torchvision's ``MViT_V1_B_Weights``."""

    KINETICS400_V1 = Weights(
        url="https://download.pytorch.org/models/mvit_v1_b-dbeb1030.pth",
        transforms=preset(
            "VideoClassification",
            crop_size=(224, 224),
            resize_size=(256,),
            mean=(0.45, 0.45, 0.45),
            std=(0.225, 0.225, 0.225),
        ),
        meta={
            **_MVIT_META,
            "recipe": "https://github.com/facebookresearch/pytorchvideo/blob/main/docs/source/model_zoo.md",
            "num_params": 36610672,
            "_metrics": {"Kinetics-400": {"acc@1": 78.477, "acc@5": 93.582}},
            "_ops": 70.599,
            "_file_size": 139.764,
        },
    )
    DEFAULT = KINETICS400_V1


class MViT_V2_S_Weights(WeightsEnum):
    """Pretrained weights: the entries of torchvision's ``MViT_V2_S_Weights``."""

    KINETICS400_V1 = Weights(
        url="https://download.pytorch.org/models/mvit_v2_s-ae3be167.pth",
        transforms=preset(
            "VideoClassification",
            crop_size=(224, 224),
            resize_size=(256,),
            mean=(0.45, 0.45, 0.45),
            std=(0.225, 0.225, 0.225),
        ),
        meta={
            **_MVIT_META,
            "recipe": "https://github.com/facebookresearch/SlowFast/blob/main/MODEL_ZOO.md",
            "num_params": 34537744,
            "_metrics": {"Kinetics-400": {"acc@1": 80.757, "acc@5": 94.665}},
            "_ops": 64.224,
            "_file_size": 131.884,
        },
    )
    DEFAULT = KINETICS400_V1


_SWIN3D_META: dict[str, Any] = {
    "categories": categories.KINETICS400,
    "min_size": (1, 1),
    "min_temporal_size": 1,
    "recipe": "https://github.com/SwinTransformer/Video-Swin-Transformer#kinetics-400",
    "_docs": (
        "The weights were ported from the paper. The accuracies are "
        "estimated on video-level with parameters `frame_rate=15`, "
        "`clips_per_video=12`, and `clip_len=32`"
    ),
}

_SWIN3D_TRANSFORMS = preset(
    "VideoClassification",
    crop_size=(224, 224),
    resize_size=(256,),
    mean=(0.485, 0.456, 0.406),
    std=(0.229, 0.224, 0.225),
)


class Swin3D_T_Weights(WeightsEnum):
    """Pretrained weights: the entries of torchvision's ``Swin3D_T_Weights``."""

    KINETICS400_V1 = Weights(
        url="https://download.pytorch.org/models/swin3d_t-7615ae03.pth",
        transforms=_SWIN3D_TRANSFORMS,
        meta={
            **_SWIN3D_META,
            "num_params": 28158070,
            "_metrics": {"Kinetics-400": {"acc@1": 77.715, "acc@5": 93.519}},
            "_ops": 43.882,
            "_file_size": 121.543,
        },
    )
    DEFAULT = KINETICS400_V1


class Swin3D_S_Weights(WeightsEnum):
    """Pretrained weights: the entries of torchvision's ``Swin3D_S_Weights``."""

    KINETICS400_V1 = Weights(
        url="https://download.pytorch.org/models/swin3d_s-da41c237.pth",
        transforms=_SWIN3D_TRANSFORMS,
        meta={
            **_SWIN3D_META,
            "num_params": 49816678,
            "_metrics": {"Kinetics-400": {"acc@1": 79.521, "acc@5": 94.158}},
            "_ops": 82.841,
            "_file_size": 218.288,
        },
    )
    DEFAULT = KINETICS400_V1


class Swin3D_B_Weights(WeightsEnum):
    """Pretrained weights: the entries of torchvision's ``Swin3D_B_Weights``."""

    KINETICS400_V1 = Weights(
        url="https://download.pytorch.org/models/swin3d_b_1k-24f7c7c6.pth",
        transforms=_SWIN3D_TRANSFORMS,
        meta={
            **_SWIN3D_META,
            "num_params": 88048984,
            "_metrics": {"Kinetics-400": {"acc@1": 79.427, "acc@5": 94.386}},
            "_ops": 140.667,
            "_file_size": 364.134,
        },
    )
    KINETICS400_IMAGENET22K_V1 = Weights(
        url="https://download.pytorch.org/models/swin3d_b_22k-7c6ae6fa.pth",
        transforms=_SWIN3D_TRANSFORMS,
        meta={
            **_SWIN3D_META,
            "num_params": 88048984,
            "_metrics": {"Kinetics-400": {"acc@1": 81.643, "acc@5": 95.574}},
            "_ops": 140.667,
            "_file_size": 364.134,
        },
    )
    DEFAULT = KINETICS400_V1
