"""The plugin plumbing core owns: bulk registration, lazy package exports, aux heads, backbones.

Exercised through the first-party plugins that use them (real distributions of this checkout).
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

import weighthub
from weighthub import building

# torchvision's own warning text (torchvision/models/googlenet.py).
AUX_WARNING = (
    "auxiliary heads in the pretrained googlenet model are NOT pretrained, so make sure to train "
    "them"
)


# --- Registry.add_models / add_exports ------------------------------------------------------


def test_add_models_resolves_relative_references_against_the_package():
    registry = weighthub.Registry("mine", "my-dist")
    registry.add_models(
        {
            "r3d_18": ("._builders", "._weights:R3D_18_Weights"),
            "quantized_resnet18": ("weighthub_quantized._builders:resnet18", None),
        },
        task="video_classification",
        package="weighthub_video",
        namespace="video",
    )
    r3d, resnet = registry.entries
    assert (r3d.name, r3d.task, r3d.namespace, r3d.attribute) == (
        "r3d_18",
        "video_classification",
        "video",
        "r3d_18",
    )
    assert r3d.builder_ref == "weighthub_video._builders:r3d_18"
    assert r3d.weights_ref == "weighthub_video._weights:R3D_18_Weights"
    assert r3d.origin == "plugin 'mine' (distribution 'my-dist')"
    import weighthub_video._builders

    assert r3d.load_builder() is weighthub_video._builders.r3d_18
    # An absolute builder keeps its own attribute as the name in the namespace.
    assert resnet.builder_ref == "weighthub_quantized._builders:resnet18"
    assert (resnet.attribute, resnet.weights_ref) == ("resnet18", None)


def test_add_models_registers_nothing_when_one_model_is_invalid():
    registry = weighthub.Registry("mine", None)
    registry.add_model("kept", task="image_classification", builder="pkg.mod:kept")
    with pytest.raises(ValueError, match="'not valid'"):
        registry.add_models(
            {"first": ("pkg.mod", None), "not valid": ("pkg.mod", None)},
            task="image_classification",
        )
    assert [entry.name for entry in registry.entries] == ["kept"]


def test_a_relative_reference_without_a_package_says_how_to_fix_it():
    registry = weighthub.Registry("mine", None)
    with pytest.raises(ValueError, match=r"'resnet'.*'\._builders'.*add_models\(package=\.\.\.\)"):
        registry.add_models({"resnet": ("._builders", None)}, task="image_classification")
    assert registry.entries == []


def test_add_exports_places_each_name_or_none():
    registry = weighthub.Registry("mine", None)
    registry.add_exports(["FCN", "LRASPP"], "torchvision.models.segmentation", namespace="seg")
    assert [(e.name, e.namespace, e.obj_ref) for e in registry.exports] == [
        ("FCN", "seg", "torchvision.models.segmentation:FCN"),
        ("LRASPP", "seg", "torchvision.models.segmentation:LRASPP"),
    ]
    with pytest.raises(ValueError, match="'no-good'"):
        registry.add_exports(["DeepLabV3", "no-good"], "torchvision.models.segmentation")
    assert len(registry.exports) == 2


def test_first_party_plugins_registered_in_bulk_keep_torchvision_names(only_plugins):
    import torchvision.models.quantization as tvq

    only_plugins("quantized", "detection")
    import weighthub.models as models

    assert models.quantization.resnet50 is weighthub.get_model_builder("quantized_resnet50")
    assert models.quantization.QuantizableResNet is tvq.QuantizableResNet
    assert weighthub.list_models(models.quantization) == weighthub.list_models(
        include="quantized_*"
    )
    backbone_utils = models.detection.backbone_utils
    from weighthub_detection._backbone_utils import resnet_fpn_backbone

    assert backbone_utils.resnet_fpn_backbone is resnet_fpn_backbone


# --- building.lazy_exports --------------------------------------------------------------------


def test_plugin_packages_export_lazily_without_torch():
    script = textwrap.dedent(
        """
        import sys
        import weighthub_classification, weighthub_quantized, weighthub_video
        import weighthub_detection, weighthub_segmentation, weighthub_optical_flow
        assert "torch" not in sys.modules
        assert "resnet50" in dir(weighthub_quantized) and "resnet50" in weighthub_quantized.__all__
        assert weighthub_quantized.__all__ == sorted(weighthub_quantized.__all__)
        assert set(weighthub_detection.__all__) <= set(dir(weighthub_detection))
        try:
            weighthub_video.nope
        except AttributeError as exc:
            assert str(exc) == "module 'weighthub_video' has no attribute 'nope'", exc
        else:
            raise AssertionError("no AttributeError")
        assert "torch" not in sys.modules
        builder = weighthub_video.r3d_18
        assert "torch" in sys.modules
        assert vars(weighthub_video)["r3d_18"] is builder  # kept: no second __getattr__
        from weighthub_video._builders import r3d_18
        assert builder is r3d_18
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)


