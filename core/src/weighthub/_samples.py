"""Sample inputs for image classification, the task core declares, and how a task's is found.

A :class:`~weighthub.Task` names its ``sample_input`` (the random input ``_ops`` is counted on) and
its ``transforms_check`` (an input for ``weights.transforms()`` and a judge of its output) as
``"module:attribute"`` references; these are image classification's, which tasks built on images
(quantized classification, segmentation, third-party ones) may reuse.

Both are built from the weights' own input: a function that takes an ``in_chans`` keyword is
given the weights' number of input bands (:func:`input_channels`), and the values follow the
transform's ``max_value`` (raw reflectance up to 10,000, say) when it has one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from ._api import find_task

__all__ = [
    "image_sample_input",
    "image_transforms_check",
    "input_channels",
    "sample_input",
    "size_pair",
    "with_channels",
]

F = Callable[..., Any]


def input_channels(weights: Any) -> int:
    """The number of input bands ``weights`` build their model for, 3 unless they say otherwise.

    Read from ``model_kwargs["in_chans"]`` (what the builder is given), else ``meta["in_chans"]``.
    """
    kwargs = getattr(weights, "model_kwargs", None) or {}
    meta = getattr(weights, "meta", None) or {}
    for value in (kwargs.get("in_chans"), meta.get("in_chans")):
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return 3


def with_channels(function: F, weights: Any) -> F:
    """``function`` given the weights' :func:`input_channels` when it takes ``in_chans``."""
    try:
        takes = "in_chans" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        takes = False
    if not takes or weights is None:
        return function
    return functools.partial(function, in_chans=input_channels(weights))


def _random_image(shape: tuple[int, ...], transforms: Any) -> Any:
    """Uniform random values in the transform's input range: ``[0, max_value)`` or ``[0, 1)``."""
    import torch

    image = torch.rand(*shape)
    max_value = getattr(transforms, "max_value", 0.0)
    return image * max_value if isinstance(max_value, float) and max_value > 0 else image


def size_pair(value: Any) -> list[int]:
    """A transform's ``crop_size`` (an int or one or two ints) as ``[height, width]``."""
    values = list(value) if isinstance(value, list | tuple) else [value]
    return values * 2 if len(values) == 1 else values


def image_sample_input(
    model_name: str, transforms: Any, *, in_chans: int = 3
) -> tuple[list[Any], bool]:
    """A random 512x512 image of ``in_chans`` bands through ``transforms``, batched:
    ``model(*args)``."""
    import torch

    if getattr(transforms, "max_value", 0.0):
        return [transforms(_random_image((1, in_chans, 512, 512), transforms))], False
    return [transforms(torch.randn(1, in_chans, 512, 512))], False


def image_transforms_check(
    transform: Any, *, in_chans: int = 3
) -> tuple[Any, Callable[[Any], str | None]]:
    """A 300x400 batch of ``in_chans`` bands, and a judge that wants ``(1, in_chans, *crop_size)``
    back."""
    image = _random_image((1, in_chans, 300, 400), transform)
    crop = size_pair(getattr(transform, "crop_size", []))

    def judge(out: Any) -> str | None:
        expected = (1, in_chans, *crop)
        return None if tuple(out.shape) == expected else f"expected {expected}, got {out.shape}"

    return (image,), judge


def sample_input(
    task: str, model_name: str, transforms: Any, weights: Any = None
) -> tuple[Any, bool]:
    """Build the preprocessed random input ``_ops`` is measured on, as ``task`` declares it.

    With ``weights``, a sample input function that takes ``in_chans`` gets theirs.

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
    made: tuple[Any, bool] = with_channels(make, weights)(model_name, transforms)
    return made
