"""weighthub.testing on small runtime-registered models: a conforming one and a broken one."""

# No `from __future__ import annotations`: the builders' `weights` annotations must be real
# classes for get_model_weights / the signature check.

import pytest
import torch
from torch import nn

import weighthub
import weighthub.testing
from weighthub import Weights, WeightsEnum
from weighthub.building import handle_legacy_interface, overwrite_named_param
from weighthub.transforms import preset

_CATEGORIES = ["a", "b", "c"]


class TinyNet(nn.Sequential):
    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__(
            nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, num_classes)
        )


def _meta(**overrides):
    meta = {
        "categories": _CATEGORIES,
        "min_size": (1, 1),
        "num_params": 3 * 4 * 9 + 4 + 4 * 3 + 3,
        "recipe": "https://example.org/recipe",
        "_metrics": {"ImageNet-1K": {"acc@1": 1.0, "acc@5": 2.0}},
        "_ops": 0.0,
        "_file_size": 0.001,
        "_docs": "Test weights.",
    }
    meta.update(overrides)
    return meta


class KitTinyNet_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url="https://example.invalid/kittinynet-00000000.pth",
        transforms=preset("ImageClassification", crop_size=8, resize_size=8),
        meta=_meta(),
    )
    DEFAULT = IMAGENET1K_V1


@handle_legacy_interface(weights=("pretrained", KitTinyNet_Weights.IMAGENET1K_V1))
def kittinynet(*, weights: KitTinyNet_Weights | None = None, progress: bool = True, **kwargs):
    weights = KitTinyNet_Weights.verify(weights)
    if weights is not None:
        overwrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return weighthub.construct_model(lambda: TinyNet(**kwargs), weights, progress=progress)


class WrongName_Weights(WeightsEnum):
    imagenet1k_v1 = Weights(
        url="https://example.invalid/kitbroken-00000000.pth",
        transforms=preset("ImageClassification", crop_size=8, resize_size=8),
        meta=_meta(num_params=5, _ops=7.5, recipe=None, x_extra=1, unknown_key=2),
    )


def kitbroken(*, weights: WrongName_Weights | None = None, progress: bool = True, **kwargs):
    weights = WrongName_Weights.verify(weights)
    return TinyNet(num_classes=3)


@pytest.fixture(scope="module", autouse=True)
def runtime_models():
    """Register the two models at runtime, isolated from other tests' runtime models."""
    with weighthub.testing.restore_registrations(clear=True):
        weighthub.register_model(task="image_classification", weights=KitTinyNet_Weights)(
            kittinynet
        )
        weighthub.register_model(task="image_classification", weights=WrongName_Weights)(kitbroken)
        yield


def test_conforming_model_has_no_failures():
    assert weighthub.testing.check_model("kittinynet") == []


def test_broken_model_reports_every_problem():
    failures = weighthub.testing.check_model("kitbroken")
    checks = {f.check for f in failures}
    assert {"meta_schema", "naming", "num_params", "ops", "legacy"} <= checks
    assert all(f.model == "kitbroken" for f in failures)
    by_check = {f.check: f for f in failures}
    assert "5" in by_check["num_params"].message and "127" in by_check["num_params"].message
    assert by_check["num_params"].weights == "WrongName_Weights.imagenet1k_v1"
    assert "7.5" in by_check["ops"].message
    messages = " ".join(f.message for f in failures)
    assert "'unknown_key'" in messages and "'x_extra'" not in messages  # x_ keys are allowed
    assert "kitbroken_weights" in messages  # the expected enum name
    assert "not upper-case" in messages and "DEFAULT" in messages


def test_plugin_report_and_assertion():
    report = weighthub.testing.check_plugin("<runtime>", ops_sample=None)
    assert report.plugin == "<runtime>"
    assert report.checked_models == ["kitbroken", "kittinynet"]
    assert report.checked_weights == [
        "WrongName_Weights.imagenet1k_v1",
        "KitTinyNet_Weights.IMAGENET1K_V1",
    ]
    assert not report.ok
    assert {f.model for f in report.failures} == {"kitbroken"}
    text = report.format()
    assert text.splitlines()[0].startswith("weighthub conformance of '<runtime>': FAILED")
    assert "kitbroken [WrongName_Weights.imagenet1k_v1] num_params:" in text
    with pytest.raises(AssertionError, match="kitbroken"):
        weighthub.testing.assert_plugin_conforms("<runtime>")


def test_skip_and_build_options():
    failures = weighthub.testing.check_model("kitbroken", build=False, skip=("naming",))
    checks = {f.check for f in failures}
    assert checks.isdisjoint({"num_params", "ops", "legacy", "naming"})
    assert "meta_schema" in checks
    with pytest.raises(ValueError, match="Unknown check"):
        weighthub.testing.check_model("kitbroken", skip=("nope",))


def test_ops_sample_zero_skips_ops():
    failures = weighthub.testing.check_model("kitbroken", ops_sample=0)
    assert "ops" not in {f.check for f in failures}


def test_unknown_plugin():
    report = weighthub.testing.check_plugin("no-such-plugin")
    assert not report.ok
    assert report.failures[0].check == "import"
    assert "no such plugin" in report.failures[0].message


def test_failure_str():
    failure = weighthub.testing.Failure("m", None, "naming", "bad")
    assert str(failure) == "m naming: bad"


def test_public_api():
    assert set(weighthub.testing.__all__) == {
        "check_plugin",
        "check_model",
        "assert_plugin_conforms",
        "ConformanceReport",
        "Failure",
        "CHECKS",
        "models_table",
        "check_readme_table",
        "README_TABLE_BEGIN",
        "README_TABLE_END",
        "build_empty",
        "random_state_dict",
        "write_unaligned_safetensors",
        "same_bits",
        "tensors_of",
        "record_loads",
        "restore_registrations",
        "LoadRecorder",
        "WeightsLoadStopped",
        "WeightsServer",
        "TorchHubCache",
        "LoopbackServer",
        "Fault",
        "running_server",
        "Request",
        "Answer",
        "HubServer",
        "HubFile",
        "running_hub",
        "python_without",
        "Interpreter",
        "Outcome",
        "pip_install_target",
    }


def test_no_download_and_no_allocation_for_checks(stopped_loads, isolated_weighthub):
    # A load would be stopped (failing a check); a fetch fails offline or records into the cache.
    assert weighthub.testing.check_model("kittinynet") == []
    assert stopped_loads == []
    assert not isolated_weighthub.exists()


def test_ops_counter_matches_flop_counter():
    from torch.utils.flop_counter import FlopCounterMode

    from weighthub.testing._ops import count_gmacs

    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(), nn.Linear(8 * 30 * 30, 10))
    x = torch.randn(2, 3, 32, 32)
    counter = FlopCounterMode(display=False)
    with counter:
        model(x)
    assert count_gmacs(model, [x], as_list=False) == counter.get_total_flops() / 2 / 1e9