# --- building.drop_auxiliary_heads ------------------------------------------------------------


@pytest.fixture
def googlenet_weights(weights_server):
    import torch
    import torchvision

    torch.manual_seed(0)
    source = torchvision.models.googlenet(weights=None, aux_logits=True, init_weights=True)
    member = weighthub.get_weight("GoogLeNet_Weights.IMAGENET1K_V1")
    weights_server.serve(member, source.state_dict())
    return member


def _aux_warnings(caught: list[warnings.WarningMessage]) -> list[warnings.WarningMessage]:
    return [w for w in caught if "auxiliary heads" in str(w.message)]


@pytest.mark.parametrize(
    ("builder", "options"),
    [
        ("googlenet", {}),
        ("quantized_googlenet", {"quantize": False}),
    ],
)
def test_googlenet_keeps_untrained_aux_heads_only_on_request(googlenet_weights, builder, options):
    build = weighthub.get_model_builder(builder)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dropped = build(weights=googlenet_weights, **options)
    assert _aux_warnings(caught) == []
    assert (dropped.aux_logits, dropped.aux1, dropped.aux2) == (False, None, None)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kept = build(weights=googlenet_weights, aux_logits=True, **options)
    [warning] = _aux_warnings(caught)
    assert str(warning.message) == AUX_WARNING
    assert warning.category is UserWarning
    assert Path(warning.filename) == Path(__file__), "the warning points at the caller"
    assert kept.aux_logits and kept.aux1 is not None and kept.aux2 is not None


def test_drop_auxiliary_heads_on_inception_v3():
    import torchvision

    model = torchvision.models.inception_v3(weights=None, aux_logits=True, init_weights=False)
    building.drop_auxiliary_heads(model, ("AuxLogits",), keep=True)
    assert model.aux_logits and model.AuxLogits is not None
    building.drop_auxiliary_heads(model, ("AuxLogits",), keep=False)
    assert (model.aux_logits, model.AuxLogits) == (False, None)
    assert all(child is not None for child in model.children())  # unregistered, not kept


# --- the default backbone references ----------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "torchvision_builder"),
    [
        ("RESNET50_V1", "torchvision.models.detection:fasterrcnn_resnet50_fpn"),
        ("MOBILENET_V3_LARGE_V1", "torchvision.models.detection:ssdlite320_mobilenet_v3_large"),
        ("VGG16_FEATURES", "torchvision.models.detection:ssd300_vgg16"),
        ("RESNET101_V1", "torchvision.models.segmentation:fcn_resnet101"),
    ],
)
def test_backbone_references_are_torchvisions_defaults(reference, torchvision_builder):
    module, _, name = torchvision_builder.partition(":")
    theirs = getattr(importlib.import_module(module), name)
    ref = getattr(building, reference)
    default = inspect.signature(theirs).parameters["weights_backbone"].default
    assert repr(ref) == f"{type(default).__name__}.{default.name}"
    assert ref.resolve() is weighthub.get_weight(repr(ref))
    ours = weighthub.get_model_builder(name)
    assert inspect.signature(ours).parameters["weights_backbone"].default is ref
