"""Sample inputs for image classification, the task core declares, and how a task's is found.

A :class:`~weighthub.Task` names its ``sample_input`` (the random input ``_ops`` is counted on) and
its ``transforms_check`` (an input for ``weights.transforms()`` and a judge of its output) as
``"module:attribute"`` references; these are image classification's, which tasks built on images
(quantized classification, segmentation, third-party ones) may reuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._api import find_task

__all__ = ["image_sample_input", "image_transforms_check", "sample_input", "size_pair"]


def size_pair(value: Any) -> list[int]:
    """A transform's ``crop_size`` (an int or one or two ints) as ``[height, width]``."""
    values = list(value) if isinstance(value, list | tuple) else [value]
    return values * 2 if len(values) == 1 else values


def image_sample_input(model_name: str, transforms: Any) -> tuple[list[Any], bool]:
    """A random 512x512 RGB image through ``transforms``, batched: ``model(*args)``."""
    import torch

    return [transforms(torch.randn(1, 3, 512, 512))], False


def image_transforms_check(transform: Any) -> tuple[Any, Callable[[Any], str | None]]:
    """A 300x400 image batch, and a judge that wants ``(1, 3, *crop_size)`` back."""
    import torch

    image = torch.rand(1, 3, 300, 400)
    crop = size_pair(getattr(transform, "crop_size", []))

    def judge(out: Any) -> str | None:
        expected = (1, 3, *crop)
        return None if tuple(out.shape) == expected else f"expected {expected}, got {out.shape}"

    return (image,), judge


def sample_input(task: str, model_name: str, transforms: Any) -> tuple[Any, bool]:
    """Build the preprocessed random input ``_ops`` is measured on, as ``task`` declares it.

    Returns:
        ``(args, as_list)``: call ``model(args)`` when ``as_list`` (detection: a list of one
        image), else ``model(*args)``.

    Raises:
        LookupError: The task is not declared, or declares no sample input.
    """
    declared = find_task(task)
    make = None if declared is None else declared.load_sample_input()
    if make is None:
        why = "is not declared" if declared is None else "declares no sample_input"
        msg = f"Cannot count the ops of {model_name!r}: its task {task!r} {why}."
        raise LookupError(msg)
    return make(model_name, transforms)
