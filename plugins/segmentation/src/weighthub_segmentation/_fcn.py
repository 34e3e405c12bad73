"""FCN builders, on dilated ResNet-50 and ResNet-101 backbones."""

from __future__ import annotations

from torchvision.models import resnet50, resnet101
from torchvision.models.segmentation.fcn import FCN, _fcn_resnet

from weighthub.building import RESNET50_V1, RESNET101_V1, TORCHVISION_SHAPED

from ._common import segmentation_builder
from ._weights import FCN_ResNet50_Weights, FCN_ResNet101_Weights

__all__ = ["fcn_resnet101", "fcn_resnet50"]

_DILATION = {"replace_stride_with_dilation": [False, True, True]}

fcn_resnet50 = segmentation_builder(
    "fcn_resnet50",
    FCN_ResNet50_Weights,
    _fcn_resnet,
    backbone=resnet50,
    backbone_default=RESNET50_V1,
    backbone_options=_DILATION,
    backbone_doc="ResNet-50",
    model_cls=FCN,
    summary="Build a Fully-Convolutional Network with a ResNet-50 backbone (``fcn_resnet50``).",
    module=TORCHVISION_SHAPED,
)
fcn_resnet101 = segmentation_builder(
    "fcn_resnet101",
    FCN_ResNet101_Weights,
    _fcn_resnet,
    backbone=resnet101,
    backbone_default=RESNET101_V1,
    backbone_options=_DILATION,
    backbone_doc="ResNet-101",
    model_cls=FCN,
    summary="Build a Fully-Convolutional Network with a ResNet-101 backbone (``fcn_resnet101``).",
    module=TORCHVISION_SHAPED,
)
