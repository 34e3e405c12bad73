"""Every entry against torchvision 0.29.1 itself: names, members, URLs, meta and transforms."""

from __future__ import annotations

import warnings

import pytest
import torchvision.models.detection as tvd

import weighthub
import weighthub_detection
from weighthub import categories
from weighthub.testing import torchvision_oracle as oracle
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
        _, enum = oracle.assert_builder_matches(name)
    assert enum is getattr(weighthub_detection, MODELS[name][1])
    assert enum.__name__ == tvd.__dict__[name].__annotations__["weights"].__args__[0].__name__


@pytest.mark.parametrize("enum_name", ENUMS)
def test_weights_match_torchvision(enum_name: str) -> None:
    ours = getattr(weighthub_detection, enum_name)
    theirs = getattr(tvd, enum_name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", weighthub.PluginWarning)  # other plugins' troubles
        oracle.assert_enum_matches(ours, theirs)
    for mine, tv in zip(ours, theirs, strict=True):
        oracle.assert_member_matches(mine, tv)
        assert mine.sha256 is None
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
        oracle.assert_transforms_match(mine, tv)
        assert mine.transforms.name == "ObjectDetection"
        assert dict(mine.transforms.keywords) == {}


def test_weights_names_resolve() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", weighthub.PluginWarning)
        member = weighthub.get_weight("KeypointRCNN_ResNet50_FPN_Weights.DEFAULT")
    assert member is weighthub_detection.KeypointRCNN_ResNet50_FPN_Weights.COCO_V1
