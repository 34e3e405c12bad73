"""weighthub.testing.torchvision_oracle: passes on torchvision's own entries, fails on any drift.

The drifted entries are members of new weights enums (nothing registered is changed) or builders
registered at runtime while only another plugin is discovered.
"""

# No `from __future__ import annotations`: a runtime builder's `weights` annotation must be a class.

import math
import subprocess
import sys
import warnings

import pytest
import torch
import torchvision.models as tvm
from torch import nn

import weighthub
from weighthub import Weights, WeightsEnum
from weighthub.testing import torchvision_oracle as oracle
from weighthub.transforms import PresetFactory

pytest.importorskip("weighthub_classification")


def _alexnet_enum(name="AlexNet_Weights", *, url=None, transforms=None, **meta):
    """A new enum copying torchvision's AlexNet_Weights, with the given differences."""
    real = tvm.AlexNet_Weights.IMAGENET1K_V1
    weights = Weights(
        url=url or real.url,
        transforms=transforms or PresetFactory("ImageClassification", {"crop_size": 224}),
        meta={**real.meta, **meta},
    )
    return WeightsEnum(name, {"IMAGENET1K_V1": weights, "DEFAULT": weights})


def test_importing_the_kit_imports_neither_torch_nor_torchvision() -> None:
    code = (
        "import sys, weighthub.testing\nprint('torch' in sys.modules, 'torchvision' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_builder_and_enum_of_a_republished_model_match() -> None:
    builder, ours = oracle.assert_builder_matches("alexnet")
    assert builder is weighthub.get_model_builder("alexnet")
    assert ours is weighthub.get_model_weights("alexnet")
    oracle.assert_enum_matches(ours, tvm.AlexNet_Weights)


@pytest.fixture
def without_classification():
    """The classification plugin disabled, so that a test can register its own ``alexnet``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEIGHTHUB_DISABLE_PLUGINS", "classification")
        weighthub.reload_plugins()
        yield
    weighthub.reload_plugins()


@pytest.mark.filterwarnings("ignore::weighthub.PluginWarning")  # attached pets
def test_a_builder_of_another_name_fails(without_classification) -> None:
    enum = _alexnet_enum()

    @weighthub.register_model("alexnet", task="image_classification", weights=enum)
    def my_alexnet(*, weights: enum = None, progress: bool = True):  # type: ignore[valid-type]
        raise NotImplementedError

    with pytest.raises(AssertionError, match="my_alexnet"):
        oracle.assert_builder_matches("alexnet")


@pytest.mark.filterwarnings("ignore::weighthub.PluginWarning")  # attached pets
def test_an_enum_of_another_name_fails(without_classification) -> None:
    enum = _alexnet_enum("AlexNetWeights")

    @weighthub.register_model("alexnet", task="image_classification", weights=enum)
    def alexnet(*, weights: enum = None, progress: bool = True):  # type: ignore[valid-type]
        raise NotImplementedError

    with pytest.raises(AssertionError, match="AlexNetWeights"):
        oracle.assert_builder_matches("alexnet")


def test_an_enum_with_other_members_or_default_fails() -> None:
    real = weighthub.get_model_weights("alexnet").IMAGENET1K_V1
    extra = WeightsEnum(
        "AlexNet_Weights", {"IMAGENET1K_V1": real.value, "IMAGENET1K_V2": real.value}
    )
    with pytest.raises(AssertionError):
        oracle.assert_enum_matches(extra, tvm.AlexNet_Weights)
    resnet = weighthub.get_model_weights("resnet50")
    # Same members, but DEFAULT stands for V1 where torchvision's stands for V2.
    swapped = WeightsEnum(
        "ResNet50_Weights",
        {
            "IMAGENET1K_V1": resnet.IMAGENET1K_V1.value,
            "IMAGENET1K_V2": resnet.IMAGENET1K_V2.value,
            "DEFAULT": resnet.IMAGENET1K_V1.value,
        },
    )
    with pytest.raises(AssertionError):
        oracle.assert_enum_matches(swapped, tvm.ResNet50_Weights)


def test_an_unregistered_enum_fails_the_lookup_by_name() -> None:
    # Everything else matches: only weighthub.get_weight("AlexNet_Weights.DEFAULT") differs.
    with pytest.raises(AssertionError):
        oracle.assert_enum_matches(_alexnet_enum(), tvm.AlexNet_Weights)


def test_member_pairs_list_members_without_aliases() -> None:
    pairs = oracle.member_pairs(["alexnet", "resnet50"])
    assert [(repr(tv), repr(ours)) for tv, ours in pairs] == [
        ("AlexNet_Weights.IMAGENET1K_V1", "AlexNet_Weights.IMAGENET1K_V1"),
        ("ResNet50_Weights.IMAGENET1K_V1", "ResNet50_Weights.IMAGENET1K_V1"),
        ("ResNet50_Weights.IMAGENET1K_V2", "ResNet50_Weights.IMAGENET1K_V2"),
    ]
    assert pairs[0][1] is weighthub.get_weight("AlexNet_Weights.IMAGENET1K_V1")


def test_a_republished_member_matches() -> None:
    for tv_member, member in oracle.member_pairs(["alexnet", "vit_b_16"]):
        oracle.assert_member_matches(member, tv_member, checked_by_caller=("categories",))


def test_the_copy_without_drift_matches() -> None:
    # The drifted copies below fail only by their drift.
    member = _alexnet_enum().IMAGENET1K_V1
    oracle.assert_member_matches(member, tvm.AlexNet_Weights.IMAGENET1K_V1)
    oracle.assert_transforms_match(member, tvm.AlexNet_Weights.IMAGENET1K_V1)


@pytest.mark.parametrize(
    "drift",
    [
        {"url": "https://example.org/alexnet-owt-7be5be79.pth"},
        {"num_params": 61100840.0},  # the right value as a float
        {"_ops": 0.7},
        {"_metrics": {"ImageNet-1K": {"acc@1": 56.522, "acc@5": 79.0}}},
        {"_extra": 1},
    ],
    ids=["url", "type", "value", "nested", "extra-key"],
)
def test_a_member_with_any_drift_fails(drift) -> None:
    member = _alexnet_enum(**drift).IMAGENET1K_V1
    with pytest.raises(AssertionError):
        oracle.assert_member_matches(
            member, tvm.AlexNet_Weights.IMAGENET1K_V1, checked_by_caller=("categories",)
        )


def test_a_meta_key_checked_by_the_caller_must_still_be_there() -> None:
    real = weighthub.get_model_weights("alexnet").IMAGENET1K_V1
    meta = {k: v for k, v in real.meta.items() if k != "categories"}
    member = WeightsEnum("AlexNet_Weights", {"V": Weights(real.url, real.transforms, meta)}).V
    with pytest.raises(AssertionError):
        oracle.assert_member_matches(
            member, tvm.AlexNet_Weights.IMAGENET1K_V1, checked_by_caller=("categories",)
        )


def test_meta_values_compare_types_and_nan() -> None:
    assert oracle.meta_value_equal(math.nan, math.nan)
    assert not oracle.meta_value_equal(0.0, math.nan)
    assert oracle.meta_value_equal({"a": {"b": 1}}, {"a": {"b": 1}})
    assert not oracle.meta_value_equal({"a": {"b": 1.0}}, {"a": {"b": 1}})
    assert not oracle.meta_value_equal({"a": 1}, {"a": 1, "b": 2})
    assert not oracle.meta_value_equal((1, 2), [1, 2])
    assert not oracle.meta_value_equal("x", {"x": 1})


def test_transforms_of_a_republished_member_match() -> None:
    # ViT_H_14's SWAG weights use BICUBIC, compared by value.
    member = weighthub.get_weight("ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1")
    tv_member = tvm.ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1
    ours, theirs = oracle.assert_transforms_match(member, tv_member, crop_size=64)
    assert (ours.crop_size, theirs.crop_size) == ([64], [64])
    flow = weighthub.get_weight("Raft_Small_Weights.C_T_V2")
    oracle.assert_transforms_match(flow, tvm.optical_flow.Raft_Small_Weights.C_T_V2)


@pytest.mark.parametrize(
    "transforms",
    [
        PresetFactory("ImageClassification", {"crop_size": 224, "resize_size": 232}),
        PresetFactory("ImageClassification", {"crop_size": 224, "interpolation": "bicubic"}),
        PresetFactory("SemanticSegmentation", {"resize_size": 224}),
    ],
    ids=["setting", "interpolation", "preset"],
)
def test_other_transforms_fail(transforms) -> None:
    member = _alexnet_enum(transforms=transforms).IMAGENET1K_V1
    with pytest.raises(AssertionError):
        oracle.assert_transforms_match(member, tvm.AlexNet_Weights.IMAGENET1K_V1)


class _WithExtraState(nn.Linear):
    def get_extra_state(self):
        return {"packed": True}

    def set_extra_state(self, state):
        pass


def test_state_dict_signature_has_shapes_dtypes_and_other_entries() -> None:
    model = _WithExtraState(2, 3)
    assert oracle.state_dict_signature(model) == {
        "weight": ((3, 2), torch.float32),
        "bias": ((3,), torch.float32),
        "_extra_state": "dict",
    }
    assert oracle.state_dict_signature(nn.Linear(2, 3)) != oracle.state_dict_signature(
        nn.Linear(2, 3).half()
    )
    assert oracle.state_dict_signature(nn.Linear(2, 3)) != oracle.state_dict_signature(
        nn.Linear(3, 2)
    )


def test_warnings_of_records_every_warning_and_the_error() -> None:
    def warns_then_fails():
        for _ in range(2):
            warnings.warn("same message", UserWarning, stacklevel=1)
        raise ValueError("bad value")

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the caller's filters do not hide anything
        assert oracle.warnings_of(warns_then_fails) == (
            ["same message", "same message"],
            "ValueError: bad value",
        )
    assert oracle.warnings_of(lambda: None) == ([], None)
