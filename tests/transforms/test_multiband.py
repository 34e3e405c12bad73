"""Multispectral presets: per-band statistics of any length, reflectance scaling, square resizes."""

from __future__ import annotations

import pytest
import torch
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode

import weighthub.transforms as wt
from weighthub.transforms import preset

pytestmark = pytest.mark.filterwarnings(r"ignore:`torch\.jit\..*` is deprecated:FutureWarning")

MEAN = [1612.9, 1397.6, 1322.3, 1373.1, 1561.0, 2108.4, 2390.7, 2318.7, 2581.0, 837.7, 22.0]
STD = [791.0, 854.3, 878.7, 1144.9, 1127.5, 1164.2, 1276.0, 1249.5, 1345.9, 577.5, 47.5]


def _reference(image: torch.Tensor, size: list[int], mean: list[float], std: list[float]):
    """torchgeo's order: a float image, resized, centre-cropped to 224, then normalised."""
    image = F.resize(image.float(), size, InterpolationMode.BILINEAR, antialias=True)
    image = F.center_crop(image, [224])
    mean_t, std_t = torch.tensor(mean)[:, None, None], torch.tensor(std)[:, None, None]
    return (image - mean_t) / std_t


def test_reflectance_is_divided_by_max_value_whatever_its_dtype():
    transform = wt.ImageClassification(
        crop_size=224, resize_size=256, crop_mode="squash", mean=[0.0] * 13, std=[1.0] * 13,
        max_value=10_000,
    )  # fmt: skip
    torch.manual_seed(0)
    raw = torch.randint(0, 10_000, (2, 13, 300, 400), dtype=torch.int32)
    expected = _reference(raw, [256, 256], [0.0] * 13, [10_000.0] * 13)
    for image in (raw, raw.to(torch.uint16), raw.float()):
        out = transform(image)
        assert out.shape == (2, 13, 224, 224)
        torch.testing.assert_close(out, expected)
    # Without max_value a uint16 is divided by 65,535: the rule the reflectance scale replaces.
    by_dtype = wt.ImageClassification(
        crop_size=224, resize_size=256, crop_mode="squash", mean=[0.0] * 13, std=[1.0] * 13
    )
    assert by_dtype(torch.full((13, 8, 8), 6553, dtype=torch.uint16)).max() < 0.11


def test_per_band_statistics_of_any_length_and_the_short_side_resize():
    transform = wt.ImageClassification(crop_size=224, resize_size=256, mean=MEAN, std=STD)
    image = torch.rand(11, 300, 400) * 5000
    torch.testing.assert_close(transform(image), _reference(image, [256], MEAN, STD))
    assert transform(image).shape == (11, 224, 224)


def test_multiband_presets_script_and_say_what_they_do():
    factory = preset(
        "ImageClassification",
        crop_size=224,
        resize_size=256,
        crop_mode="squash",
        mean=MEAN,
        std=STD,
        max_value=10_000,
    )
    transform = factory()
    scripted = torch.jit.script(transform)
    image = torch.randint(0, 10_000, (1, 11, 300, 400), dtype=torch.int32)
    torch.testing.assert_close(scripted(image), transform(image))
    assert "max_value=10000.0" in repr(transform)
    assert "divided by ``max_value=10000.0``" in transform.describe()
    assert "max_value" not in repr(wt.ImageClassification(crop_size=224))
    assert factory(max_value=255).max_value == 255.0


def test_segmentation_takes_max_value_too():
    transform = wt.SemanticSegmentation(
        resize_size=None, mean=[0.5] * 4, std=[0.5] * 4, max_value=255
    )
    image = torch.full((4, 6, 6), 255, dtype=torch.int32)
    torch.testing.assert_close(transform(image), torch.ones(4, 6, 6))


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"mean": [0.5] * 13, "std": [0.2] * 3}, "mean has 13 values and std 3"),
        ({"mean": [], "std": []}, "mean has 0 values"),
        ({"max_value": 0}, "max_value must be positive"),
        ({"max_value": "10000"}, "max_value must be positive"),
    ],
)
def test_bad_band_settings_are_refused(settings, match):
    with pytest.raises(ValueError, match=match):
        wt.ImageClassification(crop_size=224, **settings)


def test_one_value_stands_for_every_band():
    transform = wt.ImageClassification(crop_size=4, resize_size=4, mean=[0.5], std=[0.5])
    assert transform(torch.ones(7, 4, 4)).shape == (7, 4, 4)
