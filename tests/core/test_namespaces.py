"""weighthub.models and its torchvision-shaped namespaces, list_models(module), lazy __dict__."""

from __future__ import annotations

import copy
import importlib
import os
import pickle
import subprocess
import sys
import textwrap

import pytest
import torchvision.models as tvm

import weighthub
import weighthub.models as models

NAMESPACES = ("detection", "quantization", "segmentation", "video", "optical_flow")
FIRST_PARTY = "classification,detection,quantized,segmentation,video,optical-flow"


def _run(code: str, **env: str) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    subprocess.run([sys.executable, "-c", textwrap.dedent(code)], check=True, env={**base, **env})


def _builders_in(module: object) -> set[str]:
    """The pytorch/examples and torchvision test idiom: lowercase public callables in __dict__."""
    return {
        v.__name__
        for k, v in vars(module).items()
        if callable(v) and k[0].islower() and k[0] != "_" and k not in models._api.__all__
    }


def test_namespaces_and_dict_scans_import_no_torch():
    _run(
        """
        import sys
        import weighthub.models as models
        from weighthub.models import detection, quantization, segmentation, video, optical_flow
        import weighthub.models.detection.backbone_utils
        names = {}
        for module in (models, detection, quantization, segmentation, video, optical_flow):
            names[module.__name__] = sorted(
                k for k, v in module.__dict__.items()
                if k.islower() and not k.startswith("__") and callable(module.__dict__[k])
            )
            names[module.__name__ + " list"] = models.list_models(module)
            dir(module)
        assert "torch" not in sys.modules, "scanning the namespaces imported torch"
        model = models.__dict__["resnet18"](weights=None)
        assert type(model).__name__ == "ResNet"
        assert "torch" in sys.modules
        import json
        print(json.dumps(names))
        """,
        WEIGHTHUB_PLUGINS=FIRST_PARTY,
    )


@pytest.fixture
def first_party_only(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WEIGHTHUB_PLUGINS", FIRST_PARTY)
    weighthub.reload_plugins()
    yield
    monkeypatch.undo()
    weighthub.reload_plugins()


@pytest.mark.parametrize("namespace", ["", *NAMESPACES])
def test_list_models_of_a_namespace_is_torchvisions(first_party_only, namespace):
    ours = getattr(models, namespace) if namespace else models
    theirs = getattr(tvm, namespace) if namespace else tvm
    assert models.list_models(ours) == tvm.list_models(theirs)
    assert weighthub.list_models(ours, include="*5*") == tvm.list_models(theirs, include="*5*")


@pytest.mark.parametrize("namespace", ["", *NAMESPACES])
def test_dict_scan_gives_torchvisions_builders(first_party_only, namespace):
    ours = getattr(models, namespace) if namespace else models
    theirs = getattr(tvm, namespace) if namespace else tvm
    listed = {name.replace("quantized_", "") for name in models.list_models(ours)}
    assert _builders_in(ours) == listed
    tv_idiom = {
        k for k, v in vars(theirs).items() if k.islower() and not k.startswith("_") and callable(v)
    }
    our_idiom = {
        k for k, v in vars(ours).items() if k.islower() and not k.startswith("_") and callable(v)
    }
    assert our_idiom == tv_idiom


def test_dict_holds_enums_and_classes_that_resolve_on_use(first_party_only):
    lazy_enum = models.quantization.__dict__["ResNet50_QuantizedWeights"]
    assert lazy_enum.__name__ == "ResNet50_QuantizedWeights"
    assert lazy_enum.DEFAULT.name == "IMAGENET1K_FBGEMM_V2"
    assert len(lazy_enum) == 2 and "IMAGENET1K_FBGEMM_V1" in lazy_enum.__members__
    assert lazy_enum == weighthub.get_model_weights("quantized_resnet50")
    model = models.__dict__["resnet18"](weights=None)
    assert isinstance(model, models.__dict__["ResNet"])
    assert isinstance(model, models.ResNet) and models.ResNet is tvm.ResNet
    # After attribute access the __dict__ holds the real object.
    assert models.__dict__["ResNet"] is tvm.ResNet


@pytest.mark.parametrize(
    ("name", "builder", "enum"),
    [
        ("resnet50", "resnet50", "ResNet50_Weights"),
        ("retinanet_resnet50_fpn_v2", "detection.retinanet_resnet50_fpn_v2", None),
        ("raft_large", "optical_flow.raft_large", "optical_flow.Raft_Large_Weights"),
        ("quantized_resnet50", "quantization.resnet50", "quantization.ResNet50_QuantizedWeights"),
        ("lraspp_mobilenet_v3_large", "segmentation.lraspp_mobilenet_v3_large", None),
        ("mvit_v1_b", "video.mvit_v1_b", "video.MViT_V1_B_Weights"),
    ],
)
def test_builders_and_enums_match_the_registry(name, builder, enum):
    def attribute(path: str) -> object:
        obj: object = models
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj

    assert models.get_model_builder(name) == attribute(builder)
    assert models.get_model_builder(name) is attribute(builder)
    weights = models.get_model_weights(name)
    if enum is not None:
        assert weights is attribute(enum)
    assert weights is models.get_model_weights(attribute(builder))
    for member in weights:
        assert copy.copy(member) is member and copy.deepcopy(member) is member
        assert pickle.loads(pickle.dumps(member)) is member


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ResNet50_Weights.IMAGENET1K_V1", "ResNet50_Weights.IMAGENET1K_V1"),
        ("ResNet50_Weights.DEFAULT", "ResNet50_Weights.IMAGENET1K_V2"),
        ("ResNet50_QuantizedWeights.DEFAULT", "ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2"),
    ],
)
def test_get_weight_gives_the_namespace_members(name, expected):
    enum, member = expected.split(".")
    namespace = models.quantization if "Quantized" in enum else models
    assert models.get_weight(name) is getattr(getattr(namespace, enum), member)


