"""weighthub-segmentation: torchvision's semantic segmentation models and their weights.

The plugin registers FCN, DeepLabV3 and LR-ASPP (trained on the COCO subset with the 20 Pascal VOC
categories) with weighthub, under torchvision's names::

    import weighthub

    model = weighthub.get_model("deeplabv3_resnet50", weights="DEFAULT")
    preprocess = weighthub.get_weight("DeepLabV3_ResNet50_Weights.DEFAULT").transforms()

The builders and weights enums are also attributes of this package, imported on first access
(``from weighthub_segmentation import fcn_resnet50``); importing the package itself imports no
torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from weighthub.building import lazy_exports

from ._plugin import MODELS

if TYPE_CHECKING:
    from ._deeplabv3 import (
        deeplabv3_mobilenet_v3_large,
        deeplabv3_resnet50,
        deeplabv3_resnet101,
    )
    from ._fcn import fcn_resnet50, fcn_resnet101
    from ._lraspp import lraspp_mobilenet_v3_large
    from ._weights import (
        DeepLabV3_MobileNet_V3_Large_Weights,
        DeepLabV3_ResNet50_Weights,
        DeepLabV3_ResNet101_Weights,
        FCN_ResNet50_Weights,
        FCN_ResNet101_Weights,
        LRASPP_MobileNet_V3_Large_Weights,
    )

__all__ = [
    "deeplabv3_mobilenet_v3_large",
    "deeplabv3_resnet101",
    "deeplabv3_resnet50",
    "fcn_resnet101",
    "fcn_resnet50",
    "lraspp_mobilenet_v3_large",
    "DeepLabV3_MobileNet_V3_Large_Weights",
    "DeepLabV3_ResNet101_Weights",
    "DeepLabV3_ResNet50_Weights",
    "FCN_ResNet101_Weights",
    "FCN_ResNet50_Weights",
    "LRASPP_MobileNet_V3_Large_Weights",
]

# __all__ is written out above, for type checkers; the lazy names are the same.
_LAZY = {name: module for name, (module, _) in MODELS.items()}
_LAZY.update(dict.fromkeys((enum for _, enum in MODELS.values()), "_weights"))
__getattr__, __dir__, _ = lazy_exports(__name__, _LAZY)
