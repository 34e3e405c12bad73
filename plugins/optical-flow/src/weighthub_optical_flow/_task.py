"""What the ``optical_flow`` task needs torch for: its sample input and transforms check.

Named by reference from the task this plugin declares (``_plugin.TASK``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["sample_input", "transforms_check"]


def sample_input(model_name: str, transforms: Any) -> tuple[list[Any], bool]:
    """A pair of identical random 512x512 images, through ``transforms``: ``model(*args)``."""
    import torch

    image = torch.randn(1, 3, 512, 512)
    return list(transforms(image, image)), False


def transforms_check(transform: Any) -> tuple[Any, Callable[[Any], str | None]]:
    """A pair of uint8 images, and a judge that wants them back in [-1, 1], same shape."""
    import torch

    image = torch.randint(0, 256, (1, 3, 64, 80), dtype=torch.uint8)

    def judge(out: Any) -> str | None:
        if not (isinstance(out, tuple) and len(out) == 2):
            return "expected a pair of images"
        for img in out:
            if img.shape != image.shape or img.min() < -1 or img.max() > 1:
                return f"expected {tuple(image.shape)} images in [-1, 1]"
        return None

    return (image, image), judge
