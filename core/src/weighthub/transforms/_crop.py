"""The geometry of the image classification preset's crop modes, as TorchScript-able functions.

Three ways to turn an image into a ``crop_size`` input, as timm's evaluation transforms
(``timm.data.transforms_imagenet_eval``) define them:

``"center"``
    Resize keeping the aspect ratio so that the image covers ``resize_size`` (one value resizes
    the shorter edge, torchvision's rule), then crop the centre.
``"squash"``
    Resize both edges to ``resize_size`` (the aspect ratio is not kept), then crop the centre.
``"border"``
    Resize keeping the aspect ratio so that the image fits within ``resize_size``, pad the short
    side with the mean colour (``round(255 * mean)`` per channel), then crop the centre.

The sizes follow timm's arithmetic: ``resize_size`` is ``floor(crop / crop_pct)`` per edge, and a
resize that keeps the aspect ratio scales both edges by one ratio and rounds half to even.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torchvision.transforms.functional as F
from torch import Tensor

from .._errors import close_matches_hint

__all__ = ["CROP_MODES", "check_crop_mode", "fill_values", "keep_ratio_size", "pad_to", "sizes"]

CROP_MODES = ("center", "squash", "border")

_DEFAULT_RESIZE = 256  # torchvision's ImageClassification default


def check_crop_mode(crop_mode: str) -> str:
    """Return ``crop_mode`` if it is one of :data:`CROP_MODES`.

    Raises:
        ValueError: Another value; the message names the modes and the closest one.
    """
    if crop_mode not in CROP_MODES:
        msg = (
            f"Unknown crop_mode {crop_mode!r}; expected one of {', '.join(CROP_MODES)}."
            f"{close_matches_hint(str(crop_mode), CROP_MODES, ignore_case=True)}"
        )
        raise ValueError(msg)
    return crop_mode


def _edges(value: int | Sequence[int], name: str) -> list[int]:
    values = [value] if isinstance(value, int) else list(value)
    if len(values) not in (1, 2) or not all(isinstance(v, int) and v > 0 for v in values):
        msg = f"{name} must be a positive int or (height, width), got {value!r}."
        raise ValueError(msg)
    return values


def sizes(
    crop_size: int | Sequence[int],
    resize_size: int | Sequence[int] | None,
    crop_pct: float | None,
) -> tuple[list[int], list[int]]:
    """Return ``(crop_size, resize_size)`` as lists of one value (a square) or two (h, w).

    Args:
        crop_size: The output size.
        resize_size: The resize size; when None, ``floor(crop / crop_pct)`` per edge if
            ``crop_pct`` is given (timm's rule), else 256 (torchvision's default).
        crop_pct: The crop's share of the resized image, in ``(0, 1]`` usually.

    Raises:
        ValueError: A size that is not a positive int or pair, or a ``crop_pct`` that is not
            a positive number.
    """
    crop = _edges(crop_size, "crop_size")
    if resize_size is not None:
        resize = _edges(resize_size, "resize_size")
    elif crop_pct is not None:
        if isinstance(crop_pct, bool) or not isinstance(crop_pct, int | float) or crop_pct <= 0:
            msg = f"crop_pct must be a positive number, got {crop_pct!r}."
            raise ValueError(msg)
        resize = [math.floor(edge / crop_pct) for edge in crop]
    else:
        resize = [_DEFAULT_RESIZE]
    if len(resize) == 2 and resize[0] == resize[1]:
        resize = resize[:1]  # timm resizes the shorter edge then, as torchvision does
    return crop, resize


def fill_values(mean: Sequence[float]) -> list[int]:
    """The border colour of ``mean``, in 0-255 steps: ``round(255 * m)`` per channel, as timm."""
    return [round(255 * m) for m in mean]


def keep_ratio_size(img: Tensor, target: list[int], longest: float) -> list[int]:
    """The ``[height, width]`` that scales ``img`` by one ratio towards ``target``.

    Args:
        img: The image (a PIL image in eager mode, or a ``(..., C, H, W)`` tensor).
        target: ``[height, width]``, or one value for a square.
        longest: 1.0 to fit the image within ``target`` (its longer side, relatively, matches),
            0.0 to make it cover ``target`` (its shorter side matches).
    """
    _, height, width = F.get_dimensions(img)
    ratio_h = height / target[0]
    ratio_w = width / target[-1]
    ratio = max(ratio_h, ratio_w) * longest + min(ratio_h, ratio_w) * (1.0 - longest)
    # round() rounds half to even, in Python and in TorchScript alike; TorchScript's returns a
    # float, hence int().
    return [int(round(height / ratio)), int(round(width / ratio))]  # noqa: RUF046


def pad_to(img: Tensor, crop: list[int], fill: list[int]) -> Tensor:
    """Pad ``img`` evenly (the odd pixel right and bottom) to at least ``crop`` with ``fill``.

    Args:
        img: A PIL image (eager mode), or a ``(..., C, H, W)`` tensor: uint8 is filled with
            ``fill``, a float tensor with ``fill / 255`` (the values a uint8 image would have
            after rescaling), another integer type is rescaled to float first.
        crop: ``[height, width]``, or one value for a square.
        fill: The colour, one 0-255 value per channel.
    """
    _, height, width = F.get_dimensions(img)
    pad_h = max(crop[0] - height, 0)
    pad_w = max(crop[-1] - width, 0)
    if pad_h == 0 and pad_w == 0:
        return img
    top, left = pad_h // 2, pad_w // 2
    if not isinstance(img, Tensor):  # a PIL image; TorchScript drops this branch
        return F.pad(img, [left, top, pad_w - left, pad_h - top], fill=tuple(fill))
    if not img.is_floating_point() and img.dtype != torch.uint8:
        img = F.convert_image_dtype(img, torch.float)
    colour = torch.tensor(fill, dtype=img.dtype, device=img.device)
    if img.is_floating_point():
        colour = colour / 255
    shape = list(img.shape)
    shape[-2] = height + pad_h
    shape[-1] = width + pad_w
    out = colour.view(-1, 1, 1).expand(shape).clone()
    out[..., top : top + height, left : left + width] = img
    return out
