"""weighthub.building: the builder template and torchvision's rules, as plugin authors use them."""

from __future__ import annotations

import inspect
import subprocess
import sys
import warnings
from typing import Any

import pytest
import torchvision
from torch import nn

import weighthub
from weighthub import Weights, WeightsEnum, WeightsRef
from weighthub.building import (
    make_builder,
    resolve_backbone,
    resolve_num_classes,
    set_fixed,
    set_num_classes,
    square_min_size,
)
from weighthub.transforms import preset

_META = {"categories": ["cat", "dog", "fox"], "min_size": (1, 1), "num_params": 8}


class TinyNet_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url="https://example.invalid/tinynet-0123abcd.pth",
        transforms=preset("ImageClassification", crop_size=8, resize_size=8),
        meta=_META,
    )
    DEFAULT = IMAGENET1K_V1


class TinyNet(nn.Module):
    def __init__(self, num_classes: int = 1000, width: int = 4) -> None:
        super().__init__()
        self.fc = nn.Linear(width, num_classes)


def _builder(built: list[tuple[WeightsEnum | None, dict[str, Any]]], **options: Any) -> Any:
    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> TinyNet:
        set_num_classes(weights, kwargs)
        built.append((weights, dict(kwargs)))
        kwargs.pop("quantize", None)
        return TinyNet(**kwargs)  # loading is construct_model's, tested in tests/fetch

    return make_builder(
        "tinynet",
        TinyNet_Weights,
        build,
        model_cls=TinyNet,
        summary="TinyNet.",
        module=__name__,
        **options,
    )


def test_builder_has_a_keyword_only_signature_annotations_and_doc():
    tinynet = _builder([], options={"quantize": False})
    params = inspect.signature(tinynet).parameters
    assert [(p.name, p.kind, p.default) for p in params.values()] == [
        ("weights", inspect.Parameter.KEYWORD_ONLY, None),
        ("progress", inspect.Parameter.KEYWORD_ONLY, True),
        ("quantize", inspect.Parameter.KEYWORD_ONLY, False),
        ("kwargs", inspect.Parameter.VAR_KEYWORD, inspect.Parameter.empty),
    ]
    assert tinynet.__name__ == "tinynet"
    assert tinynet.__module__ == __name__
    assert tinynet.__doc__.startswith("TinyNet.\n\nArgs:\n    weights:")
    assert inspect.signature(tinynet).return_annotation is TinyNet
    assert weighthub.get_model_weights(tinynet) is TinyNet_Weights


def test_builder_verifies_weights_and_fills_options():
    built: list[tuple[WeightsEnum | None, dict[str, Any]]] = []
    tinynet = _builder(built, options={"quantize": False})
    model = tinynet(width=2)
    assert isinstance(model, TinyNet)
    assert model.fc.in_features == 2
    assert built[-1] == (None, {"quantize": False, "width": 2})
    other = torchvision.models.ResNet18_Weights.IMAGENET1K_V1
    with pytest.raises(TypeError, match="expected TinyNet_Weights but received ResNet18_Weights"):
        tinynet(weights=other)


def test_legacy_pretrained_means_the_v1_member_with_torchvisions_warnings():
    built: list[tuple[WeightsEnum | None, dict[str, Any]]] = []
    tinynet = _builder(built)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = tinynet(pretrained=True)
    assert built[-1][0] is TinyNet_Weights.IMAGENET1K_V1
    assert model.fc.out_features == 3  # num_classes from the weights' categories
    messages = [str(w.message) for w in caught]
    assert any("'pretrained' is deprecated since 0.13" in m for m in messages)


def test_set_num_classes_is_torchvisions_rule():
    kwargs: dict[str, Any] = {}
    set_num_classes(TinyNet_Weights.DEFAULT, kwargs)
    assert kwargs == {"num_classes": 3}
    set_num_classes(TinyNet_Weights.DEFAULT, {"num_classes": 3})
    with pytest.raises(
        ValueError, match=r"^The parameter 'num_classes' expected value 3 but got 10 instead\.$"
    ):
        set_num_classes(TinyNet_Weights.DEFAULT, {"num_classes": 10})
    untouched: dict[str, Any] = {"num_classes": 10}
    set_num_classes(None, untouched)
    assert untouched == {"num_classes": 10}


