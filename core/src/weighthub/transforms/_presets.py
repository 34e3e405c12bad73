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

from . import _crop
from ._interpolation import canonical_interpolation

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
_DIVIDE_NORMALIZE = (
    "Finally the values are first divided by ``max_value={max_value}`` and then normalized using "
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


def _bands(
    mean: Sequence[float], std: Sequence[float], preset: str
) -> tuple[list[float], list[float]]:
    """Check per-band ``mean`` and ``std`` (any number of bands, one value for all) and return
    them as float lists.

    Raises:
        ValueError: They are empty or differ in length (neither being one value for all bands).
    """
    means, stds = _floats(mean), _floats(std)
    if not means or not stds or (len(means) != len(stds) and 1 not in (len(means), len(stds))):
        msg = (
            f"{preset}: mean has {len(means)} values and std {len(stds)}; give one value per "
            f"band (the same number for both), or one value for every band."
        )
        raise ValueError(msg)
    return means, stds


def _max_value(value: float | None, preset: str) -> float:
    """``max_value`` as the float the modules keep: 0.0 stands for "rescale by the dtype"."""
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        msg = f"{preset}: max_value must be positive (10000 for reflectance), not {value!r}."
        raise ValueError(msg)
    return float(value)


def _as_float(img: Tensor, max_value: float) -> Tensor:
    """With ``max_value`` (> 0), the image as a float tensor of its own values, so that resizing
    integer reflectance does not round it; otherwise the image unchanged."""
    if max_value > 0:
        if not isinstance(img, Tensor):
            img = F.pil_to_tensor(img)
        return img.to(torch.float)
    return img


def _rescale(img: Tensor, max_value: float) -> Tensor:
    """Turn an image into a float tensor in ``[0.0, 1.0]``: by its dtype, or by ``max_value``.

    With ``max_value`` (> 0) every input, float tensors included, is divided by it: ``x / 10000``
    for Sentinel-2 reflectance stored as uint16 or as raw floats, where the dtype rule would divide
    a uint16 by 65,535 and leave floats alone.
    """
    if max_value > 0:
        return _as_float(img, max_value) / max_value
    return _to_float_image(img)


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


def _resizing_text(preset: _Resizing, what: str, how: str = "to", padding: str = "") -> str:
    """Say how ``what`` (images, frames) are resized, cropped when the preset crops, normalized.

    ``how`` words the resize (``"to"``, ``"on both edges to"`` ...); ``padding`` is a sentence
    on what happens to edges shorter than the crop, when anything does.
    """
    crop_size = getattr(preset, "crop_size", None)  # segmentation keeps the whole image
    crop = "" if crop_size is None else f", followed by a central crop of ``crop_size={crop_size}``"
    max_value = getattr(preset, "max_value", 0.0)
    rescale = (_DIVIDE_NORMALIZE if max_value > 0 else _RESCALE_NORMALIZE).format(
        mean=preset.mean, std=preset.std, max_value=max_value
    )
    return (
        f"The {what} are resized {how} ``resize_size={preset.resize_size}`` using "
        f"``interpolation={preset.interpolation}``{crop}. {padding}" + rescale
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
    """Preprocessing of image classification weights: resize, crop, rescale, normalize.

    With the defaults it is torchvision's preset; ``crop_pct`` and ``crop_mode`` give timm's
    evaluation transforms (``timm.data.create_transform`` at eval) bit for bit.

    Multispectral weights give one ``mean`` and ``std`` per band (any number of bands; one value
    stands for every band) and, for reflectance, ``max_value=10000``; ``crop_mode="squash"``
    resizes both edges (torchgeo's ``Resize((256, 256))``), an int ``resize_size`` in the default
    mode the shorter edge (torchvision's ``Resize(256)``).

    Args:
        crop_size: The output size: an int for a square, or ``(height, width)``.
        resize_size: The size the image is resized to before cropping, an int or
            ``(height, width)``; ``crop_mode`` says how. When None: ``floor(crop / crop_pct)``
            per edge if ``crop_pct`` is given (timm's rule), else 256 (torchvision's default).
        mean: Per-band means subtracted after rescaling to ``[0.0, 1.0]``.
        std: Per-band standard deviations divided by after subtracting the mean.
        interpolation: The resize interpolation: an ``InterpolationMode``, or its name or value
            as a string (``"bicubic"``).
        antialias: Antialias tensor resizing (PIL resizing always antialiases).
        crop_pct: The crop's share of the resized image (timm's ``crop_pct``); used when
            ``resize_size`` is None, so that overriding ``crop_size`` keeps the proportion.
        crop_mode: ``"center"`` (resize keeping the aspect ratio to cover ``resize_size``: an int
            resizes the shorter edge; crop the centre), ``"squash"`` (resize both edges to
            ``resize_size``; crop the centre) or ``"border"`` (resize keeping the aspect ratio to
            fit within ``resize_size``, pad with the mean colour, crop the centre).
        max_value: Divide the input by this instead of rescaling by its dtype (which divides
            uint8 by 255, uint16 by 65,535 and leaves floats alone): ``10000`` for Sentinel-2
            reflectance, whatever its dtype.

    Raises:
        ValueError: An unknown ``crop_mode`` or interpolation, a size that is not a positive
            int or pair, ``mean`` and ``std`` of different lengths, or a ``max_value`` that is not
            positive.
    """

    def __init__(
        self,
        *,
        crop_size: int | Sequence[int],
        resize_size: int | Sequence[int] | None = None,
        mean: Sequence[float] = _IMAGENET_MEAN,
        std: Sequence[float] = _IMAGENET_STD,
        interpolation: InterpolationMode | str = InterpolationMode.BILINEAR,
        antialias: bool | None = True,
        crop_pct: float | None = None,
        crop_mode: str = "center",
        max_value: float | None = None,
    ) -> None:
        super().__init__()
        self.crop_size, self.resize_size = _crop.sizes(crop_size, resize_size, crop_pct)
        self.mean, self.std = _bands(mean, std, "ImageClassification")
        self.interpolation = _interpolation(interpolation)
        self.antialias = antialias
        self.crop_mode = _crop.check_crop_mode(crop_mode)
        self.fill = _crop.fill_values(mean)
        self.max_value = _max_value(max_value, "ImageClassification")

    def forward(self, img: Tensor) -> Tensor:
        """Preprocess an image.

        Args:
            img: A PIL image, or a ``(C, H, W)`` or ``(B, C, H, W)`` tensor (uint8 or float).

        Returns:
            A float tensor of shape ``(..., C, *crop_size)``.
        """
        img = _as_float(img, self.max_value)
        size = self.resize_size
        if self.crop_mode == "squash":
            size = [size[0], size[-1]]
        elif self.crop_mode == "border":
            size = _crop.keep_ratio_size(img, size, 1.0)
        elif len(size) == 2:
            size = _crop.keep_ratio_size(img, size, 0.0)
        img = F.resize(img, size, interpolation=self.interpolation, antialias=self.antialias)
        if self.crop_mode == "border":
            img = _crop.pad_to(img, self.crop_size, self.fill)
        img = F.center_crop(img, self.crop_size)
        img = _rescale(img, self.max_value)
        img = F.normalize(img, mean=self.mean, std=self.std)
        return img

    def __repr__(self) -> str:
        names = ["crop_size", "resize_size", "mean", "std", "interpolation"]
        names += ["crop_mode"] if self.crop_mode != "center" else []
        return _repr(self, *names, *(["max_value"] if self.max_value > 0 else []))

    def describe(self) -> str:
        """Describe the preprocessing in one paragraph of reStructuredText."""
        how, padding = "to", ""
        if self.crop_mode == "squash":
            how = "on both edges, not keeping their aspect ratio, to"
        elif self.crop_mode == "border":
            how = "keeping their aspect ratio to fit within"
            padding = f"Edges shorter than the crop are padded with ``fill={self.fill}``. "
        elif len(self.resize_size) == 2:
            how = "keeping their aspect ratio to cover"
        return f"{_IMAGES} {_resizing_text(self, 'images', how, padding)}"


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

    ``mean``, ``std`` and ``max_value`` work as for :class:`ImageClassification` (any number of
    bands).

    Args:
        resize_size: The length the image's smaller edge is resized to; None keeps the size.
        mean: Per-channel means subtracted after rescaling to ``[0.0, 1.0]``.
        std: Per-channel standard deviations divided by after subtracting the mean.
        interpolation: The resize interpolation: an ``InterpolationMode``, or its name or value
            as a string.
        antialias: Antialias tensor resizing (PIL resizing always antialiases).
        max_value: Divide the input by this instead of rescaling by its dtype.
    """

    def __init__(
        self,
        *,
        resize_size: int | None,
        mean: Sequence[float] = _IMAGENET_MEAN,
        std: Sequence[float] = _IMAGENET_STD,
        interpolation: InterpolationMode | str = InterpolationMode.BILINEAR,
        antialias: bool | None = True,
        max_value: float | None = None,
    ) -> None:
        super().__init__()
        self.resize_size = None if resize_size is None else [resize_size]
        self.mean, self.std = _bands(mean, std, "SemanticSegmentation")
        self.interpolation = _interpolation(interpolation)
        self.antialias = antialias
        self.max_value = _max_value(max_value, "SemanticSegmentation")

    def forward(self, img: Tensor) -> Tensor:
        """Preprocess an image.

        Args:
            img: A PIL image, or a ``(C, H, W)`` or ``(B, C, H, W)`` tensor (uint8 or float).

        Returns:
            A float tensor of shape ``(..., C, h, w)``.
        """
        img = _as_float(img, self.max_value)
        size = self.resize_size
        if isinstance(size, list):
            img = F.resize(img, size, interpolation=self.interpolation, antialias=self.antialias)
        img = _rescale(img, self.max_value)
        img = F.normalize(img, mean=self.mean, std=self.std)
        return img

    def __repr__(self) -> str:
        names = ["resize_size", "mean", "std", "interpolation"]
        return _repr(self, *names, *(["max_value"] if self.max_value > 0 else []))

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
