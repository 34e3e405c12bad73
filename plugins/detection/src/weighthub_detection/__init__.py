"""weighthub-detection: torchvision's object detection models and their COCO weights.

The plugin registers Faster R-CNN, FCOS, RetinaNet, Mask R-CNN, Keypoint R-CNN, SSD and SSDlite
with weighthub, under torchvision's names::

    import weighthub

    model = weighthub.get_model("fasterrcnn_resnet50_fpn_v2", weights="DEFAULT")
    preprocess = weighthub.get_weight("FasterRCNN_ResNet50_FPN_V2_Weights.DEFAULT").transforms()

The builders and weights enums are also attributes of this package, imported on first access
(``from weighthub_detection import fasterrcnn_resnet50_fpn``); importing the package itself
imports no torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from weighthub.building import lazy_exports

from ._plugin import MODELS

if TYPE_CHECKING:
    from ._faster_rcnn import (
        fasterrcnn_mobilenet_v3_large_320_fpn,
        fasterrcnn_mobilenet_v3_large_fpn,
        fasterrcnn_resnet50_fpn,
        fasterrcnn_resnet50_fpn_v2,
    )
    from ._mask_keypoint_rcnn import (
        keypointrcnn_resnet50_fpn,
        maskrcnn_resnet50_fpn,
        maskrcnn_resnet50_fpn_v2,
    )
    from ._retinanet_fcos import (
        fcos_resnet50_fpn,
        retinanet_resnet50_fpn,
        retinanet_resnet50_fpn_v2,
    )
    from ._ssd import ssd300_vgg16, ssdlite320_mobilenet_v3_large
    from ._weights import (
        FasterRCNN_MobileNet_V3_Large_320_FPN_Weights,
        FasterRCNN_MobileNet_V3_Large_FPN_Weights,
        FasterRCNN_ResNet50_FPN_V2_Weights,
        FasterRCNN_ResNet50_FPN_Weights,
        FCOS_ResNet50_FPN_Weights,
        KeypointRCNN_ResNet50_FPN_Weights,
        MaskRCNN_ResNet50_FPN_V2_Weights,
        MaskRCNN_ResNet50_FPN_Weights,
        RetinaNet_ResNet50_FPN_V2_Weights,
        RetinaNet_ResNet50_FPN_Weights,
        SSD300_VGG16_Weights,
        SSDLite320_MobileNet_V3_Large_Weights,
    )

__all__ = [
    "fasterrcnn_mobilenet_v3_large_320_fpn",
    "fasterrcnn_mobilenet_v3_large_fpn",
    "fasterrcnn_resnet50_fpn",
    "fasterrcnn_resnet50_fpn_v2",
    "fcos_resnet50_fpn",
    "keypointrcnn_resnet50_fpn",
    "maskrcnn_resnet50_fpn",
    "maskrcnn_resnet50_fpn_v2",
    "retinanet_resnet50_fpn",
    "retinanet_resnet50_fpn_v2",
    "ssd300_vgg16",
    "ssdlite320_mobilenet_v3_large",
    "FasterRCNN_MobileNet_V3_Large_320_FPN_Weights",
    "FasterRCNN_MobileNet_V3_Large_FPN_Weights",
    "FasterRCNN_ResNet50_FPN_V2_Weights",
    "FasterRCNN_ResNet50_FPN_Weights",
    "FCOS_ResNet50_FPN_Weights",
    "KeypointRCNN_ResNet50_FPN_Weights",
    "MaskRCNN_ResNet50_FPN_V2_Weights",
    "MaskRCNN_ResNet50_FPN_Weights",
    "RetinaNet_ResNet50_FPN_V2_Weights",
    "RetinaNet_ResNet50_FPN_Weights",
    "SSD300_VGG16_Weights",
    "SSDLite320_MobileNet_V3_Large_Weights",
]

# __all__ is written out above, for type checkers; the lazy names are the same.
_LAZY = {name: module for name, (module, _) in MODELS.items()}
_LAZY.update(dict.fromkeys((enum for _, enum in MODELS.values()), "_weights"))
__getattr__, __dir__, _ = lazy_exports(__name__, _LAZY)