def test_every_builder_of_every_namespace_has_an_enum_with_default():
    for module in (models, *(getattr(models, n) for n in NAMESPACES)):
        for name in models.list_models(module):
            enum = models.get_model_weights(models.get_model_builder(name))
            assert len(enum) == 0 or hasattr(enum, "DEFAULT"), name


def test_torchvision_support_modules():
    from weighthub.models import Weights, WeightsEnum
    from weighthub.models._utils import handle_legacy_interface

    assert (Weights, WeightsEnum) == (weighthub.Weights, weighthub.WeightsEnum)
    assert handle_legacy_interface is weighthub.handle_legacy_interface
    assert {n for n in tvm._api.__all__ if n.islower()} <= set(models._api.__all__)


def test_list_models_rejects_other_modules_with_a_task_hint():
    with pytest.raises(TypeError, match=r"weighthub\.models\.detection.*task="):
        weighthub.list_models(tvm.detection)
    with pytest.raises(TypeError, match="task="):
        weighthub.list_models(os)
    with pytest.raises(TypeError, match="task="):
        weighthub.list_models(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="twice"):
        weighthub.list_models("resnet*", include="vgg*")


@pytest.mark.parametrize("patterns", [{"*alexnet*": "x", "vgg1?": "y"}, {"*alexnet*", "vgg1?"}])
def test_list_models_takes_any_iterable_of_patterns(patterns):
    expected = ["alexnet", "vgg11", "vgg13", "vgg16", "vgg19"]
    assert models.list_models(models, include=patterns) == expected
    assert weighthub.list_models(patterns, exclude=("vgg1[1-6]",)) == ["alexnet", "vgg19"]


def test_missing_names_get_hints(monkeypatch):
    with pytest.raises(AttributeError, match=r"resnet50.*weighthub list"):
        _ = models.detection.resnet51
    with pytest.raises(
        AttributeError, match=r"It is in weighthub\.models: weighthub\.models\.vgg16"
    ):
        _ = models.detection.vgg16
    with pytest.raises(AttributeError, match="nosuchnamespace"):
        _ = models.nosuchnamespace
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("weighthub.models.nosuchnamespace")
    monkeypatch.setenv("WEIGHTHUB_DISABLE_PLUGINS", "detection")
    weighthub.reload_plugins()
    assert models.list_models(models.detection) == []
    assert "fasterrcnn_resnet50_fpn" not in vars(models.detection)
    with pytest.raises(AttributeError, match="'weighthub-detection' is installed but disabled"):
        _ = models.detection.fasterrcnn_resnet50_fpn
    monkeypatch.undo()
    weighthub.reload_plugins()
    assert callable(models.detection.fasterrcnn_resnet50_fpn)


def test_registered_names_stay_reachable_at_the_top():
    assert models.quantized_resnet50 is models.quantization.resnet50
    assert models.RetinaNet_ResNet50_FPN_V2_Weights is weighthub.get_model_weights(
        "retinanet_resnet50_fpn_v2"
    )
    assert "quantized_resnet50" not in vars(models)


def test_third_party_plugin_declares_its_own_namespace(use_plugins):
    use_plugins("good")
    toys = importlib.import_module("weighthub.models.toys")

    assert weighthub.list_models(toys) == ["plainnet"]
    assert weighthub.list_models(models) == ["goodnet"]
    assert "toys" in dir(models)
    assert "plainnet" in vars(toys) and "plainnet" not in vars(models)
    import torch

    assert isinstance(toys.plainnet(), toys.Identity) and toys.Identity is torch.nn.Identity
    use_plugins("classification")
    assert "plainnet" not in vars(toys), "a namespace forgets what a reload removed"


def test_registry_validates_namespaces(use_plugins):
    registry = weighthub.Registry("p", None)
    with pytest.raises(ValueError, match="dotted identifiers"):
        registry.add_model("x", task="t", builder="m:x", namespace="de-tection")
    with pytest.raises(ValueError, match="not a valid identifier"):
        registry.add_export("1x", "m:x")
    with pytest.raises(ValueError, match="module:attribute"):
        registry.add_export("X", "no-colon")


def test_star_import_gives_the_real_objects(first_party_only):
    scope: dict[str, object] = {}
    exec("from weighthub.models.detection import *", scope)
    assert scope["fasterrcnn_resnet50_fpn"] is models.get_model_builder("fasterrcnn_resnet50_fpn")
    assert scope["RetinaNet"] is tvm.detection.RetinaNet
    exec("from weighthub.models import *", scope)
    assert scope["resnet50"] is models.get_model_builder("resnet50")
    assert {"get_model", "list_models", "Weights", "WeightsEnum"} <= set(scope)


def test_weighthub_models_after_a_bare_import_weighthub():
    _run(
        """
        import sys
        import weighthub
        assert "models" in dir(weighthub)
        assert "fasterrcnn_resnet50_fpn" in dir(weighthub.models.detection)
        assert "torch" not in sys.modules, "weighthub.models imported torch"
        assert weighthub.models.resnet18 is weighthub.get_model_builder("resnet18")
        """,
        WEIGHTHUB_PLUGINS=FIRST_PARTY,
    )
