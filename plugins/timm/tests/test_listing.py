"""Listing timm's catalogue imports neither timm nor torch and leaves first-party names alone."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import warnings

import weighthub
import weighthub_timm

CATALOGUE = weighthub_timm.manifest()
REGISTERED = [arch for arch in CATALOGUE.architectures if arch not in CATALOGUE.torchvision_names]

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
        weights = weighthub.list_weights(plugin="timm")
        member = weighthub.get_weight("vit_base_patch16_224_Weights.DEFAULT")
        transform = repr(member.transforms)
        owners = {name: weighthub.get_model_entry(name).plugin for name in ("resnet50", "vgg16")}
    print(json.dumps({
        "models": models,
        "all": len(everything),
        "namespace": len(namespace),
        "weights": weights,
        "transform": transform,
        "owners": owners,
        "imported": sorted(m for m in ("torch", "torchvision", "timm") if m in sys.modules),
        "warnings": sorted({w.category.__name__ for w in caught}),
    }))
    """
)


def _taken_by_others() -> set[str]:
    """The timm architectures other installed plugins register under the same name."""
    return {
        name
        for name in weighthub.list_models()
        if name in CATALOGUE.architectures and weighthub.get_model_entry(name).plugin != "timm"
    }


def test_listing_imports_neither_timm_nor_torch():
    done = subprocess.run(
        [sys.executable, "-c", LISTING], capture_output=True, text=True, check=True, timeout=300
    )
    found = json.loads(done.stdout)
    assert found["imported"] == []
    registered = [arch for arch in REGISTERED if arch not in _taken_by_others()]
    assert found["models"] == sorted(registered)
    assert len(registered) == 1151 - 33 - ("efficientnet_lite0" not in registered)
    assert found["namespace"] == len(registered)
    tags = [
        f"{arch}_Weights.{weighthub_timm.member_name(entry['tag'])}"
        for arch in registered
        for entry in CATALOGUE.architectures[arch]
    ]
    assert found["weights"] == sorted(tags)
    assert "crop_pct=0.9" in found["transform"]
    # First-party names stay torchvision's, and nothing clashes.
    assert found["owners"] == {"resnet50": "classification", "vgg16": "classification"}
    assert found["warnings"] == ["MetaValidationWarning"]  # the schema's missing keys, no conflict


def test_first_party_names_see_no_conflict(only_plugins):
    only_plugins("classification", "timm")
    with warnings.catch_warnings():
        warnings.simplefilter("error", weighthub.PluginWarning)
        first_party = set(weighthub.list_models(plugin="classification"))
        timm_names = set(weighthub.list_models(plugin="timm"))
    assert not first_party & timm_names
    assert first_party & set(CATALOGUE.architectures) == CATALOGUE.torchvision_names
    assert len(timm_names) == 1151 - 33
    assert weighthub.get_model_entry("convnext_tiny").plugin == "classification"
    assert weighthub.get_model_entry("convnext_nano").plugin == "timm"


def test_a_name_an_earlier_plugin_registers_stays_its_own(only_plugins):
    # The example plugin (discovered before weighthub-timm) registers timm's efficientnet_lite0.
    only_plugins("efficientnet-lite", "timm")
    with warnings.catch_warnings():
        warnings.simplefilter("error", weighthub.PluginWarning)
        assert weighthub.get_model_entry("efficientnet_lite0").plugin == "efficientnet-lite"
        assert "efficientnet_lite0" not in weighthub.list_models(plugin="timm")
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
        print(weighthub.get_weight("convnext_nano_Weights.DEFAULT").meta["x_timm_name"])
        """
    )
    done = python_without("timm").run(code, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "no timm",
        "['aimv2_1b_patch14_224', 'aimv2_1b_patch14_336']",
        "convnext_nano.in12k_ft_in1k",
    ]
