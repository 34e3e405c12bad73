"""The plugin's entry-point module: registers the detection models with weighthub.

Light by design: it names builders and weights enums as ``"module:attribute"`` strings, so
``weighthub.list_models()`` imports neither torch nor the model code.
"""

from __future__ import annotations

import weighthub
from weighthub.tasks import Metric

__all__ = ["MODELS", "OBJECT_DETECTION", "TASK", "register_models"]

_COCO = "COCO-val2017"

OBJECT_DETECTION = weighthub.Task(
    "object_detection",
    title="Object detection, instance segmentation and keypoints",
    keys=frozenset({"categories"}),
    metrics=frozenset({(_COCO, "box_map")}),
    preset="ObjectDetection",
    sample_input="weighthub_detection._task:sample_input",
    transforms_check="weighthub_detection._task:transforms_check",
    predict="detection",
    frozen_batch_norm=True,
    docs=weighthub.TaskDocs(
        (
            Metric(_COCO, "box_map", "Box mAP"),
            Metric(_COCO, "mask_map", "Mask mAP"),
            Metric(_COCO, "kp_map", "Keypoint mAP"),
        ),
        Metric(_COCO, "box_map", "COCO-val2017 box mAP"),
        split_by=(
            ("kp_map", "Keypoint detection"),
            ("mask_map", "Instance segmentation"),
            ("", "Object detection"),
        ),
        chart_exclude=("kp_map",),
        chart_note="Keypoint R-CNN is left out: its box mAP counts people only.",
    ),
)
"""Boxes, and masks (Mask R-CNN) or keypoints (Keypoint R-CNN) where the model gives them."""
TASK = OBJECT_DETECTION.name

_PACKAGE = "weighthub_detection"

# torchvision's model classes, exported in weighthub.models.detection.
CLASSES = (
    "FasterRCNN",
    "FCOS",
    "KeypointRCNN",
    "MaskRCNN",
    "RetinaNet",
)

# Our own torchvision.models.detection.backbone_utils, exported there.
BACKBONE_UTILS = ("BackboneWithFPN", "mobilenet_backbone", "resnet_fpn_backbone")

# model name -> (builder module, weights enum); the builder function has the model's name.
MODELS: dict[str, tuple[str, str]] = {
    "fasterrcnn_resnet50_fpn": ("_faster_rcnn", "FasterRCNN_ResNet50_FPN_Weights"),
    "fasterrcnn_resnet50_fpn_v2": ("_faster_rcnn", "FasterRCNN_ResNet50_FPN_V2_Weights"),
    "fasterrcnn_mobilenet_v3_large_fpn": (
        "_faster_rcnn",
        "FasterRCNN_MobileNet_V3_Large_FPN_Weights",
    ),
    "fasterrcnn_mobilenet_v3_large_320_fpn": (
        "_faster_rcnn",
        "FasterRCNN_MobileNet_V3_Large_320_FPN_Weights",
    ),
    "fcos_resnet50_fpn": ("_retinanet_fcos", "FCOS_ResNet50_FPN_Weights"),
    "retinanet_resnet50_fpn": ("_retinanet_fcos", "RetinaNet_ResNet50_FPN_Weights"),
    "retinanet_resnet50_fpn_v2": ("_retinanet_fcos", "RetinaNet_ResNet50_FPN_V2_Weights"),
    "maskrcnn_resnet50_fpn": ("_mask_keypoint_rcnn", "MaskRCNN_ResNet50_FPN_Weights"),
    "maskrcnn_resnet50_fpn_v2": ("_mask_keypoint_rcnn", "MaskRCNN_ResNet50_FPN_V2_Weights"),
    "keypointrcnn_resnet50_fpn": ("_mask_keypoint_rcnn", "KeypointRCNN_ResNet50_FPN_Weights"),
    "ssd300_vgg16": ("_ssd", "SSD300_VGG16_Weights"),
    "ssdlite320_mobilenet_v3_large": ("_ssd", "SSDLite320_MobileNet_V3_Large_Weights"),
}


@weighthub.hookimpl
def register_models(registry: weighthub.Registry) -> None:
    """Declare the detection task and register the 12 torchvision detection builders."""
    registry.add_task(OBJECT_DETECTION)
    models = {name: (f".{module}", f"._weights:{enum}") for name, (module, enum) in MODELS.items()}
    registry.add_models(models, task=TASK, package=_PACKAGE, namespace="detection")
    registry.add_exports(CLASSES, "torchvision.models.detection", namespace="detection")
    registry.add_exports(
        BACKBONE_UTILS, f"{_PACKAGE}._backbone_utils", namespace="detection.backbone_utils"
    )
