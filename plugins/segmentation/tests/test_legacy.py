"""Legacy arguments and option checks: torchvision's warnings and errors, word for word."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
import torch
import torchvision.models.segmentation as tvs

import weighthub_segmentation
from weighthub.testing import Interpreter


def messages(build: Callable[[], Any]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught, torch.device("meta"):
        warnings.simplefilter("always")
        build()
    return [str(w.message) for w in caught if w.category is UserWarning]


@pytest.mark.parametrize("name", ["fcn_resnet50", "lraspp_mobilenet_v3_large"])
def test_pretrained_false_gives_torchvision_4_warnings(name: str) -> None:
    legacy = {"pretrained": False, "pretrained_backbone": False}
    ours = messages(lambda: getattr(weighthub_segmentation, name)(**legacy))
    theirs = messages(lambda: getattr(tvs, name)(**legacy))
    assert ours == theirs
    assert len(ours) == 4


def test_positional_warning() -> None:
    ours = messages(
        lambda: weighthub_segmentation.lraspp_mobilenet_v3_large(False, True, weights_backbone=None)
    )
    theirs = messages(lambda: tvs.lraspp_mobilenet_v3_large(False, True, weights_backbone=None))
    assert ours == theirs
    assert "Using 'weights' and 'progress' as positional parameter(s)" in ours[0]


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("fcn_resnet50", {"num_classes": 10}),
        ("fcn_resnet101", {"aux_loss": False}),
        ("deeplabv3_mobilenet_v3_large", {"aux_loss": False}),
        ("lraspp_mobilenet_v3_large", {"num_classes": 2}),
    ],
)
def test_option_conflicting_with_weights(name: str, options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="expected value") as ours:
        getattr(weighthub_segmentation, name)(weights="DEFAULT", **options)
    with pytest.raises(ValueError) as theirs:
        getattr(tvs, name)(weights="DEFAULT", **options)
    assert str(ours.value) == str(theirs.value)


def test_num_classes_expected_21() -> None:
    with pytest.raises(ValueError) as error:
        weighthub_segmentation.deeplabv3_resnet50(weights="DEFAULT", num_classes=10)
    assert str(error.value) == "The parameter 'num_classes' expected value 21 but got 10 instead."


def test_lraspp_has_no_aux_loss() -> None:
    with pytest.raises(NotImplementedError, match="This model does not use auxiliary loss"):
        weighthub_segmentation.lraspp_mobilenet_v3_large(aux_loss=True)


# Each call must fail naming the missing plugin, in a Python where it is not installed.
_BACKBONE_BY_NAME = [
    *(
        f"segmentation.fcn_resnet101(weights_backbone={name!r})"
        for name in ("DEFAULT", "IMAGENET1K_V1", "ResNet101_Weights.IMAGENET1K_V1")
    ),
    "segmentation.deeplabv3_mobilenet_v3_large()",
    "segmentation.fcn_resnet50(pretrained_backbone=True)",
]


def test_backbone_by_name_needs_the_classification_plugin(
    python_without: Callable[..., Interpreter],
) -> None:
    errors = python_without("weighthub-classification").errors_of(
        "import weighthub_segmentation as segmentation", _BACKBONE_BY_NAME, catch=(ValueError,)
    )
    assert len(errors) == 5
    for error in errors:
        assert error is not None and "pip install weighthub-classification" in error, error
