"""Builders: torchvision's architectures, real loading, legacy arguments and meta-driven config."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import pytest
import torch
import torchvision.models as tvm

import weighthub
from weighthub.testing import WeightsLoadStopped, build_empty
from weighthub.testing.torchvision_oracle import state_dict_signature

MODEL_NAMES = tvm.list_models(tvm)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_architecture_equals_torchvision(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # googlenet / inception init notice
        ours = build_empty(weighthub.get_model_builder(name))
        theirs = build_empty(tvm.get_model_builder(name))
    assert type(ours) is type(theirs)
    assert state_dict_signature(ours) == state_dict_signature(theirs)
    assert repr(ours) == repr(theirs)  # dropout, eps, stochastic depth ...


@pytest.mark.parametrize(
    ("name", "member"),
    [
        ("vit_b_16", "IMAGENET1K_SWAG_E2E_V1"),
        ("vit_h_14", "IMAGENET1K_SWAG_E2E_V1"),
        ("maxvit_t", "IMAGENET1K_V1"),
        ("googlenet", "IMAGENET1K_V1"),
        ("inception_v3", "IMAGENET1K_V1"),
        ("vgg16", "IMAGENET1K_FEATURES"),
    ],
)
def test_meta_driven_config_equals_torchvision(name, member, torch_hub_cache):
    """With weights (nothing loaded) the same configuration as torchvision's builder."""
    ours_enum, theirs_enum = weighthub.get_model_weights(name), tvm.get_model_weights(name)
    torch_hub_cache.add(theirs_enum[member], {})  # torchvision's builder loads an empty dict
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        ours = build_empty(weighthub.get_model_builder(name), weights=ours_enum[member])
        theirs = build_empty(tvm.get_model_builder(name), weights=theirs_enum[member])
    assert state_dict_signature(ours) == state_dict_signature(theirs)
    assert repr(ours) == repr(theirs)
    for attribute in ("transform_input", "aux_logits", "image_size"):
        assert getattr(ours, attribute, None) == getattr(theirs, attribute, None)


@pytest.mark.parametrize("name", ["resnet18", "densenet121"])
def test_load_generated_checkpoint_bit_identical(name, weights_server):
    """Our builder + weighthub's loader == torchvision's model with the same state dict."""
    torch.manual_seed(0)
    reference = tvm.get_model_builder(name)().eval()
    state_dict = reference.state_dict()
    if name == "densenet121":
        # torchvision's DenseNet checkpoints use the old 'norm.1' key names
        old = re.compile(
            r"^(.*denselayer\d+\.(?:norm|relu|conv))((?:[12])\.(?:weight|bias|running_mean|running_var))$"
        )
        state_dict = {
            (f"{m.group(1)}.{m.group(2)}" if (m := old.match(k)) else k): v
            for k, v in state_dict.items()
        }
        assert any(".norm.1." in k for k in state_dict)
    member = weighthub.get_model_weights(name).IMAGENET1K_V1
    weights_server.serve(member, state_dict)

    model = weighthub.get_model(name, weights="DEFAULT" if name == "resnet18" else member).eval()
    assert not any(p.is_meta for p in model.parameters())
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(model(x), reference(x))
    loaded = model.state_dict()
    assert loaded.keys() == reference.state_dict().keys()
    for key, value in reference.state_dict().items():
        assert torch.equal(loaded[key], value), key


def _warning_texts(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught if not issubclass(w.category, FutureWarning)]


@pytest.mark.parametrize("name", ["resnet50", "vit_h_14", "regnet_y_128gf", "googlenet"])
def test_legacy_warnings_as_torchvision(name):
    ours, theirs = weighthub.get_model_builder(name), tvm.get_model_builder(name)
    keyword = _warning_texts(lambda: build_empty(ours, pretrained=False))
    assert keyword == _warning_texts(lambda: build_empty(theirs, pretrained=False))
    # (RegNet: twice, as build_empty retries with meta parameters only)
    assert len(set(keyword)) == 2 and "equivalent to passing `weights=None`" in keyword[-1]
    assert _warning_texts(lambda: build_empty(lambda: ours(False))) == _warning_texts(
        lambda: build_empty(lambda: theirs(False))
    )


@pytest.mark.parametrize("name", ["vit_h_14", "regnet_y_128gf"])
def test_pretrained_true_without_v1_weights(name):
    # No IMAGENET1K_V1 member: pretrained=True has no legacy default (raises before any download).
    with pytest.raises(ValueError, match=f"No weights available for model {name}"):
        weighthub.get_model_builder(name)(pretrained=True)
    with pytest.raises(ValueError, match=f"No weights available for model {name}"):
        tvm.get_model_builder(name)(pretrained=True)


def test_pretrained_true_means_v1(stopped_loads):
    with pytest.raises(WeightsLoadStopped), pytest.warns(UserWarning, match="deprecated"):
        weighthub.get_model("resnet50", pretrained=True)
    assert stopped_loads == [weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V1")]


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("resnet50", {"num_classes": 10}),
        ("resnext50_32x4d", {"groups": 8}),
        ("vit_b_16", {"image_size": 300}),
        ("googlenet", {"aux_logits": False}),
    ],
)
def test_conflicting_kwargs_same_error(name, kwargs):
    ours_enum, theirs_enum = weighthub.get_model_weights(name), tvm.get_model_weights(name)
    with pytest.raises(ValueError) as ours:
        weighthub.get_model_builder(name)(weights=ours_enum.DEFAULT, **kwargs)
    with pytest.raises(ValueError) as theirs:
        tvm.get_model_builder(name)(weights=theirs_enum.DEFAULT, **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_num_classes_message():
    with pytest.raises(
        ValueError, match=r"The parameter 'num_classes' expected value 1000 but got 10 instead\."
    ):
        weighthub.get_model("resnet50", weights="DEFAULT", num_classes=10)


def test_num_classes_without_weights():
    model = build_empty(weighthub.get_model_builder("resnet18"), num_classes=10)
    assert model.fc.out_features == 10


def test_listing_imports_no_torch():
    code = (
        "import sys, weighthub, weighthub_classification;"
        "names = weighthub.list_models(plugin='classification');"
        "assert len(names) == 80, len(names);"
        "assert 'torch' not in sys.modules, 'torch imported';"
        "weighthub.get_model_weights('resnet50');"
        "assert 'torch' not in sys.modules, 'torch imported by the weights'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
