"""The image classification preset's timm options: ``crop_pct`` and the crop modes.

timm's own evaluation transforms are the reference (``timm.data.create_transform`` at eval). They
take PIL images and float tensors; where timm has no tensor path (uint8 tensors, the ``border``
mode's per-channel fill) the reference is built from timm's own pieces. Every timm tag's data
configuration is checked in the timm plugin's suite; these are the hand-picked corner cases.
"""

from __future__ import annotations

from typing import Any

import pytest
import timm.data
import torch
import torchvision.transforms.functional as F

import weighthub.transforms as wt
from weighthub.transforms import preset

pytestmark = pytest.mark.filterwarnings(r"ignore:`torch\.jit\..*` is deprecated:FutureWarning")

IMAGENET = {"mean": (0.485, 0.456, 0.406), "std": (0.229, 0.224, 0.225)}
HALF = {"mean": (0.5, 0.5, 0.5), "std": (0.5, 0.5, 0.5)}

# timm data configurations: (input_size, crop_pct, crop_mode, interpolation, mean/std).
CONFIGS: list[dict[str, Any]] = [
    {"input_size": (3, 224, 224), "crop_pct": 0.95, "crop_mode": "center", **IMAGENET},
    {"input_size": (3, 288, 288), "crop_pct": 1.0, "crop_mode": "center", **IMAGENET},
    {"input_size": (3, 256, 320), "crop_pct": 0.9, "crop_mode": "center", **HALF},
    {"input_size": (3, 320, 256), "crop_pct": 1.0, "crop_mode": "center", **IMAGENET},
    {"input_size": (3, 384, 384), "crop_pct": 1.0, "crop_mode": "squash", **IMAGENET},
    {"input_size": (3, 240, 320), "crop_pct": 0.875, "crop_mode": "squash", **HALF},
    {"input_size": (3, 448, 448), "crop_pct": 1.0, "crop_mode": "border", **HALF},
    {"input_size": (3, 224, 224), "crop_pct": 0.9, "crop_mode": "border", **IMAGENET},
    {"input_size": (3, 300, 200), "crop_pct": 1.0, "crop_mode": "border", **IMAGENET},
]
INTERPOLATIONS = ["bicubic", "bilinear"]


def _ours(config: dict[str, Any], interpolation: str) -> wt.ImageClassification:
    height, width = config["input_size"][1:]
    return wt.ImageClassification(
        crop_size=height if height == width else (height, width),
        crop_pct=config["crop_pct"],
        crop_mode=config["crop_mode"],
        interpolation=interpolation,
        mean=config["mean"],
        std=config["std"],
    )


def _timm(config: dict[str, Any], interpolation: str) -> Any:
    return timm.data.create_transform(**config, interpolation=interpolation)


def _ids(configs: list[dict[str, Any]]) -> list[str]:
    return [
        f"{c['crop_mode']}-{c['input_size'][1]}x{c['input_size'][2]}-{c['crop_pct']}"
        for c in configs
    ]


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@pytest.mark.parametrize("config", CONFIGS, ids=_ids(CONFIGS))
def test_pil_images_as_timm(config, interpolation, photo):
    expected = _timm(config, interpolation)(photo)
    actual = _ours(config, interpolation)(photo)
    assert actual.shape == (3, *config["input_size"][1:])
    assert torch.equal(actual, expected)


TENSOR_CONFIGS = [c for c in CONFIGS if c["crop_mode"] != "border"]


@pytest.mark.parametrize("kind", ["float", "batched_float"])
@pytest.mark.parametrize("config", TENSOR_CONFIGS, ids=_ids(TENSOR_CONFIGS))
def test_float_tensors_as_timm(config, kind, image_inputs):
    img = image_inputs[kind]
    assert torch.equal(_ours(config, "bicubic")(img), _timm(config, "bicubic")(img))


def _timm_geometry_then_rescale(config: dict[str, Any], img: torch.Tensor) -> torch.Tensor:
    """timm's transforms on a uint8 tensor, with the rescaling to [0, 1] that timm lacks there."""
    steps = _timm(config, "bicubic").transforms
    geometry, normalize = steps[:-2], steps[-1]
    assert type(steps[-2]).__name__ == "MaybeToTensor"  # passes tensors through unconverted
    for step in geometry:
        img = step(img)
    return normalize(F.convert_image_dtype(img, torch.float))


@pytest.mark.parametrize("kind", ["uint8", "batched_uint8"])
@pytest.mark.parametrize("config", TENSOR_CONFIGS, ids=_ids(TENSOR_CONFIGS))
def test_uint8_tensors_as_timm_geometry(config, kind, image_inputs):
    img = image_inputs[kind]
    with pytest.raises(TypeError, match="float tensor"):
        _timm(config, "bicubic")(img)  # timm itself refuses uint8 tensors
    expected = _timm_geometry_then_rescale(config, img)
    assert torch.equal(_ours(config, "bicubic")(img), expected)


