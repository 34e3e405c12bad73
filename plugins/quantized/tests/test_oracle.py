"""The torchvision oracle: every quantized enum, member, URL, meta value and transform matches."""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
import sys

import pytest
import torch
from torchvision.models import get_model_weights as tv_get_model_weights
from torchvision.models import list_models as tv_list_models
from torchvision.models import quantization as tvq

import weighthub
import weighthub_quantized
from weighthub.meta import validate_meta
from weighthub.testing import torchvision_oracle as oracle
from weighthub_quantized._plugin import MODELS, TASK

TV_NAMES = sorted(tv_list_models(tvq))
MEMBERS = oracle.member_pairs(TV_NAMES)


def test_registers_exactly_torchvisions_quantized_builders():
    assert sorted(MODELS) == TV_NAMES
    assert weighthub.list_models(task=TASK) == TV_NAMES
    assert weighthub.list_models(plugin="weighthub-quantized") == TV_NAMES
    assert len(MEMBERS) == 14


@pytest.mark.parametrize("name", TV_NAMES)
def test_enum_names_members_and_default(name):
    tv_enum = tv_get_model_weights(name)
    # The builder is found by name and by its weights annotation, like torchvision's.
    _, ours = oracle.assert_builder_matches(name)
    oracle.assert_enum_matches(ours, tv_enum)
    assert getattr(weighthub_quantized, tv_enum.__name__) is ours


@pytest.mark.parametrize(("tv_member", "member"), MEMBERS, ids=[repr(m) for m, _ in MEMBERS])
def test_member_matches_torchvision(tv_member, member):
    oracle.assert_member_matches(member, tv_member, checked_by_caller=("unquantized", "categories"))
    assert member.sha256 is None
    ref = member.meta["unquantized"]
    assert isinstance(ref, weighthub.WeightsRef)
    assert repr(ref) == repr(tv_member.meta["unquantized"])
    assert member.meta["categories"] == tv_member.meta["categories"]
    assert member.meta["categories"] is weighthub.categories.IMAGENET1K
    assert validate_meta(member.meta, TASK) == []


@pytest.mark.parametrize(("tv_member", "member"), MEMBERS, ids=[repr(m) for m, _ in MEMBERS])
def test_transforms_match_torchvision(tv_member, member):
    ours, theirs = oracle.assert_transforms_match(member, tv_member)
    assert isinstance(tv_member.transforms, functools.partial)
    image = torch.randint(0, 256, (3, 300, 260), dtype=torch.uint8)
    torch.testing.assert_close(ours(image), theirs(image), rtol=0, atol=0)


def test_unquantized_resolves_to_the_classification_member():
    pytest.importorskip("weighthub_classification")
    for tv_member, member in MEMBERS:
        resolved = member.meta["unquantized"].resolve()
        assert repr(resolved) == repr(tv_member.meta["unquantized"])
        assert member.meta["unquantized"] == resolved
        # torchvision's schema test: the quantized entry has its float entry's params and ops.
        assert member.meta["num_params"] == resolved.meta["num_params"]
        assert member.meta["_ops"] == resolved.meta["_ops"]


_WITHOUT_CLASSIFICATION = """
import sys
import weighthub
assert "quantized_resnet50" in weighthub.list_models()
assert "resnet50" not in weighthub.list_models()
ref = weighthub.get_weight("ResNet50_QuantizedWeights.DEFAULT").meta["unquantized"]
assert repr(ref) == "ResNet50_Weights.IMAGENET1K_V2"
for attempt in (
    lambda: ref.meta,
    lambda: weighthub.get_model("quantized_resnet50", weights="DEFAULT"),
    lambda: weighthub.get_model("quantized_resnet50", pretrained=True),
):
    try:
        attempt()
    except weighthub.UnknownWeightsError as exc:
        print("ERROR:", exc)
    else:
        raise SystemExit("no error")
# Random weights, quantized weights and pretrained=False need no classification plugin.
import warnings
warnings.simplefilter("ignore")
weighthub.get_model("quantized_shufflenet_v2_x0_5")
weighthub.get_model("quantized_shufflenet_v2_x0_5", pretrained=False)
print("torch imported:", "torch" in sys.modules)
"""


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("uninstalled", ["pip install weighthub-classification"]),
        ("disabled", ["'weighthub-classification'", "disabled", "WEIGHTHUB_DISABLE_PLUGINS"]),
    ],
)
def test_without_the_classification_plugin_float_weights_name_it(
    tmp_path, python_without, how, expected
):
    if how == "disabled" and importlib.util.find_spec("weighthub_classification") is None:
        pytest.skip("disabling needs weighthub-classification installed (standalone install)")
    env = {**os.environ, "WEIGHTHUB_HOME": str(tmp_path)}
    if how == "uninstalled":
        # A real Python in which the classification distribution is not installed.
        interpreter = python_without("weighthub-classification")
        result = interpreter.run(
            _WITHOUT_CLASSIFICATION,
            env={**interpreter.env, "WEIGHTHUB_HOME": str(tmp_path)},
            timeout=300,
        )
    else:
        env["WEIGHTHUB_DISABLE_PLUGINS"] = "classification"
        result = subprocess.run(
            [sys.executable, "-c", _WITHOUT_CLASSIFICATION],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert result.returncode == 0, result.stderr + result.stdout
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 3, result.stdout
    for line in errors:
        assert "ResNet50_Weights" in line
        for text in expected:
            assert text in line, line


def test_listing_imports_no_torch():
    code = (
        "import sys, weighthub, weighthub_quantized\n"
        "weighthub.list_models()\n"
        "weighthub.get_weight('ResNet50_QuantizedWeights.DEFAULT').meta['unquantized']\n"
        "weighthub_quantized.ResNet50_QuantizedWeights\n"
        "print('torch' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "False"


def test_float_builder_takes_the_unquantized_reference(monkeypatch, tmp_path):
    """torchvision: ``resnet50(weights=q.meta["unquantized"])`` loads the float weights."""
    pytest.importorskip("weighthub_classification")
    from weighthub import models

    ref = models.quantization.ResNet50_QuantizedWeights.DEFAULT.meta["unquantized"]
    assert (ref.name, repr(ref)) == ("IMAGENET1K_V2", "ResNet50_Weights.IMAGENET1K_V2")
    assert ref.name == tvq.ResNet50_QuantizedWeights.DEFAULT.meta["unquantized"].name
    assert models.ResNet50_Weights.verify(ref) is models.ResNet50_Weights.IMAGENET1K_V2
    # The builder gets past verify() to fetching those exact weights (offline: not cached).
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")
    monkeypatch.setenv("WEIGHTHUB_HOME", str(tmp_path))
    with pytest.raises(weighthub.OfflineModeError, match=r"resnet50-11ad3fa6\.pth"):
        models.resnet50(weights=ref)
