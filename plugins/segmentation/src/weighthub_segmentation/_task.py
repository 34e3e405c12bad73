"""What the ``semantic_segmentation`` task needs torch for: its transforms check.

Named by reference from the task this plugin declares (``_plugin.TASK``); its sample input is
image classification's (:func:`weighthub.testing.image_sample_input`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["transforms_check"]


def transforms_check(transform: Any) -> tuple[Any, Callable[[Any], str | None]]:
    """A 300x400 image batch, and a judge that wants ``(1, 3, H', W')`` back."""
    import torch

    image = torch.rand(1, 3, 300, 400)

    def judge(out: Any) -> str | None:
        ok = out.ndim == 4 and tuple(out.shape[:2]) == (1, 3)
        return None if ok else f"expected (1, 3, H', W'), got {tuple(out.shape)}"

    return (image,), judge