BORDER_CONFIGS = [c for c in CONFIGS if c["crop_mode"] == "border"]


def _timm_border(config: dict[str, Any], img: torch.Tensor) -> torch.Tensor:
    """timm's border steps on a tensor, padding one channel at a time with its scalar fill.

    timm's own ``CenterCropOrPad`` passes the per-channel fill that tensors cannot take.
    """
    resize, crop_or_pad, _, normalize = _timm(config, "bicubic").transforms
    img = resize(img)
    scale = 255 if img.is_floating_point() else 1
    channels = [
        timm.data.center_crop_or_pad(img[..., c : c + 1, :, :], crop_or_pad.size, fill / scale)
        for c, fill in enumerate(crop_or_pad.fill)
    ]
    return normalize(F.convert_image_dtype(torch.cat(channels, dim=-3), torch.float))


@pytest.mark.parametrize("kind", ["uint8", "float", "batched_uint8", "batched_float"])
@pytest.mark.parametrize("config", BORDER_CONFIGS, ids=_ids(BORDER_CONFIGS))
def test_border_tensors_pad_with_the_mean_colour(config, kind, image_inputs):
    img = image_inputs[kind]
    with pytest.raises(TypeError, match="fill"):
        _timm(config, "bicubic")(img)  # timm's border mode has no tensor path
    assert torch.equal(_ours(config, "bicubic")(img), _timm_border(config, img))


def test_the_border_of_a_uint8_tensor_is_the_pil_colour(photo, photo_uint8):
    # A portrait photo fitted into a square: columns on both sides are padding.
    ours = wt.ImageClassification(crop_size=448, crop_pct=1.0, crop_mode="border", **HALF)
    colour = (torch.tensor(128, dtype=torch.uint8).float() / 255 - 0.5) / 0.5  # as normalize does
    for out in (ours(photo), ours(photo_uint8), ours(photo_uint8.float() / 255)):
        assert torch.equal(out[:, :, 0], colour.expand(3, 448))


@pytest.mark.parametrize("kind", ["uint8", "batched_float"])
@pytest.mark.parametrize("config", CONFIGS, ids=_ids(CONFIGS))
def test_scripted_matches_eager(config, kind, image_inputs, tmp_path):
    eager = _ours(config, "bicubic")
    img = image_inputs[kind]
    scripted = torch.jit.script(eager)
    path = tmp_path / "preset.pt"
    torch.jit.save(scripted, str(path))
    for module in (scripted, torch.jit.load(str(path))):
        assert torch.equal(module(img), eager(img))


def test_crop_pct_sets_the_resize_size_and_follows_crop_size_overrides():
    factory = preset("ImageClassification", crop_size=224, crop_pct=0.95)
    assert factory().resize_size == [235]  # floor(224 / 0.95), timm's rule
    assert factory(crop_size=288).resize_size == [303]  # the proportion is kept
    assert factory(crop_size=(256, 320)).resize_size == [269, 336]
    assert factory(resize_size=256).resize_size == [256]  # an explicit size wins
    # Without crop_pct, torchvision's default.
    assert wt.ImageClassification(crop_size=224).resize_size == [256]
    # Two equal edges are one: the shorter edge is resized, as timm and torchvision do.
    assert wt.ImageClassification(crop_size=(224, 224), crop_pct=0.875).resize_size == [256]


def test_repr_and_describe_name_the_crop_mode():
    squash = wt.ImageClassification(crop_size=384, crop_pct=1.0, crop_mode="squash")
    assert repr(squash).endswith("    crop_mode=squash\n)")
    assert "on both edges, not keeping their aspect ratio" in squash.describe()
    border = wt.ImageClassification(crop_size=224, crop_mode="border", **HALF)
    assert "padded with ``fill=[128, 128, 128]``" in border.describe()
    center = wt.ImageClassification(crop_size=(256, 320), crop_pct=0.9)
    assert "keeping their aspect ratio to cover ``resize_size=[284, 355]``" in center.describe()
    assert "crop_mode" not in repr(center)


def test_bad_settings_say_what_is_expected():
    with pytest.raises(ValueError, match=r"Unknown crop_mode 'sqash'.*Did you mean 'squash'\?"):
        wt.ImageClassification(crop_size=224, crop_mode="sqash")
    with pytest.raises(ValueError, match=r"crop_size must be a positive int or \(height, width\)"):
        wt.ImageClassification(crop_size=(1, 2, 3))
    with pytest.raises(ValueError, match="resize_size must be a positive int"):
        wt.ImageClassification(crop_size=224, resize_size=0)
    with pytest.raises(ValueError, match="crop_pct must be a positive number, got 0"):
        wt.ImageClassification(crop_size=224, crop_pct=0)
