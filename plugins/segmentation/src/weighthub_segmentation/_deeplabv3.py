"""DeepLabV3 builders, on dilated ResNet-50/101 and MobileNetV3-Large backbones."""

from __future__ import annotations

from torchvision.models import mobilenet_v3_large, resnet50, resnet101
from torchvision.models.segmentation.deeplabv3 import (
    DeepLabV3,
    _deeplabv3_mobilenetv3,
    _deeplabv3_resnet,
)

from weighthub.building import MOBILENET_V3_LARGE_V1, RESNET50_V1, RESNET101_V1, TORCHVISION_SHAPED

from ._common import segmentation_builder
from ._weights import (
    DeepLabV3_MobileNet_V3_Large_Weights,
    DeepLabV3_ResNet50_Weights,
    DeepLabV3_ResNet101_Weights,
)

__all__ = ["deeplabv3_mobilenet_v3_large", "deeplabv3_resnet101", "deeplabv3_resnet50"]

_DILATION = {"replace_stride_with_dilation": [False, True, True]}

deeplabv3_resnet50 = segmentation_builder(
    "deeplabv3_resnet50",
    DeepLabV3_ResNet50_Weights,
    _deeplabv3_resnet,
    backbone=resnet50,
    backbone_default=RESNET50_V1,
    backbone_options=_DILATION,
    backbone_doc="ResNet-50",
    model_cls=DeepLabV3,
    summary="Build DeepLabV3 with a ResNet-50 backbone (torchvision's ``deeplabv3_resnet50``).",
    module=TORCHVISION_SHAPED,
)
deeplabv3_resnet101 = segmentation_builder(
    "deeplabv3_resnet101",
    DeepLabV3_ResNet101_Weights,
    _deeplabv3_resnet,
    backbone=resnet101,
    backbone_default=RESNET101_V1,
    backbone_options=_DILATION,
    backbone_doc="ResNet-101",
    model_cls=DeepLabV3,
    summary="Build DeepLabV3 with a ResNet-101 backbone (torchvision's ``deeplabv3_resnet101``).",
    module=TORCHVISION_SHAPED,
)
deeplabv3_mobilenet_v3_large = segmentation_builder(
    "deeplabv3_mobilenet_v3_large",
    DeepLabV3_MobileNet_V3_Large_Weights,
    _deeplabv3_mobilenetv3,
    backbone=mobilenet_v3_large,
    backbone_default=MOBILENET_V3_LARGE_V1,
    backbone_options={"dilated": True},
    backbone_doc="dilated MobileNetV3-Large",
    model_cls=DeepLabV3,
    summary="Build DeepLabV3 with a MobileNetV3-Large backbone (``deeplabv3_mobilenet_v3_large``).",
    module=TORCHVISION_SHAPED,
)
