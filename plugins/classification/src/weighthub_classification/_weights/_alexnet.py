"""The weights enums of the AlexNet models.

URLs, preprocessing settings and meta are torchvision 0.29.1's. Torch-free: importing this
module imports neither torch nor torchvision.
"""

from __future__ import annotations

from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset

from . import _docs

__all__ = ["AlexNet_Weights"]

_COMMON_META = {
    "categories": categories.IMAGENET1K,
    "min_size": (63, 63),
    "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg",
}


class AlexNet_Weights(WeightsEnum):
    """Pretrained weights of :func:`alexnet`."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/alexnet-owt-7be5be79.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            **_COMMON_META,
            "num_params": 61100840,
            "_metrics": {"ImageNet-1K": {"acc@1": 56.522, "acc@5": 79.066}},
            "_ops": 0.714,
            "_file_size": 233.087,
            "_docs": _docs.REPRODUCED_SIMPLIFIED_RECIPE,
        },
    )
    DEFAULT = IMAGENET1K_V1
