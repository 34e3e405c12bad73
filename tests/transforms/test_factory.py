"""``preset()`` and ``PresetFactory``: a torch-free, immutable, comparable transform constructor."""

from __future__ import annotations

import copy
import dataclasses
import functools
import pickle
import subprocess
import sys
import textwrap

import pytest
import torch
import torchvision.transforms._presets as tv_presets
from torchvision.transforms import InterpolationMode

import weighthub.transforms as wt
from weighthub import Weights
from weighthub.transforms import PresetFactory, preset


def test_attributes():
    factory = preset("ImageClassification", crop_size=224, resize_size=232)
    assert isinstance(factory, PresetFactory)
    assert factory.name == "ImageClassification"
    assert dict(factory.keywords) == {"crop_size": 224, "resize_size": 232}
    assert factory.args == ()
    assert factory.func is wt.ImageClassification
    with pytest.raises(TypeError):
        factory.keywords["crop_size"] = 1  # type: ignore[index]


def test_call_builds_the_preset():
    transform = preset("ImageClassification", crop_size=224, resize_size=232)()
    assert isinstance(transform, wt.ImageClassification)
    expected = tv_presets.ImageClassification(crop_size=224, resize_size=232)
    assert transform.describe() == expected.describe()
    for name, cls in [("ObjectDetection", wt.ObjectDetection), ("OpticalFlow", wt.OpticalFlow)]:
        assert isinstance(preset(name)(), cls)
    video = preset("VideoClassification", crop_size=(112, 112), resize_size=(128, 171))()
    assert video.crop_size == [112, 112]
    assert isinstance(preset("SemanticSegmentation", resize_size=None)(), wt.SemanticSegmentation)


def test_overrides():
    factory = preset("ImageClassification", crop_size=224, resize_size=232)
    transform = factory(crop_size=400, resize_size=400)
    assert transform.crop_size == [400]
    assert transform.resize_size == [400]
    assert factory(antialias=False).antialias is False
    # The factory itself is unchanged.
    assert dict(factory.keywords) == {"crop_size": 224, "resize_size": 232}
    # Settings can be left to the call.
    assert preset("ImageClassification")(crop_size=128).crop_size == [128]


def test_equality_and_hash():
    a = preset("ImageClassification", crop_size=224, resize_size=232)
    b = preset("ImageClassification", resize_size=232, crop_size=224)
    assert a == b
    assert hash(a) == hash(b)
    assert a != preset("ImageClassification", crop_size=224)
    assert a != preset("SemanticSegmentation", resize_size=232)
    assert a != functools.partial(tv_presets.ImageClassification, crop_size=224, resize_size=232)
    assert len({a, b, preset("ObjectDetection")}) == 2
    # Unhashable values (lists) still hash, by their frozen stand-ins.
    c = preset("ImageClassification", crop_size=224, mean=[0.5, 0.5, 0.5])
    assert hash(c) == hash(preset("ImageClassification", crop_size=224, mean=[0.5, 0.5, 0.5]))


def test_frozen():
    factory = preset("ObjectDetection")
    with pytest.raises(dataclasses.FrozenInstanceError):
        factory.name = "OpticalFlow"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        factory._settings = {}  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del factory._name


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle(protocol):
    factory = preset("ImageClassification", crop_size=384, resize_size=384, interpolation="bicubic")
    restored = pickle.loads(pickle.dumps(factory, protocol=protocol))
    assert restored == factory
    assert hash(restored) == hash(factory)
    assert repr(restored) == repr(factory)


def test_copy_and_deepcopy():
    factory = preset("ImageClassification", crop_size=224, mean=[0.5, 0.5, 0.5])
    for clone in (copy.copy(factory), copy.deepcopy(factory)):
        assert clone == factory
        assert hash(clone) == hash(factory)
    assert copy.deepcopy(factory).keywords["mean"] is not factory.keywords["mean"]


def test_weights_with_a_factory_deepcopy_and_pickle_equal():
    weights = Weights(
        url="https://example.com/net-0123abcd.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={"categories": None},
    )
    assert copy.deepcopy(weights) == weights
    assert pickle.loads(pickle.dumps(weights)) == weights


@pytest.mark.parametrize(
    "spelling",
    ["bicubic", "BICUBIC", "Bicubic", "InterpolationMode.BICUBIC", InterpolationMode.BICUBIC],
)
def test_interpolation_spellings(spelling):
    factory = preset("ImageClassification", crop_size=384, interpolation=spelling)
    assert factory.keywords["interpolation"] == "bicubic"
    assert factory == preset("ImageClassification", crop_size=384, interpolation="bicubic")
    transform = factory()
    assert transform.interpolation is InterpolationMode.BICUBIC
    expected = tv_presets.ImageClassification(
        crop_size=384, interpolation=InterpolationMode.BICUBIC
    )
    assert transform.describe() == expected.describe()


