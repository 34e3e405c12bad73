"""Listing timm's catalogue imports neither timm nor torch and leaves first-party names alone.

The plugin claims the namespace ``timm``: every architecture is ``"timm/<arch>"``, and its short
name works only where no other plugin uses it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import warnings

import pytest

import weighthub
import weighthub.models
import weighthub.testing
import weighthub_timm

CATALOGUE = weighthub_timm.manifest()

LISTING = textwrap.dedent(
    """
    import json, sys, warnings
    import weighthub
    import weighthub.models

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        models = weighthub.list_models(plugin="timm")
        everything = weighthub.list_models()
        namespace = weighthub.list_models(weighthub.models.timm)
        # The fetch layer is no part of listing (importing it cost 70 ms of a 64 ms listing).
        fetch_layer = "weighthub._fetch" in sys.modules
        weights = weighthub.list_weights(plugin="timm")
        member = weighthub.get_weight("timm/vit_base_patch16_224_Weights.DEFAULT")
        transform = repr(member.transforms)
        owners = {
            name: weighthub.get_model_entry(name).plugin
            for name in ("resnet50", "vgg16", "timm/resnet50", "convnext_nano")
        }
        tagged = str(weighthub.get_weight("timm/resnet50.a1_in1k"))
    print(json.dumps({
        "models": models,
        "all": len(everything),
        "namespace": len(namespace),
        "weights": weights,
        "transform": transform,
        "owners": owners,
        "tagged": tagged,
        "fetch_layer": fetch_layer,
        "imported": sorted(m for m in ("torch", "torchvision", "timm") if m in sys.modules),
        "warnings": sorted({w.category.__name__ for w in caught}),
    }))
    """
)


def test_listing_imports_neither_timm_nor_torch():
    done = subprocess.run(
        [sys.executable, "-c", LISTING], capture_output=True, text=True, check=True, timeout=300
    )
    found = json.loads(done.stdout)
    assert found["imported"] == []
    assert found["fetch_layer"] is False
    assert found["models"] == sorted(f"timm/{arch}" for arch in CATALOGUE.architectures)
    assert len(found["models"]) == 1151
    assert found["namespace"] == 1151
    tags = [
        f"timm/{arch}_Weights.{weighthub.member_name(entry['tag'])}"
        for arch, entries in CATALOGUE.architectures.items()
        for entry in entries
    ]
    assert found["weights"] == sorted(tags)
    assert len(found["weights"]) == 1826
    assert "crop_pct=0.9" in found["transform"]
    assert found["tagged"] == "resnet50_Weights.A1_IN1K"
    # First-party names stay torchvision's; a short name nobody else uses is timm's.
    assert found["owners"] == {
        "resnet50": "classification",
        "vgg16": "classification",
        "timm/resnet50": "timm",
        "convnext_nano": "timm",
    }
    assert found["warnings"] == []  # no conflict, and timm's meta follows the schema


def test_one_entry_per_timm_tag(only_plugins):
    timm = pytest.importorskip("timm")
    only_plugins("timm")
    names = weighthub.list_weights(plugin="timm")
    assert len(names) == len(timm.list_pretrained()) == 1826
    for pretrained in timm.list_pretrained():
        member = weighthub.get_weight(f"timm/{pretrained}")  # timm's spelling, verbatim
        assert member.meta["x_timm_name"] == pretrained
        assert weighthub.get_weight(weighthub.get_weight_name(member)) is member


def test_default_is_timms_default_tag(only_plugins):
    only_plugins("classification", "timm")
    for arch, entries in CATALOGUE.architectures.items():
        default = weighthub.get_weight(f"timm/{arch}_Weights.DEFAULT")
        assert default.meta["x_timm_name"] == f"{arch}.{entries[0]['tag']}"
    # Digit-leading tags, by timm's spelling and by the member's name.
    member = weighthub.get_weight("timm/flexivit_base.300ep_in1k")
    assert member is weighthub.get_weight("timm/flexivit_base_Weights._300EP_IN1K")
    assert weighthub.models.timm.flexivit_base_Weights._300EP_IN1K is member


def test_first_party_names_see_no_conflict(only_plugins):
    only_plugins("classification", "timm")
    with warnings.catch_warnings():
        warnings.simplefilter("error", weighthub.PluginWarning)
        first_party = set(weighthub.list_models(plugin="classification"))
        timm_names = weighthub.list_models(plugin="timm")
        short = {name.removeprefix("timm/") for name in timm_names}
        assert first_party & short == CATALOGUE.torchvision_names
        assert len(timm_names) == 1151
        assert weighthub.get_model_entry("convnext_tiny").plugin == "classification"
        assert weighthub.get_model_entry("timm/convnext_tiny").plugin == "timm"
        assert weighthub.get_model_entry("convnext_nano").plugin == "timm"
        tv = weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V2")
        assert tv.url == "https://download.pytorch.org/models/resnet50-11ad3fa6.pth"
        assert weighthub.models.resnet50 is weighthub.get_model_builder("resnet50")
        assert weighthub.models.timm.resnet50_Weights is weighthub.get_model_weights(
            "timm/resnet50"
        )


def test_unknown_timm_names_suggest_timm_names(only_plugins):
    only_plugins("classification", "timm")
    with pytest.raises(weighthub.UnknownModelError, match="Did you mean 'timm/resnet50'"):
        weighthub.get_model_entry("timm/resnet5")
    suggested = re.escape("Did you mean 'timm/resnet50.a1_in1k'")
    with pytest.raises(weighthub.UnknownWeightsMemberError, match=suggested):
        weighthub.get_weight("timm/resnet50.a1_in1kk")


def test_get_model_takes_timms_names(only_plugins, stopped_loads):
    pytest.importorskip("weighthub_timm._build", reason="building timm models (issue 23, point 5)")
    only_plugins("timm")
    for name, weights in (("timm/resnet50.a1_in1k", {}), ("timm/resnet50", {"weights": "DEFAULT"})):
        with pytest.raises(weighthub.testing.WeightsLoadStopped):
            weighthub.get_model(name, **weights)
    default = weighthub.member_name(CATALOGUE.architectures["resnet50"][0]["tag"])
    assert [str(member) for member in stopped_loads] == [
        "resnet50_Weights.A1_IN1K",
        f"resnet50_Weights.{default}",
    ]


def test_a_name_an_earlier_plugin_registers_stays_its_own(only_plugins):
    # The example plugin registers timm's efficientnet_lite0 without a namespace.
    only_plugins("efficientnet-lite", "timm")
    with warnings.catch_warnings():
        warnings.simplefilter("error", weighthub.PluginWarning)
        assert weighthub.get_model_entry("efficientnet_lite0").plugin == "efficientnet-lite"
        assert weighthub.get_model_entry("timm/efficientnet_lite0").plugin == "timm"
    only_plugins("timm")
    assert weighthub.get_model_entry("efficientnet_lite0").plugin == "timm"


def test_listing_works_without_timm_installed(python_without):
    code = textwrap.dedent(
        """
        import weighthub
        try:
            import timm
        except ModuleNotFoundError:
            print("no timm")
        print(weighthub.list_models(plugin="timm")[:2])
        print(weighthub.get_weight("timm/convnext_nano.in12k_ft_in1k").meta["x_timm_name"])
        """
    )
    done = python_without("timm").run(code, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "no timm",
        "['timm/aimv2_1b_patch14_224', 'timm/aimv2_1b_patch14_336']",
        "convnext_nano.in12k_ft_in1k",
    ]


def test_first_party_names_stay_theirs_without_their_plugin(only_plugins):
    only_plugins("timm")
    with pytest.raises(weighthub.UnknownModelError, match="weighthub-classification"):
        weighthub.get_model_entry("resnet50")
    with pytest.raises(weighthub.UnknownWeightsError, match="weighthub-classification"):
        weighthub.get_weight("ResNet50_Weights.DEFAULT")
    assert weighthub.get_model_entry("timm/resnet50").plugin == "timm"
    assert weighthub.get_model_entry("convnext_nano").plugin == "timm"
