"""The optical flow weights enums: torchvision 0.29.1's, declared without torch."""

from __future__ import annotations

from typing import Any

from weighthub import Weights, WeightsEnum
from weighthub.transforms import preset

__all__ = ["Raft_Large_Weights", "Raft_Small_Weights"]

_RAFT_META: dict[str, Any] = {
    "min_size": (128, 128),
}


class Raft_Large_Weights(WeightsEnum):
    """Pretrained weights: the entries of torchvision's ``Raft_Large_Weights``."""

    C_T_V1 = Weights(
        url="https://download.pytorch.org/models/raft_large_C_T_V1-22a6c225.pth",
        transforms=preset("OpticalFlow"),
        meta={
            **_RAFT_META,
            "num_params": 5257536,
            "recipe": "https://github.com/princeton-vl/RAFT",
            "_metrics": {
                "Sintel-Train-Cleanpass": {"epe": 1.4411},
                "Sintel-Train-Finalpass": {"epe": 2.7894},
                "Kitti-Train": {"per_image_epe": 5.0172, "fl_all": 17.4506},
            },
            "_ops": 211.007,
            "_file_size": 20.129,
            "_docs": """These weights were ported from the original paper. They
            are trained on :class:`~torchvision.datasets.FlyingChairs` +
            :class:`~torchvision.datasets.FlyingThings3D`.""",
        },
    )
    C_T_V2 = Weights(
        url="https://download.pytorch.org/models/raft_large_C_T_V2-1bb1363a.pth",
        transforms=preset("OpticalFlow"),
        meta={
            **_RAFT_META,
            "num_params": 5257536,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/optical_flow",
            "_metrics": {
                "Sintel-Train-Cleanpass": {"epe": 1.3822},
                "Sintel-Train-Finalpass": {"epe": 2.7161},
                "Kitti-Train": {"per_image_epe": 4.5118, "fl_all": 16.0679},
            },
            "_ops": 211.007,
            "_file_size": 20.129,
            "_docs": """These weights were trained from scratch on
            :class:`~torchvision.datasets.FlyingChairs` +
            :class:`~torchvision.datasets.FlyingThings3D`.""",
        },
    )
    C_T_SKHT_V1 = Weights(
        url="https://download.pytorch.org/models/raft_large_C_T_SKHT_V1-0b8c9e55.pth",
        transforms=preset("OpticalFlow"),
        meta={
            **_RAFT_META,
            "num_params": 5257536,
            "recipe": "https://github.com/princeton-vl/RAFT",
            "_metrics": {
                "Sintel-Test-Cleanpass": {"epe": 1.94},
                "Sintel-Test-Finalpass": {"epe": 3.18},
            },
            "_ops": 211.007,
            "_file_size": 20.129,
            "_docs": """
                These weights were ported from the original paper. They are
                trained on :class:`~torchvision.datasets.FlyingChairs` +
                :class:`~torchvision.datasets.FlyingThings3D` and fine-tuned on
                Sintel. The Sintel fine-tuning step is a combination of
                :class:`~torchvision.datasets.Sintel`,
                :class:`~torchvision.datasets.KittiFlow`,
                :class:`~torchvision.datasets.HD1K`, and
                :class:`~torchvision.datasets.FlyingThings3D` (clean pass).
            """,
        },
    )
    C_T_SKHT_V2 = Weights(
        url="https://download.pytorch.org/models/raft_large_C_T_SKHT_V2-ff5fadd5.pth",
        transforms=preset("OpticalFlow"),
        meta={
            **_RAFT_META,
            "num_params": 5257536,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/optical_flow",
            "_metrics": {
                "Sintel-Test-Cleanpass": {"epe": 1.819},
                "Sintel-Test-Finalpass": {"epe": 3.067},
            },
            "_ops": 211.007,
            "_file_size": 20.129,
            "_docs": """
                These weights were trained from scratch. They are
                pre-trained on :class:`~torchvision.datasets.FlyingChairs` +
                :class:`~torchvision.datasets.FlyingThings3D` and then
                fine-tuned on Sintel. The Sintel fine-tuning step is a
                combination of :class:`~torchvision.datasets.Sintel`,
                :class:`~torchvision.datasets.KittiFlow`,
                :class:`~torchvision.datasets.HD1K`, and
                :class:`~torchvision.datasets.FlyingThings3D` (clean pass).
            """,
        },
    )
    C_T_SKHT_K_V1 = Weights(
        url="https://download.pytorch.org/models/raft_large_C_T_SKHT_K_V1-4a6a5039.pth",
        transforms=preset("OpticalFlow"),
        meta={
            **_RAFT_META,
            "num_params": 5257536,
            "recipe": "https://github.com/princeton-vl/RAFT",
            "_metrics": {"Kitti-Test": {"fl_all": 5.1}},
            "_ops": 211.007,
            "_file_size": 20.129,
            "_docs": (
                "\n"
                "                These weights were ported from the original "
                "paper. They are\n"
                "                pre-trained on "
                ":class:`~torchvision.datasets.FlyingChairs` +\n"
                "                "
                ":class:`~torchvision.datasets.FlyingThings3D`,\n"
                "                fine-tuned on Sintel, and then fine-tuned "
                "on\n"
                "                :class:`~torchvision.datasets.KittiFlow`. "
                "The Sintel fine-tuning\n"
                "                step was described above.\n"
                "            "
            ),
        },
    )
    C_T_SKHT_K_V2 = Weights(
        url="https://download.pytorch.org/models/raft_large_C_T_SKHT_K_V2-b5c70766.pth",
        transforms=preset("OpticalFlow"),
        meta={
            **_RAFT_META,
            "num_params": 5257536,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/optical_flow",
            "_metrics": {"Kitti-Test": {"fl_all": 5.19}},
            "_ops": 211.007,
            "_file_size": 20.129,
            "_docs": (
                "\n"
                "                These weights were trained from scratch. "
                "They are\n"
                "                pre-trained on "
                ":class:`~torchvision.datasets.FlyingChairs` +\n"
                "                "
                ":class:`~torchvision.datasets.FlyingThings3D`,\n"
                "                fine-tuned on Sintel, and then fine-tuned "
                "on\n"
                "                :class:`~torchvision.datasets.KittiFlow`. "
                "The Sintel fine-tuning\n"
                "                step was described above.\n"
                "            "
            ),
        },
    )
    DEFAULT = C_T_SKHT_V2


