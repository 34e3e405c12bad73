"""What the ``object_detection`` task needs torch for: its sample input and transforms check.

Named by reference from the task this plugin declares (``_plugin.TASK``), so they are imported
only when the conformance kit or ``weighthub describe`` uses them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["sample_input", "transforms_check"]

# The input sizes torchvision measured its detection models' _ops at; 800x800 otherwise.
_SIZES: dict[str, tuple[int, int]] = {
    "fasterrcnn_mobilenet_v3_large_320_fpn": (320, 320),
    "ssdlite320_mobilenet_v3_large": (320, 320),
    "keypointrcnn_resnet50_fpn": (1333, 1333),
    "ssd300_vgg16": (300, 300),
}


def sample_input(model_name: str, transforms: Any) -> tuple[list[Any], bool]:
    """A list of one random image at the size torchvision counted the model's ``_ops`` at."""
    import torch

    height, width = _SIZES.get(model_name, (800, 800))
    return [transforms(torch.randn(3, height, width))], True


def transforms_check(transform: Any) -> tuple[Any, Callable[[Any], str | None]]:
    """A uint8 image, and a judge that wants it back as floats in [0, 1], same shape."""
    import torch

    image = torch.randint(0, 256, (3, 60, 80), dtype=torch.uint8)

    def judge(out: Any) -> str | None:
        if not (out.is_floating_point() and out.shape == image.shape):
            return f"expected a float image of shape {tuple(image.shape)}, got {out.shape}"
        if out.min() < 0 or out.max() > 1:
            return "expected values in [0, 1]"
        return None

    return (image,), judge
