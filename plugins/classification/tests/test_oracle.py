"""The torchvision oracle: every builder and weights entry equals torchvision 0.29.1's."""

from __future__ import annotations

import functools
import math

import pytest
import torchvision.models as tvm

import weighthub
from weighthub import categories

MODEL_NAMES = tvm.list_models(tvm)


def test_same_models_as_torchvision(plugin_names):
    assert len(MODEL_NAMES) == 80
    assert plugin_names == MODEL_NAMES
    total = sum(len(weighthub.get_model_weights(n)) for n in plugin_names)
    assert total == 115


def _meta_equal(ours, theirs):
    if isinstance(theirs, float) and math.isnan(theirs):
        return isinstance(ours, float) and math.isnan(ours)
    if isinstance(theirs, dict):
        return ours.keys() == theirs.keys() and all(_meta_equal(ours[k], theirs[k]) for k in theirs)
    return type(ours) is type(theirs) and ours == theirs


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_weights_enum_matches_torchvision(name):
    ours, theirs = weighthub.get_model_weights(name), tvm.get_model_weights(name)
    assert ours.__name__ == theirs.__name__
    assert list(ours.__members__) == list(theirs.__members__)
    assert ours.DEFAULT.name == theirs.DEFAULT.name
    for member in theirs:
        mine = ours[member.name]
        assert mine.url == member.url
        assert mine.meta.keys() == member.meta.keys()
        for key, value in member.meta.items():
            if key == "categories":
                assert mine.meta[key] == value
                assert value is None or mine.meta[key] is categories.IMAGENET1K
            else:
                assert _meta_equal(mine.meta[key], value), (member, key)
        # transforms: same settings, same built object
        assert isinstance(member.transforms, functools.partial)
        factory = mine.transforms
        assert factory.name == member.transforms.func.__name__
        expected = {
            k: (v.value if k == "interpolation" else v)
            for k, v in member.transforms.keywords.items()
        }
        assert dict(factory.keywords) == expected
        built, reference = mine.transforms(), member.transforms()
        assert repr(built) == repr(reference)
        assert built.describe() == reference.describe()


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_builder_matches_torchvision(name):
    ours, theirs = weighthub.get_model_builder(name), tvm.get_model_builder(name)
    assert ours.__name__ == theirs.__name__ == name
    assert ours.__module__.startswith("weighthub_classification._models.")
    assert weighthub.get_model_weights(ours) is weighthub.get_model_weights(name)
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