def test_set_fixed_and_resolve_num_classes():
    kwargs: dict[str, Any] = {"groups": 32}
    set_fixed(kwargs, groups=32, width_per_group=4)
    assert kwargs == {"groups": 32, "width_per_group": 4}
    with pytest.raises(ValueError, match="'groups' expected value 64 but got 32"):
        set_fixed(kwargs, groups=64)
    assert resolve_num_classes(None, None, default=91) == 91
    assert resolve_num_classes(None, 5, default=91) == 5
    assert resolve_num_classes(TinyNet_Weights.DEFAULT, None, default=91) == 3
    with pytest.raises(ValueError, match="'num_classes' expected value 3 but got 5"):
        resolve_num_classes(TinyNet_Weights.DEFAULT, 5, default=91)


def test_backbone_weights_are_looked_up_only_without_model_weights():
    missing = WeightsRef("NoSuchBackbone_Weights.IMAGENET1K_V1")
    assert resolve_backbone(TinyNet_Weights.DEFAULT, missing, "NoSuchBackbone_Weights") is None
    assert resolve_backbone(None, None, "NoSuchBackbone_Weights") is None
    with pytest.raises(weighthub.UnknownWeightsError, match="NoSuchBackbone_Weights"):
        resolve_backbone(None, missing, "NoSuchBackbone_Weights")


def test_import_weighthub_does_not_import_the_building_module():
    code = (
        "import sys, weighthub; print('weighthub.building' in sys.modules, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


class Wide_Weights(WeightsEnum):
    V1 = Weights(
        url="https://example.invalid/wide-0123abcd.pth",
        transforms=preset("ImageClassification", crop_size=8, resize_size=8),
        meta={**_META, "min_size": (8, 16)},
    )


def test_square_min_size():
    assert square_min_size(TinyNet_Weights.DEFAULT) == (1, 1)
    with pytest.raises(ValueError, match=r"Wide_Weights.V1 needs square inputs.*\(8, 16\)"):
        square_min_size(Wide_Weights.V1)


class Bands_Weights(WeightsEnum):
    SENTINEL2_ALL_MOCO = Weights(
        url="https://example.invalid/bands-0123abcd.pth",
        transforms=preset("ImageClassification", crop_size=8, resize_size=8),
        meta={"min_size": (1, 1), "num_params": 8},
        model_kwargs={"in_chans": 13},
        missing_head=("fc.*",),
    )


def test_an_option_the_architecture_cannot_take_names_it_and_where_it_is_taken():
    tinynet = make_builder(
        "tinynet",
        Bands_Weights,
        lambda weights, progress, kwargs: TinyNet(**kwargs),
        model_cls=TinyNet,
        summary="TinyNet.",
        module=__name__,
    )
    with pytest.raises(weighthub.UnsupportedModelKwargsError) as caught:
        tinynet(weights=Bands_Weights.SENTINEL2_ALL_MOCO)
    error = caught.value
    assert isinstance(error, TypeError)
    assert (error.name, error.model, error.weights) == (
        "in_chans",
        "tinynet",
        "Bands_Weights.SENTINEL2_ALL_MOCO",
    )
    message = str(error)
    assert "Model 'tinynet' cannot take in_chans=13" in message
    assert "unexpected keyword argument 'in_chans'" in message
    assert "timm's architectures take it" in message
    assert "'timm/resnet50'" in message
    # A TypeError that is not about the weights' options stays what it was.
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'") as other:
        tinynet(colour="red")
    assert not isinstance(other.value, weighthub.UnsupportedModelKwargsError)


def test_missing_head_must_be_key_patterns():
    with pytest.raises(TypeError, match=r"missing_head of .* must be a tuple of key patterns"):
        Weights(url="https://example.invalid/x.pth", transforms=None, meta={}, missing_head=[""])
    weights = Weights(
        url="https://example.invalid/x.pth", transforms=None, meta={}, missing_head="fc.*"
    )
    assert weights.missing_head == ("fc.*",)
    assert Bands_Weights.SENTINEL2_ALL_MOCO.missing_head == ("fc.*",)