class Raft_Small_Weights(WeightsEnum):
    """Pretrained weights: the entries of torchvision's ``Raft_Small_Weights``."""

    C_T_V1 = Weights(
        url="https://download.pytorch.org/models/raft_small_C_T_V1-ad48884c.pth",
        transforms=preset("OpticalFlow"),
        meta={
            **_RAFT_META,
            "num_params": 990162,
            "recipe": "https://github.com/princeton-vl/RAFT",
            "_metrics": {
                "Sintel-Train-Cleanpass": {"epe": 2.1231},
                "Sintel-Train-Finalpass": {"epe": 3.279},
                "Kitti-Train": {"per_image_epe": 7.6557, "fl_all": 25.2801},
            },
            "_ops": 47.655,
            "_file_size": 3.821,
            "_docs": """These weights were ported from the original paper. They
            are trained on :class:`~torchvision.datasets.FlyingChairs` +
            :class:`~torchvision.datasets.FlyingThings3D`.""",
        },
    )
    C_T_V2 = Weights(
        url="https://download.pytorch.org/models/raft_small_C_T_V2-01064c6d.pth",
        transforms=preset("OpticalFlow"),
        meta={
            **_RAFT_META,
            "num_params": 990162,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/optical_flow",
            "_metrics": {
                "Sintel-Train-Cleanpass": {"epe": 1.9901},
                "Sintel-Train-Finalpass": {"epe": 3.2831},
                "Kitti-Train": {"per_image_epe": 7.5978, "fl_all": 25.2369},
            },
            "_ops": 47.655,
            "_file_size": 3.821,
            "_docs": """These weights were trained from scratch on
            :class:`~torchvision.datasets.FlyingChairs` +
            :class:`~torchvision.datasets.FlyingThings3D`.""",
        },
    )
    DEFAULT = C_T_V2
