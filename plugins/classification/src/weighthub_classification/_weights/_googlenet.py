"""The weights enums of the GoogLeNet models.

URLs, preprocessing settings and meta are torchvision 0.29.1's. Torch-free: importing this
module imports neither torch nor torchvision.
"""

from __future__ import annotations

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

from . import _docs

__all__ = ["GoogLeNet_Weights"]

_COMMON_META = {
    "categories": categories.IMAGENET1K,
    "min_size": (15, 15),
    "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#googlenet",
}


class GoogLeNet_Weights(WeightsEnum):
    """Pretrained weights of :func:`googlenet`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/googlenet-1378be20.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 6624904,
            "_metrics": {"ImageNet-1K": {"acc@1": 69.778, "acc@5": 89.53}},
            "_ops": 1.498,
            "_file_size": 49.731,
            "_docs": _docs.PORTED_FROM_PAPER,
        },
    )
    DEFAULT = IMAGENET1K_V1
