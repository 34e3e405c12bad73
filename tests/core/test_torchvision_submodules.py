"""torchvision's implementation submodules under weighthub.models, torchvision-shaped __module__,
the load_state_dict_from_url patch point, and the lazy values' attributes (issue 20)."""

from __future__ import annotations

import importlib
import inspect
import os
import pickle
import pkgutil
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
import torch
import torchvision.models as tvm

import weighthub
import weighthub.models as models
from weighthub.models._submodules import SUBMODULES

FIRST_PARTY = "classification,detection,quantized,segmentation,video,optical-flow"
AREAS = {"": tvm, **{n: getattr(tvm, n) for n in ("detection", "quantization", "segmentation")}}
AREAS |= {"video": tvm.video, "optical_flow": tvm.optical_flow}


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        check=True,
        env={**base, "WEIGHTHUB_PLUGINS": FIRST_PARTY, **env},
        capture_output=True,
        text=True,
    )


def test_every_torchvision_submodule_has_a_counterpart():
    torchvision_modules = {
        info.name.removeprefix("torchvision.models.")
        for info in pkgutil.walk_packages(tvm.__path__, "torchvision.models.")
        if not info.ispkg
    }
    assert torchvision_modules - {"_api", "_utils"} == SUBMODULES
    for path in sorted(SUBMODULES):
        module = importlib.import_module(f"weighthub.models.{path}")
        theirs = importlib.import_module(f"torchvision.models.{path}")
        assert set(dir(theirs)) <= set(dir(module))
        for name in getattr(theirs, "__all__", ()):
            getattr(module, name)


def test_submodules_hold_torchvision_objects_and_weighthub_builders():
    assert models.resnet.Bottleneck is tvm.resnet.Bottleneck
    assert models.vision_transformer.ConvStemConfig is tvm.vision_transformer.ConvStemConfig
    assert models.detection.transform.GeneralizedRCNNTransform is (
        tvm.detection.transform.GeneralizedRCNNTransform
    )
    assert models.optical_flow.raft.CorrBlock is tvm.optical_flow.raft.CorrBlock
    # Builders and enums are weighthub's, wherever torchvision's module refers to them.
    assert models.resnet.resnet50 is models.resnet50 is weighthub.get_model_builder("resnet50")
    assert models.resnet.resnet50 is not tvm.resnet50
    assert models.quantization.resnet.resnet50 is models.quantization.resnet50
    assert models.detection.faster_rcnn.resnet50 is models.resnet50
    assert models.detection.faster_rcnn.ResNet50_Weights is models.ResNet50_Weights
    assert models.quantization.resnet.ResNet50_Weights is models.ResNet50_Weights
    assert models.video.resnet.r3d_18 is models.video.r3d_18
    # A plugin's export in a namespace of the same path wins over torchvision's object.
    backbone_utils = models.detection.backbone_utils
    assert (
        backbone_utils.resnet_fpn_backbone is not tvm.detection.backbone_utils.resnet_fpn_backbone
    )
    assert backbone_utils.BackboneWithFPN is tvm.detection.backbone_utils.BackboneWithFPN
    from weighthub.models._api import Weights
    from weighthub.models._utils import IntermediateLayerGetter, handle_legacy_interface

    assert Weights is weighthub.Weights
    assert IntermediateLayerGetter is tvm._utils.IntermediateLayerGetter
    assert handle_legacy_interface is weighthub.building.handle_legacy_interface
    star: dict[str, object] = {}
    exec("from weighthub.models.resnet import *", star)  # torchvision's __all__
    assert set(tvm.resnet.__all__) <= set(star)
    assert star["resnet50"] is models.resnet50


def test_a_submodule_of_a_builders_name_keeps_the_builder():
    import weighthub.models.alexnet
    import weighthub.models.quantization.googlenet
    import weighthub.models.video.s3d

    assert models.alexnet is weighthub.get_model_builder("alexnet")
    assert models.quantization.googlenet is weighthub.get_model_builder("quantized_googlenet")
    assert models.video.s3d is weighthub.get_model_builder("s3d")
    assert sys.modules["weighthub.models.alexnet"].AlexNet is tvm.AlexNet


