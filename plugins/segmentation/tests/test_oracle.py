"""Every entry against torchvision 0.29.1 itself: names, members, URLs, meta and transforms."""

from __future__ import annotations

import warnings

import pytest
import torchvision.models.segmentation as tvs

import weighthub
import weighthub_segmentation
from weighthub import categories
from weighthub.testing import torchvision_oracle as oracle
from weighthub_segmentation._plugin import MODELS, TASK

ENUMS = [enum for _, enum in MODELS.values()]


def test_the_6_builders_and_6_weights() -> None:
    assert len(MODELS) == 6
    assert sum(len(getattr(weighthub_segmentation, enum)) for enum in ENUMS) == 6
    assert set(tvs.__dict__) >= set(MODELS)


@pytest.mark.parametrize("name", list(MODELS))
def test_registry_entry(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", weighthub.PluginWarning)  # other plugins' troubles
        assert weighthub.get_model_entry(name).task == TASK
        assert weighthub.get_model_builder(name) is getattr(weighthub_segmentation, name)
        _, enum = oracle.assert_builder_matches(name)
    assert enum is getattr(weighthub_segmentation, MODELS[name][1])
    assert enum.__name__ == tvs.__dict__[name].__annotations__["weights"].__args__[0].__name__


@pytest.mark.parametrize("enum_name", ENUMS)
def test_weights_match_torchvision(enum_name: str) -> None:
    ours, theirs = getattr(weighthub_segmentation, enum_name), getattr(tvs, enum_name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", weighthub.PluginWarning)  # other plugins' troubles
        oracle.assert_enum_matches(ours, theirs)
    assert list(ours.__members__) == ["COCO_WITH_VOC_LABELS_V1", "DEFAULT"]
    for mine, tv in zip(ours, theirs, strict=True):
        oracle.assert_member_matches(mine, tv)
        assert mine.sha256 is None
        assert mine.meta["categories"] is categories.VOC


@pytest.mark.parametrize("enum_name", ENUMS)
def test_transforms_match_torchvision(enum_name: str) -> None:
    ours, theirs = getattr(weighthub_segmentation, enum_name), getattr(tvs, enum_name)
    for mine, tv in zip(ours, theirs, strict=True):
        oracle.assert_transforms_match(mine, tv)
        assert mine.transforms.name == "SemanticSegmentation"
        assert dict(mine.transforms.keywords) == tv.transforms.keywords == {"resize_size": 520}
        oracle.assert_transforms_match(mine, tv, resize_size=300)
