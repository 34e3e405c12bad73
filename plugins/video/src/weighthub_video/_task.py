"""What the ``video_classification`` task needs torch for: its sample input and transforms check.

Named by reference from the task this plugin declares (``_plugin.TASK``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from weighthub.tasks import size_pair

__all__ = ["sample_input", "transforms_check"]


def sample_input(model_name: str, transforms: Any) -> tuple[list[Any], bool]:
    """A random clip of 16 frames of 512x512, through ``transforms``: ``model(*args)``."""
    import torch

    return [transforms(torch.randn(1, 16, 3, 512, 512))], False


def transforms_check(transform: Any) -> tuple[Any, Callable[[Any], str | None]]:
    """A 4-frame clip, and a judge that wants ``(1, 3, 4, *crop_size)`` back."""
    import torch

    video = torch.rand(1, 4, 3, 300, 400)
    crop = size_pair(getattr(transform, "crop_size", []))

    def judge(out: Any) -> str | None:
        expected = (1, 3, 4, *crop)
        return None if tuple(out.shape) == expected else f"expected {expected}, got {out.shape}"

    return (video,), judge