def test_interpolation_overrides():
    factory = preset("ImageClassification", crop_size=224, interpolation="bicubic")
    assert (
        factory(interpolation=InterpolationMode.NEAREST).interpolation is InterpolationMode.NEAREST
    )
    assert factory(interpolation="nearest-exact").interpolation is InterpolationMode.NEAREST_EXACT
    assert factory(interpolation="NEAREST_EXACT").interpolation is InterpolationMode.NEAREST_EXACT


def test_unknown_interpolation():
    with pytest.raises(ValueError, match=r"Did you mean 'bicubic'\?"):
        preset("ImageClassification", crop_size=224, interpolation="bicubik")
    with pytest.raises(ValueError, match="Unknown interpolation"):
        preset("ImageClassification", crop_size=224)(interpolation="trilinear")


def test_repr():
    assert repr(preset("ImageClassification", resize_size=232, crop_size=224)) == (
        "preset('ImageClassification', crop_size=224, resize_size=232)"
    )
    assert repr(preset("ObjectDetection")) == "preset('ObjectDetection')"
    assert repr(preset("ImageClassification", crop_size=384, interpolation="BICUBIC")) == (
        "preset('ImageClassification', crop_size=384, interpolation='bicubic')"
    )


def test_unknown_preset_name():
    with pytest.raises(ValueError, match=r"Did you mean 'ImageClassification'") as info:
        preset("ImageClassifcation", crop_size=224)
    assert "'ImageClassifcation'" in str(info.value)
    assert "package.module:ClassName" in str(info.value)
    with pytest.raises(ValueError, match=r"Did you mean 'OpticalFlow'\?"):
        preset("opticalflow")
    with pytest.raises(ValueError, match="Unknown preset"):
        preset("not a module:Class")


def test_unknown_setting():
    with pytest.raises(TypeError, match=r"Did you mean 'crop_size' or 'crop_mode'\?"):
        preset("ImageClassification", crop_sise=224)
    with pytest.raises(TypeError, match="no parameter 'antialias'"):
        preset("VideoClassification", crop_size=(112, 112), resize_size=(128,), antialias=True)
    with pytest.raises(TypeError):
        preset("ObjectDetection", resize_size=1)


def test_third_party_class():
    spec = "torchvision.transforms._presets:ImageClassification"
    factory = preset(spec, crop_size=224, interpolation="bicubic")
    assert factory.name == spec
    assert factory.func is tv_presets.ImageClassification
    transform = factory(resize_size=300)
    assert isinstance(transform, tv_presets.ImageClassification)
    assert transform.interpolation is InterpolationMode.BICUBIC
    assert transform.resize_size == [300]
    # A nested attribute path.
    assert preset("torchvision.transforms:InterpolationMode.__call__").func is not None
    # Unknown settings of third-party classes fail at call time, as the class decides.
    with pytest.raises(TypeError):
        preset(spec, crop_size=224, bogus=1)()


def test_third_party_import_errors():
    with pytest.raises(ModuleNotFoundError):
        preset("weighthub_no_such_module:Preset")()
    with pytest.raises(ImportError, match="cannot import 'NoSuchPreset'"):
        _ = preset("torchvision.transforms._presets:NoSuchPreset").func


def test_namespace():
    assert set(wt.__all__) == {
        "preset",
        "PresetFactory",
        "ImageClassification",
        "ObjectDetection",
        "SemanticSegmentation",
        "VideoClassification",
        "OpticalFlow",
    }
    assert set(wt.__all__) <= set(dir(wt))
    for name in wt.__all__:
        assert getattr(wt, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = wt.Nope  # type: ignore[attr-defined]
    assert issubclass(wt.ImageClassification, torch.nn.Module)


def test_import_does_not_import_torch():
    code = textwrap.dedent(
        """
        import copy, pickle, sys
        import weighthub.transforms as wt
        from weighthub.transforms import PresetFactory, preset

        assert "ImageClassification" in dir(wt)
        f = preset("ImageClassification", crop_size=224, resize_size=232, interpolation="bicubic")
        g = pickle.loads(pickle.dumps(f))
        assert f == g == copy.deepcopy(f) and hash(f) == hash(g), (f, g)
        repr(f), dict(f.keywords), f.name
        preset("package.module:ClassName", size=1)
        for name in ("torch", "torchvision"):
            assert name not in sys.modules, f"{name} was imported"
        wt.ImageClassification
        assert "torch" in sys.modules
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
