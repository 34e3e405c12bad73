"""The inference preprocessing presets of pretrained weights, as TorchScript-able modules.

They behave exactly as torchvision's presets (``torchvision.transforms._presets``): the same
outputs for PIL images and for uint8 or float tensors, the same ``repr`` and ``describe()`` texts.
They are usually built through a weights entry (``weights.transforms()``) rather than directly.

TorchScript note: ``torch.jit.script`` compiles ``forward`` only; ``forward`` is annotated as taking
a ``Tensor`` because TorchScript has no PIL type, and the PIL branches are dropped from the scripted
module, which therefore accepts tensors only. TorchScript resolves the postponed (string)
annotations of this module from its globals, so ``from __future__ import annotations`` is safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import torch
import torchvision.transforms.functional as F
from torch import Tensor, nn
from torchvision.transforms import InterpolationMode

from ._factory import canonical_interpolation

__all__ = [
    "ImageClassification",
    "ObjectDetection",
    "SemanticSegmentation",
    "VideoClassification",
    "OpticalFlow",
]

_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)
_KINETICS_MEAN = (0.43216, 0.394666, 0.37645)
_KINETICS_STD = (0.22803, 0.22145, 0.216989)

_IMAGES = (
    "Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image "
    "``torch.Tensor`` objects."
)
_RESCALE_NORMALIZE = (
    "Finally the values are first rescaled to ``[0.0, 1.0]`` and then normalized using "
    "``mean={mean}`` and ``std={std}``."
)


def _interpolation(value: InterpolationMode | str) -> InterpolationMode:
    """Return ``value`` as an ``InterpolationMode``, accepting its name or value as a string.

    Args:
        value: An ``InterpolationMode`` or a string such as ``"bicubic"``.

    Returns:
        The ``InterpolationMode``.
    """
    if isinstance(value, InterpolationMode):
        return value
    return InterpolationMode(canonical_interpolation(value))


def _floats(values: Sequence[float]) -> list[float]:
    """Return ``values`` as a list of floats (TorchScript types an int list as ``List[int]``)."""
    return [float(v) for v in values]


def _repr(module: nn.Module, *names: str) -> str:
    """Format a preset as torchvision does: one ``name=value`` per indented line, in order."""
    lines = "".join(f"\n    {name}={getattr(module, name)}" for name in names)
    return f"{module.__class__.__name__}({lines}\n)"


class _Resizing(Protocol):
    """What a preset that resizes and normalizes shows in ``describe()``."""

    @property
    def resize_size(self) -> list[int] | None: ...
    @property
    def interpolation(self) -> InterpolationMode: ...
    @property
    def mean(self) -> list[float]: ...
    @property
    def std(self) -> list[float]: ...


def _resizing_text(preset: _Resizing, what: str) -> str:
    """Say how ``what`` (images, frames) are resized, cropped when the preset crops, normalized."""
    crop_size = getattr(preset, "crop_size", None)  # segmentation keeps the whole image
    crop = "" if crop_size is None else f", followed by a central crop of ``crop_size={crop_size}``"
    return (
        f"The {what} are resized to ``resize_size={preset.resize_size}`` using "
        f"``interpolation={preset.interpolation}``{crop}. "
        + _RESCALE_NORMALIZE.format(mean=preset.mean, std=preset.std)
    )


def _to_float_image(img: Tensor) -> Tensor:
    """Turn a PIL image (or a tensor) into a float tensor with values in ``[0.0, 1.0]``."""
    if not isinstance(img, Tensor):
        img = F.pil_to_tensor(img)
    img = F.convert_image_dtype(img, torch.float)
    return img


class ObjectDetection(nn.Module):
    """Preprocessing of detection weights: convert to a float tensor in ``[0.0, 1.0]``.

    Resizing and normalisation are left to the detection model itself.
    """

    def forward(self, img: Tensor) -> Tensor:
        """Convert an image.

        Args:
            img: A PIL image, or a ``(C, H, W)`` or ``(B, C, H, W)`` tensor (uint8 or float).

        Returns:
            The float tensor, of the same shape.
        """
        return _to_float_image(img)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"

    def describe(self) -> str:
        """Describe the preprocessing in one paragraph of reStructuredText."""
        return f"{_IMAGES} The images are rescaled to ``[0.0, 1.0]``."


class ImageClassification(nn.Module):
    """Preprocessing of image classification weights: resize, center-crop, rescale, normalize.

    Args:
        crop_size: The side of the square central crop.
        resize_size: The length the image's *smaller* edge is resized to before cropping.
        mean: Per-channel means subtracted after rescaling to ``[0.0, 1.0]``.
        std: Per-channel standard deviations divided by after subtracting the mean.
        interpolation: The resize interpolation: an ``InterpolationMode``, or its name or value
            as a string (``"bicubic"``).
        antialias: Antialias tensor resizing (PIL resizing always antialiases).
    """

    def __init__(
        self,
        *,
        crop_size: int,
        resize_size: int = 256,
        mean: Sequence[float] = _IMAGENET_MEAN,
        std: Sequence[float] = _IMAGENET_STD,
        interpolation: InterpolationMode | str = InterpolationMode.BILINEAR,
        antialias: bool | None = True,
    ) -> None:
        super().__init__()
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean = _floats(mean)
        self.std = _floats(std)
        self.interpolation = _interpolation(interpolation)
        self.antialias = antialias

    def forward(self, img: Tensor) -> Tensor:
        """Preprocess an image.

        Args:
            img: A PIL image, or a ``(C, H, W)`` or ``(B, C, H, W)`` tensor (uint8 or float).

        Returns:
            A float tensor of shape ``(..., C, crop_size, crop_size)``.
        """
        img = F.resize(
            img, self.resize_size, interpolation=self.interpolation, antialias=self.antialias
        )
        img = F.center_crop(img, self.crop_size)
        img = _to_float_image(img)
        img = F.normalize(img, mean=self.mean, std=self.std)
        return img

    def __repr__(self) -> str:
        return _repr(self, "crop_size", "resize_size", "mean", "std", "interpolation")

    def describe(self) -> str:
        """Describe the preprocessing in one paragraph of reStructuredText."""
        return f"{_IMAGES} {_resizing_text(self, 'images')}"


class VideoClassification(nn.Module):
    """Preprocessing of video classification weights: per frame resize, center-crop, normalize.

    The frames are resized without antialiasing, as the weights were evaluated.

    Args:
        crop_size: The ``(height, width)`` of the central crop.
        resize_size: ``(size,)`` to resize each frame's smaller edge to ``size``, or
            ``(height, width)``.
        mean: Per-channel means subtracted after rescaling to ``[0.0, 1.0]``.
        std: Per-channel standard deviations divided by after subtracting the mean.
        interpolation: The resize interpolation: an ``InterpolationMode``, or its name or value
            as a string.
    """

    def __init__(
        self,
        *,
        crop_size: tuple[int, int],
        resize_size: tuple[int] | tuple[int, int],
        mean: Sequence[float] = _KINETICS_MEAN,
        std: Sequence[float] = _KINETICS_STD,
        interpolation: InterpolationMode | str = InterpolationMode.BILINEAR,
    ) -> None:
        super().__init__()
        self.crop_size = list(crop_size)
        self.resize_size = list(resize_size)
        self.mean = _floats(mean)
        self.std = _floats(std)
        self.interpolation = _interpolation(interpolation)

    def forward(self, vid: Tensor) -> Tensor:
        """Preprocess a video clip.

        Args:
            vid: A ``(T, C, H, W)`` or ``(B, T, C, H, W)`` tensor of frames (uint8 or float).

        Returns:
            A float tensor of shape ``(C, T, h, w)`` or ``(B, C, T, h, w)``.
        """
        single = vid.ndim < 5
        if single:
            vid = vid.unsqueeze(0)
        batch, frames, channels, height, width = vid.shape
        vid = vid.view(-1, channels, height, width)
        vid = F.resize(vid, self.resize_size, interpolation=self.interpolation, antialias=False)
        vid = F.center_crop(vid, self.crop_size)
        vid = F.convert_image_dtype(vid, torch.float)
        vid = F.normalize(vid, mean=self.mean, std=self.std)
        vid = vid.view(batch, frames, channels, self.crop_size[0], self.crop_size[1])
        vid = vid.permute(0, 2, 1, 3, 4)
        if single:
            vid = vid.squeeze(0)
        return vid

    def __repr__(self) -> str:
        return _repr(self, "crop_size", "resize_size", "mean", "std", "interpolation")

    def describe(self) -> str:
        """Describe the preprocessing in one paragraph of reStructuredText."""
        return (
            "Accepts batched ``(B, T, C, H, W)`` and single ``(T, C, H, W)`` video frame "
            "``torch.Tensor`` objects. "
            + _resizing_text(self, "frames")
            + " Finally the output dimensions are permuted to ``(..., C, T, H, W)`` tensors."
        )


class SemanticSegmentation(nn.Module):
    """Preprocessing of semantic segmentation weights: optional resize, rescale, normalize.

    Args:
        resize_size: The length the image's smaller edge is resized to; None keeps the size.
        mean: Per-channel means subtracted after rescaling to ``[0.0, 1.0]``.
        std: Per-channel standard deviations divided by after subtracting the mean.
        interpolation: The resize interpolation: an ``InterpolationMode``, or its name or value
            as a string.
        antialias: Antialias tensor resizing (PIL resizing always antialiases).
    """

    def __init__(
        self,
        *,
        resize_size: int | None,
        mean: Sequence[float] = _IMAGENET_MEAN,
        std: Sequence[float] = _IMAGENET_STD,
        interpolation: InterpolationMode | str = InterpolationMode.BILINEAR,
        antialias: bool | None = True,
    ) -> None:
        super().__init__()
        self.resize_size = None if resize_size is None else [resize_size]
        self.mean = _floats(mean)
        self.std = _floats(std)
        self.interpolation = _interpolation(interpolation)
        self.antialias = antialias

    def forward(self, img: Tensor) -> Tensor:
        """Preprocess an image.

        Args:
            img: A PIL image, or a ``(C, H, W)`` or ``(B, C, H, W)`` tensor (uint8 or float).

        Returns:
            A float tensor of shape ``(..., C, h, w)``.
        """
        size = self.resize_size
        if isinstance(size, list):
            img = F.resize(img, size, interpolation=self.interpolation, antialias=self.antialias)
        img = _to_float_image(img)
        img = F.normalize(img, mean=self.mean, std=self.std)
        return img

    def __repr__(self) -> str:
        return _repr(self, "resize_size", "mean", "std", "interpolation")

    def describe(self) -> str:
        """Describe the preprocessing in one paragraph of reStructuredText."""
        return f"{_IMAGES} {_resizing_text(self, 'images')}"


class OpticalFlow(nn.Module):
    """Preprocessing of optical flow weights: both images to float tensors in ``[-1.0, 1.0]``."""

    def forward(self, img1: Tensor, img2: Tensor) -> tuple[Tensor, Tensor]:
        """Preprocess a pair of images.

        Args:
            img1: The first image: a PIL image, or a ``(C, H, W)`` or ``(B, C, H, W)`` tensor.
            img2: The second image, likewise.

        Returns:
            The two contiguous float tensors.
        """
        return _to_unit_range(img1), _to_unit_range(img2)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"

    def describe(self) -> str:
        """Describe the preprocessing in one paragraph of reStructuredText."""
        return f"{_IMAGES} The images are rescaled to ``[-1.0, 1.0]``."


def _to_unit_range(img: Tensor) -> Tensor:
    """Turn an image into a contiguous float tensor with values in ``[-1.0, 1.0]``."""
    img = _to_float_image(img)
    img = F.normalize(img, mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5])
    return img.contiguous()
