"""The presets give torchvision's outputs, texts and TorchScript behaviour."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
import torchvision.transforms._presets as tv_presets
from torchvision.transforms import InterpolationMode

import weighthub.transforms as wt

pytestmark = [
    pytest.mark.filterwarnings(r"ignore:`torch\.jit\..*` is deprecated:FutureWarning"),
    # antialias=False with a PIL image: torchvision warns that PIL always antialiases.
    pytest.mark.filterwarnings("ignore:Anti-alias option is always applied:UserWarning"),
]

VGG_MEAN = (0.48235, 0.45882, 0.40784)
VGG_STD = (1.0 / 255.0, 1.0 / 255.0, 1.0 / 255.0)

# (preset name, settings): the configurations torchvision's weights use.
IMAGE_CONFIGS: list[tuple[str, dict[str, Any]]] = [
    ("ImageClassification", {"crop_size": 224}),
    ("ImageClassification", {"crop_size": 224, "resize_size": 232}),
    (
        "ImageClassification",
        {"crop_size": 384, "resize_size": 384, "interpolation": InterpolationMode.BICUBIC},
    ),
    ("ImageClassification", {"crop_size": 299, "resize_size": 342}),
    ("ImageClassification", {"crop_size": 224, "mean": VGG_MEAN, "std": VGG_STD}),
    ("ImageClassification", {"crop_size": 224, "antialias": False}),
    ("SemanticSegmentation", {"resize_size": 520}),
    ("SemanticSegmentation", {"resize_size": None}),
    ("ObjectDetection", {}),
]
VIDEO_CONFIGS: list[dict[str, Any]] = [
    {"crop_size": (112, 112), "resize_size": (128, 171)},
    {
        "crop_size": (224, 224),
        "resize_size": (256,),
        "mean": (0.45, 0.45, 0.45),
        "std": (0.225, 0.225, 0.225),
    },
    {
        "crop_size": (224, 224),
        "resize_size": (256,),
        "mean": (0.485, 0.456, 0.406),
        "std": (0.229, 0.224, 0.225),
    },
    {"crop_size": (224, 224), "resize_size": (256, 256)},
]
IMAGE_KINDS = ["pil", "uint8", "float", "batched_uint8", "batched_float"]
TENSOR_KINDS = ["uint8", "float", "batched_uint8", "batched_float"]


def _ids(configs: list[Any]) -> list[str]:
    return [repr(c) for c in configs]


def _pair(name: str, settings: dict[str, Any]) -> tuple[torch.nn.Module, torch.nn.Module]:
    return getattr(wt, name)(**settings), getattr(tv_presets, name)(**settings)


@pytest.mark.parametrize("kind", IMAGE_KINDS)
@pytest.mark.parametrize(("name", "settings"), IMAGE_CONFIGS, ids=_ids(IMAGE_CONFIGS))
def test_image_presets_match_torchvision(name, settings, kind, image_inputs):
    ours, theirs = _pair(name, settings)
    img = image_inputs[kind]
    expected = theirs(img)
    actual = ours(img)
    assert actual.dtype == expected.dtype == torch.float32
    assert actual.shape == expected.shape
    assert torch.equal(actual, expected)


def test_image_classification_output_shape(image_inputs):
    out = wt.ImageClassification(crop_size=224)(image_inputs["batched_uint8"])
    assert out.shape == (2, 3, 224, 224)


@pytest.mark.parametrize("kind", TENSOR_KINDS)
@pytest.mark.parametrize("settings", VIDEO_CONFIGS, ids=_ids(VIDEO_CONFIGS))
def test_video_preset_matches_torchvision(settings, kind, video_inputs):
    ours, theirs = _pair("VideoClassification", settings)
    vid = video_inputs[kind]
    expected = theirs(vid)
    actual = ours(vid)
    assert actual.shape == expected.shape
    assert torch.equal(actual, expected)
    # (..., T, C, H, W) in, (..., C, T, h, w) out.
    assert actual.shape[-4:] == (3, 6, *settings["crop_size"])


@pytest.mark.parametrize("kind", IMAGE_KINDS)
def test_optical_flow_matches_torchvision(kind, image_inputs):
    img1 = image_inputs[kind]
    img2 = image_inputs["pil"] if kind == "pil" else image_inputs[kind].flip(-2)
    actual = wt.OpticalFlow()(img1, img2)
    expected = tv_presets.OpticalFlow()(img1, img2)
    assert isinstance(actual, tuple)
    assert len(actual) == 2
    for a, e in zip(actual, expected, strict=True):
        assert a.is_contiguous()
        assert torch.equal(a, e)
        assert a.min() >= -1.0
        assert a.max() <= 1.0


ALL_CONFIGS: list[tuple[str, dict[str, Any]]] = [
    *IMAGE_CONFIGS,
    *[("VideoClassification", s) for s in VIDEO_CONFIGS],
    ("OpticalFlow", {}),
]


@pytest.mark.parametrize(("name", "settings"), ALL_CONFIGS, ids=_ids(ALL_CONFIGS))
def test_describe_and_repr_match_torchvision(name, settings):
    ours, theirs = _pair(name, settings)
    assert repr(ours) == repr(theirs)
    assert ours.describe() == theirs.describe()  # type: ignore[operator]


def test_repr_layout():
    assert repr(wt.ImageClassification(crop_size=224, resize_size=232)) == (
        "ImageClassification(\n"
        "    crop_size=[224]\n"
        "    resize_size=[232]\n"
        "    mean=[0.485, 0.456, 0.406]\n"
        "    std=[0.229, 0.224, 0.225]\n"
        "    interpolation=InterpolationMode.BILINEAR\n"
        ")"
    )
    assert repr(wt.ObjectDetection()) == "ObjectDetection()"
    assert repr(wt.OpticalFlow()) == "OpticalFlow()"


def test_interpolation_accepts_strings():
    preset = wt.ImageClassification(crop_size=224, interpolation="bicubic")
    assert preset.interpolation is InterpolationMode.BICUBIC
    assert wt.SemanticSegmentation(resize_size=520, interpolation="NEAREST").interpolation is (
        InterpolationMode.NEAREST
    )
    with pytest.raises(ValueError, match="bicubic"):
        wt.ImageClassification(crop_size=224, interpolation="bicubik")


def test_constructors_are_keyword_only():
    with pytest.raises(TypeError):
        wt.ImageClassification(224)  # type: ignore[misc]
    with pytest.raises(TypeError):
        wt.SemanticSegmentation(520)  # type: ignore[misc]
    with pytest.raises(TypeError):
        wt.VideoClassification((112, 112), (128, 171))  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# TorchScript

SCRIPT_CASES: list[tuple[str, dict[str, Any], str]] = [
    *[(n, s, k) for n, s in IMAGE_CONFIGS for k in ("uint8", "batched_float")],
    *[("VideoClassification", s, k) for s in VIDEO_CONFIGS[:2] for k in ("uint8", "batched_float")],
]


@pytest.mark.parametrize(
    ("name", "settings", "kind"), SCRIPT_CASES, ids=[repr(c) for c in SCRIPT_CASES]
)
def test_scripted_matches_eager(name, settings, kind, image_inputs, video_inputs, tmp_path):
    eager = getattr(wt, name)(**settings)
    inputs = video_inputs if name == "VideoClassification" else image_inputs
    x = inputs[kind]
    expected = eager(x)
    scripted = torch.jit.script(eager)
    assert torch.equal(scripted(x), expected)

    path = tmp_path / "preset.pt"
    torch.jit.save(scripted, str(path))
    loaded = torch.jit.load(str(path))
    assert torch.equal(loaded(x), expected)


def test_scripted_optical_flow(image_inputs, tmp_path: Path):
    x1, x2 = image_inputs["uint8"], image_inputs["uint8"].flip(-1)
    expected = wt.OpticalFlow()(x1, x2)
    scripted = torch.jit.script(wt.OpticalFlow())
    path = tmp_path / "flow.pt"
    torch.jit.save(scripted, str(path))
    for module in (scripted, torch.jit.load(str(path))):
        for a, e in zip(module(x1, x2), expected, strict=True):
            assert torch.equal(a, e)
