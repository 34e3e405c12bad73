"""A real forward pass on the grace_hopper photo, through each weights' own transforms."""

from __future__ import annotations

import pytest
import torch
from PIL import Image

import weighthub_detection


@pytest.mark.parametrize(
    ("name", "enum_name"),
    [
        ("ssdlite320_mobilenet_v3_large", "SSDLite320_MobileNet_V3_Large_Weights"),
        ("fasterrcnn_mobilenet_v3_large_320_fpn", "FasterRCNN_MobileNet_V3_Large_320_FPN_Weights"),
    ],
)
def test_forward_on_a_photo(name: str, enum_name: str, photo: Image.Image) -> None:
    torch.manual_seed(0)
    model = getattr(weighthub_detection, name)(weights=None, weights_backbone=None).eval()
    preprocess = getattr(weighthub_detection, enum_name).DEFAULT.transforms()
    image = preprocess(photo)
    assert image.shape == (3, 600, 512)
    assert image.dtype == torch.float32
    assert image.min() >= 0.0 and image.max() <= 1.0
    with torch.no_grad():
        outputs = model([image])
    assert isinstance(outputs, list)
    assert len(outputs) == 1
    detections = outputs[0]
    assert detections.keys() == {"boxes", "labels", "scores"}
    count = len(detections["scores"])
    assert detections["boxes"].shape == (count, 4)
    assert detections["boxes"].dtype == torch.float32
    assert detections["labels"].shape == (count,)
    assert detections["labels"].dtype == torch.int64
    assert detections["scores"].dtype == torch.float32
    if count:
        boxes = detections["boxes"]
        assert (boxes[:, 2:] >= boxes[:, :2]).all()
        assert (boxes[:, 2] <= 512).all() and (boxes[:, 3] <= 600).all()