def test_missing_names_say_where_to_look():
    with pytest.raises(
        AttributeError, match=r"weighthub\.models\.resnet.*nor has torchvision\.models\.resnet"
    ):
        models.resnet.resnet5000  # noqa: B018
    with pytest.raises(AttributeError, match="has no model, weights enum or export 'resnet5000'"):
        models.resnet5000  # noqa: B018
    # Without the detection plugin, its builders have no counterpart: the error names torchvision's.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import weighthub.models as m; m.detection.faster_rcnn.fasterrcnn_resnet50_fpn",
        ],
        env={**os.environ, "WEIGHTHUB_PLUGINS": "classification"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "AttributeError" in result.stderr
    assert "weighthub.models.detection.faster_rcnn.fasterrcnn_resnet50_fpn has no weighthub" in (
        result.stderr
    )
    assert "import it from torchvision.models.detection.faster_rcnn" in result.stderr


@pytest.mark.parametrize("area", list(AREAS))
def test_builders_have_torchvision_shaped_modules(area):
    names = tvm.list_models(AREAS[area])
    assert names
    for name in names:
        builder = weighthub.get_model_builder(name)
        theirs = tvm.get_model_builder(name)
        assert builder.__module__ == "weighthub." + theirs.__module__.removeprefix("torchvision.")
        assert builder.__module__.split(".")[-2] == (area or "models")
        # Pickled by reference, found again through the submodule; source and tracebacks intact.
        assert getattr(importlib.import_module(builder.__module__), builder.__name__) is builder
        assert pickle.loads(pickle.dumps(builder)) is builder
    assert "def " in inspect.getsource(builder)
    assert Path(inspect.getsourcefile(builder) or "").name.startswith("_")


def test_torchvision_shaped_module_needs_a_torchvision_builder():
    from weighthub.building import torchvision_shaped_module

    assert torchvision_shaped_module(tvm.ResNet, "resnet50") == "weighthub.models.resnet"
    assert torchvision_shaped_module(tvm.detection.ssd.SSD, "ssdlite320_mobilenet_v3_large") == (
        "weighthub.models.detection.ssdlite"
    )
    with pytest.raises(ValueError, match="torchvision has no builder 'mynet'"):
        torchvision_shaped_module(tvm.ResNet, "mynet")
    with pytest.raises(ValueError, match="is not a torchvision model class"):
        torchvision_shaped_module(torch.nn.Linear, "linear")


def test_downloads_go_through_the_patch_point(isolated_weighthub, monkeypatch):
    """Code written for torchvision stubs weights downloads by patching the modules under
    models.__path__; models._api.load_state_dict_from_url is the one weighthub calls."""
    state_dict = models.resnet18().state_dict()
    calls = []

    def stub(url, *args, **kwargs):
        calls.append(url)
        return state_dict

    patched = {
        info.name
        for info in pkgutil.walk_packages(models.__path__, "weighthub.models.")
        if "load_state_dict_from_url" in vars(sys.modules.get(info.name, object))
    }
    assert patched == {"weighthub.models._api"}
    monkeypatch.setattr(models._api, "load_state_dict_from_url", stub)
    model = models.resnet18(weights="DEFAULT")
    assert calls == [models.ResNet18_Weights.DEFAULT.url]
    assert torch.equal(model.fc.weight, state_dict["fc.weight"])
    assert not any(Path(os.environ["WEIGHTHUB_HOME"]).rglob("*.pth"))


def test_lazy_values_look_like_the_builder_before_use():
    _run(
        """
        import inspect, sys, warnings
        import weighthub.models as models
        lazy = models.__dict__["resnet50"]
        assert type(lazy).__name__ == "LazyObject"
        assert lazy.__name__ == "resnet50"
        assert "torch" not in sys.modules
        real = models.resnet50
        assert models.__dict__["resnet50"] is real
        for attribute in ("__doc__", "__module__", "__qualname__", "__annotations__"):
            assert getattr(lazy, attribute) == getattr(real, attribute), attribute
        assert lazy.__module__ == "weighthub.models.resnet"
        assert inspect.signature(lazy) == inspect.signature(real)
        assert getattr(lazy, "__wrapped__", None) == getattr(real, "__wrapped__", None)
        lazy_enum = models.__dict__["ResNet18_Weights"]
        assert lazy_enum.__doc__ == models.ResNet18_Weights.__doc__
        """
    )


def test_warnings_through_lazy_values_point_at_the_caller(tmp_path):
    script = tmp_path / "caller.py"
    script.write_text(
        textwrap.dedent(
            """
            import warnings
            import weighthub.models as models
            builder = models.__dict__["resnet18"]
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                builder(pretrained=False)
            assert caught, "no warning"
            for warning in caught:
                assert warning.filename == __file__, (warning.filename, str(warning.message))
                assert warning.lineno == 7, warning.lineno
            """
        )
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    subprocess.run(
        [sys.executable, str(script)], check=True, env={**base, "WEIGHTHUB_PLUGINS": FIRST_PARTY}
    )


def test_weighthub_models_is_an_attribute_of_weighthub():
    _run(
        """
        import sys
        import weighthub
        assert "weighthub.models" not in sys.modules
        assert "models" in dir(weighthub)
        models = weighthub.models
        assert models is sys.modules["weighthub.models"]
        import weighthub.models._api, weighthub.models._utils
        assert "torch" not in sys.modules
        """
    )


def test_legacy_warnings_in_process_point_at_the_caller():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        models.resnet18(pretrained=False)
    assert caught
    assert {w.filename for w in caught} == {__file__}
