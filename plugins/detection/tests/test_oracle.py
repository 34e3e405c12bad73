"""Every entry against torchvision 0.29.1 itself: names, members, URLs, meta and transforms."""

from __future__ import annotations

import warnings

import pytest
import torchvision.models.detection as tvd

import weighthub
import weighthub_detection
from weighthub import categories
from weighthub_detection._plugin import MODELS, TASK

ENUMS = [enum for _, enum in MODELS.values()]


def test_the_12_builders_and_13_weights() -> None:
    assert len(MODELS) == 12
    assert sum(len(getattr(weighthub_detection, enum)) for enum in ENUMS) == 13
    registered = set(tvd.__dict__) & set(MODELS)
    assert registered == set(MODELS)


@pytest.mark.parametrize("name", list(MODELS))
def test_registry_entry(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", weighthub.PluginWarning)  # other plugins' troubles
        entry = weighthub.get_model_entry(name)
        assert entry.task == TASK
        assert weighthub.get_model_builder(name) is getattr(weighthub_detection, name)
        enum = weighthub.get_model_weights(name)
    assert enum is getattr(weighthub_detection, MODELS[name][1])
    assert weighthub.get_model_weights(getattr(weighthub_detection, name)) is enum
    assert enum.__name__ == tvd.__dict__[name].__annotations__["weights"].__args__[0].__name__


@pytest.mark.parametrize("enum_name", ENUMS)
def test_weights_match_torchvision(enum_name: str) -> None:
    ours = getattr(weighthub_detection, enum_name)
    theirs = getattr(tvd, enum_name)
    assert [m.name for m in ours] == [m.name for m in theirs]
    assert list(ours.__members__) == list(theirs.__members__)
    assert ours.DEFAULT.name == theirs.DEFAULT.name
    for mine, tv in zip(ours, theirs, strict=True):
        assert mine.url == tv.url
        assert mine.sha256 is None
        assert mine.meta.keys() == tv.meta.keys()
        for key, value in tv.meta.items():
            assert mine.meta[key] == value, (mine, key)
            assert type(mine.meta[key]) is type(value), (mine, key)
        assert mine.meta["categories"] in (categories.COCO, categories.COCO_PERSON)
        if "keypoint_names" in mine.meta:
            assert mine.meta["keypoint_names"] is categories.COCO_PERSON_KEYPOINT_NAMES
        else:
            assert mine.meta["categories"] is categories.COCO
            assert mine.meta["categories"].count("N/A") == 10


@pytest.mark.parametrize("enum_name", ENUMS)
def test_transforms_match_torchvision(enum_name: str) -> None:
    for mine, tv in zip(
        getattr(weighthub_detection, enum_name), getattr(tvd, enum_name), strict=True
    ):
        assert mine.transforms.name == tv.transforms.__name__ == "ObjectDetection"
        assert dict(mine.transforms.keywords) == {}
        ours, theirs = mine.transforms(), tv.transforms()
        assert repr(ours) == repr(theirs)
        assert ours.describe() == theirs.describe()


def test_weights_names_resolve() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", weighthub.PluginWarning)
        member = weighthub.get_weight("KeypointRCNN_ResNet50_FPN_Weights.DEFAULT")
    assert member is weighthub_detection.KeypointRCNN_ResNet50_FPN_Weights.COCO_V1
