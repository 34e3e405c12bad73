"""The weights enums of the MaxViT models.

URLs, preprocessing settings and meta are torchvision 0.29.1's. Torch-free: importing this
module imports neither torch nor torchvision.
"""

from __future__ import annotations

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

from . import _docs

__all__ = ["MaxVit_T_Weights"]

_COMMON_META = {
    "categories": categories.IMAGENET1K,
    "min_size": (224, 224),
    "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#maxvit",
}


class MaxVit_T_Weights(WeightsEnum):
    """Pretrained weights of :func:`maxvit_t`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/maxvit_t-bc5ab103.pth",
        transforms=preset(
            "ImageClassification", crop_size=224, resize_size=224, interpolation="bicubic"
        ),
        meta={
            **_COMMON_META,
            "num_params": 30919624,
            "_metrics": {"ImageNet-1K": {"acc@1": 83.7, "acc@5": 96.722}},
            "_ops": 5.558,
            "_file_size": 118.769,
            "_docs": _docs.MAXVIT_SIMILAR_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1
