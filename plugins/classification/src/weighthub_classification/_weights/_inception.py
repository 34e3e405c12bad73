"""The weights enums of the Inception v3 models.

URLs, preprocessing settings and meta are torchvision 0.29.1's. Torch-free: importing this
module imports neither torch nor torchvision.
"""

from __future__ import annotations

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

from . import _docs

__all__ = ["Inception_V3_Weights"]

_COMMON_META = {
    "categories": categories.IMAGENET1K,
    "min_size": (75, 75),
    "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#inception-v3",
}


class Inception_V3_Weights(WeightsEnum):
    """Pretrained weights of :func:`inception_v3`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/inception_v3_google-0cc3c7bd.pth",
        transforms=preset("ImageClassification", crop_size=299, resize_size=342),
        meta={
            **_COMMON_META,
            "num_params": 27161264,
            "_metrics": {"ImageNet-1K": {"acc@1": 77.294, "acc@5": 93.45}},
            "_ops": 5.713,
            "_file_size": 103.903,
            "_docs": _docs.PORTED_FROM_PAPER,
        },
    )
    DEFAULT = IMAGENET1K_V1
