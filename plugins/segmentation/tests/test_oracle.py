"""Every entry against torchvision 0.29.1 itself: names, members, URLs, meta and transforms."""

from __future__ import annotations

import warnings

import pytest
import torchvision.models.segmentation as tvs

import weighthub
import weighthub_segmentation
from weighthub import categories
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
        enum = weighthub.get_model_weights(name)
    assert enum is getattr(weighthub_segmentation, MODELS[name][1])
    assert weighthub.get_model_weights(getattr(weighthub_segmentation, name)) is enum
    assert enum.__name__ == tvs.__dict__[name].__annotations__["weights"].__args__[0].__name__


@pytest.mark.parametrize("enum_name", ENUMS)
def test_weights_match_torchvision(enum_name: str) -> None:
    ours, theirs = getattr(weighthub_segmentation, enum_name), getattr(tvs, enum_name)
    assert (
        list(ours.__members__) == list(theirs.__members__) == ["COCO_WITH_VOC_LABELS_V1", "DEFAULT"]
    )
    assert ours.DEFAULT.name == theirs.DEFAULT.name
    for mine, tv in zip(ours, theirs, strict=True):
        assert mine.url == tv.url
        assert mine.sha256 is None
        assert mine.meta.keys() == tv.meta.keys()
        for key, value in tv.meta.items():
            assert mine.meta[key] == value, (mine, key)
            assert type(mine.meta[key]) is type(value), (mine, key)
        assert mine.meta["categories"] is categories.VOC


@pytest.mark.parametrize("enum_name", ENUMS)
def test_transforms_match_torchvision(enum_name: str) -> None:
    ours, theirs = getattr(weighthub_segmentation, enum_name), getattr(tvs, enum_name)
    for mine, tv in zip(ours, theirs, strict=True):
        assert mine.transforms.name == tv.transforms.func.__name__ == "SemanticSegmentation"
        assert dict(mine.transforms.keywords) == tv.transforms.keywords == {"resize_size": 520}
        built, reference = mine.transforms(), tv.transforms()
        assert repr(built) == repr(reference)
        assert built.describe() == reference.describe()
        assert repr(mine.transforms(resize_size=300)) == repr(tv.transforms(resize_size=300))
