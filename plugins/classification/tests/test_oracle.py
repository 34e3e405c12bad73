"""The torchvision oracle: every builder and weights entry equals torchvision 0.29.1's."""

from __future__ import annotations

import functools

import pytest
import torchvision.models as tvm

import weighthub
from weighthub import categories
from weighthub.testing import torchvision_oracle as oracle

MODEL_NAMES = tvm.list_models(tvm)


def test_same_models_as_torchvision(plugin_names):
    assert len(MODEL_NAMES) == 80
    assert plugin_names == MODEL_NAMES
    total = sum(len(weighthub.get_model_weights(n)) for n in plugin_names)
    assert total == 115


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_weights_enum_matches_torchvision(name):
    ours, theirs = weighthub.get_model_weights(name), tvm.get_model_weights(name)
    oracle.assert_enum_matches(ours, theirs)
    for member in theirs:
        mine = ours[member.name]
        oracle.assert_member_matches(mine, member, checked_by_caller=("categories",))
        value = member.meta["categories"]
        assert mine.meta["categories"] == value
        assert value is None or mine.meta["categories"] is categories.IMAGENET1K
        # transforms: same settings (an InterpolationMode by its value), same built object
        assert isinstance(member.transforms, functools.partial)
        oracle.assert_transforms_match(mine, member)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_builder_matches_torchvision(name):
    ours, _ = oracle.assert_builder_matches(name)
    assert ours.__name__ == name
    # torchvision-shaped, the module name torchvision code reads the area from
    assert ours.__module__ == "weighthub." + tvm.get_model_builder(name).__module__.removeprefix(
        "torchvision."
    )
    # legacy pretrained=True default: the IMAGENET1K_V1 member, or none
    enum = weighthub.get_model_weights(name)
    assert ("IMAGENET1K_V1" in enum.__members__) == (
        "IMAGENET1K_V1" in tvm.get_model_weights(name).__members__
    )


def test_string_weights_resolve():
    enum = weighthub.get_model_weights("resnet50")
    assert enum.DEFAULT is enum.IMAGENET1K_V2
    assert enum.verify("DEFAULT") is enum.IMAGENET1K_V2
    assert enum.verify("ResNet50_Weights.IMAGENET1K_V1") is enum.IMAGENET1K_V1
    assert weighthub.get_weight("ResNet50_Weights.DEFAULT") is enum.IMAGENET1K_V2
    assert weighthub.get_weight("ViT_H_14_Weights.DEFAULT").name == "IMAGENET1K_SWAG_E2E_V1"


def test_package_exports_lazily():
    import weighthub_classification as pkg

    assert pkg.resnet50 is weighthub.get_model_builder("resnet50")
    assert pkg.ResNet50_Weights is weighthub.get_model_weights("resnet50")
    assert len(pkg.__all__) == 160
