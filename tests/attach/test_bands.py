"""Weights that change the architecture's input and lack its head, with a domain's own meta.

The ``bands`` test plugin publishes weights as torchgeo does: a timm ResNet built with
``in_chans=13`` (or 3), checkpoints without the ``fc`` head, meta keys of its own (``in_chans``,
``bands``, ``dataset`` ...), no ``DEFAULT``. Checkpoints are generated here and served from a
loopback server through the mirror setting.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
import timm
import torch

import weighthub
import weighthub.testing
from weighthub import Weights, WeightsEnum
from weighthub.meta import validate_meta
from weighthub.transforms import preset

ALL = "SENTINEL2_ALL_MOCO"
HEAD = {"fc.weight", "fc.bias"}


def _backbone(in_chans: int, *, seed: int = 0) -> dict[str, torch.Tensor]:
    """A checkpoint of torchgeo's shape: timm's resnet18 for ``in_chans`` bands, without fc."""
    torch.manual_seed(seed)
    state = timm.create_model("resnet18", in_chans=in_chans).state_dict()
    return {k: v for k, v in state.items() if k not in HEAD}


@pytest.fixture
def bands(use_plugins: Any, weights_server: Any) -> Any:
    use_plugins("bands")
    return weighthub.get_model_weights("bandnet18")


def test_headless_multiband_weights_load_as_torchgeo_builds_them(bands, weights_server):
    state = _backbone(13)
    weights_server.serve(bands.SENTINEL2_ALL_MOCO, state)
    model = weighthub.get_model("bandnet18", weights=ALL)

    # torchgeo's recipe: timm.create_model(in_chans=13), then a load that may only miss the head.
    recipe = timm.create_model("resnet18", in_chans=13)
    missing, unexpected = recipe.load_state_dict(state, strict=False)
    assert set(missing) == HEAD
    assert unexpected == []
    ours, theirs = model.state_dict(), recipe.state_dict()
    for key, value in state.items():
        assert torch.equal(ours[key], value), key
        assert torch.equal(ours[key], theirs[key]), key
    assert model.conv1.weight.shape == (64, 13, 7, 7)
    assert model.fc.weight.shape == (1000, 512)  # freshly initialised, on a real device
    assert not model.fc.weight.is_meta
    assert model.fc.weight.abs().sum() > 0
    image = torch.rand(2, 13, 300, 400) * 10_000
    out = model.eval()(bands.SENTINEL2_ALL_MOCO.transforms()(image))
    assert out.shape == (2, 1000)


def test_a_checkpoint_carrying_the_declared_missing_head_is_refused(bands, weights_server):
    torch.manual_seed(0)
    weights_server.serve(
        bands.SENTINEL2_ALL_MOCO, timm.create_model("resnet18", in_chans=13).state_dict()
    )
    with pytest.raises(weighthub.CheckpointMismatchError) as caught:
        weighthub.get_model("bandnet18", weights=ALL)
    message = str(caught.value)
    assert "Bandnet18_Weights.SENTINEL2_ALL_MOCO" in message
    assert "keys of its declared missing head that the checkpoint carries: fc.weight" in message
    assert isinstance(caught.value, RuntimeError)
    assert caught.value.name == "Bandnet18_Weights.SENTINEL2_ALL_MOCO"


def test_in_chans_disagreeing_with_the_first_layer_names_the_layer(bands, weights_server):
    weights_server.serve(bands.SENTINEL2_ALL_MOCO, _backbone(3))
    with pytest.raises(weighthub.CheckpointMismatchError) as caught:
        weighthub.get_model("bandnet18", weights=ALL)
    message = str(caught.value)
    assert "conv1.weight (checkpoint (64, 3, 7, 7), model (64, 13, 7, 7))" in message
    assert "model_kwargs {'in_chans': 13}" in message
    assert "Make model_kwargs describe the checkpoint" in message
    assert caught.value.keys == ["conv1.weight"]


def test_a_key_missing_outside_the_declared_head_is_an_error_naming_it(bands, weights_server):
    state = _backbone(13)
    del state["layer4.1.bn2.weight"]
    weights_server.serve(bands.SENTINEL2_ALL_MOCO, state)
    with pytest.raises(weighthub.CheckpointMismatchError, match=r"layer4\.1\.bn2") as caught:
        weighthub.get_model("bandnet18", weights=ALL)
    assert "missing keys outside its declared head: layer4.1.bn2.weight" in str(caught.value)


class Wrong_Weights(WeightsEnum):
    VIT_HEAD = Weights(
        url="https://example.invalid/wh-test/wrong_head-0123abcd.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={},
        missing_head=("head.*",),
    )


def test_a_declared_head_that_is_not_the_models_suggests_the_keys_it_lacks(weights_server):
    weights_server.serve(Wrong_Weights.VIT_HEAD, _backbone(3))
    with pytest.raises(weighthub.CheckpointMismatchError) as caught:
        weighthub.construct_model(
            lambda: timm.create_model("resnet18"), Wrong_Weights.VIT_HEAD, progress=False
        )
    message = str(caught.value)
    assert "Wrong_Weights.VIT_HEAD" in message
    assert "missing_head pattern 'head.*' names no key of the model" in message
    assert "missing keys outside its declared head: fc.weight, fc.bias" in message
    assert "missing_head=('fc.*',)" in message


def test_the_plugin_passes_the_conformance_kit_strictly(bands, monkeypatch):
    monkeypatch.setenv("WEIGHTHUB_STRICT", "1")
    weighthub.reload_plugins()
    report = weighthub.testing.check_plugin("bands", ops_sample=None)
    assert report.ok, report.format()
    assert sorted(report.checked_weights) == [
        "Bandnet18_Weights.SENTINEL2_ALL_MOCO",
        "Bandnet18_Weights.SENTINEL2_RGB_MOCO",
    ]
    assert any("Bandnet18_Weights has no DEFAULT alias" in note for note in report.notes)


def test_weighthub_check_passes_strictly_in_a_real_process(bands, monkeypatch, test_plugins_site):
    monkeypatch.setenv("WEIGHTHUB_STRICT", "1")
    monkeypatch.setenv("PYTHONPATH", str(test_plugins_site))
    done = subprocess.run(
        [sys.executable, "-m", "weighthub", "check", "bands", "--ops-sample", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no DEFAULT alias" in done.stdout


def test_enum_members_are_listed_without_default(bands):
    assert [m.name for m in bands] == ["SENTINEL2_ALL_MOCO", "SENTINEL2_RGB_MOCO"]
    assert weighthub.get_weight("Bandnet18_Weights.SENTINEL2_RGB_MOCO").meta["in_chans"] == 3
    with pytest.raises(weighthub.UnknownWeightsMemberError, match="DEFAULT"):
        weighthub.get_weight("Bandnet18_Weights.DEFAULT")


# The domain's meta keys ---------------------------------------------------------------------

DOMAIN = {"in_chans": int, "bands": list[str], "dataset": str, "ssl_method": str | None}
HEADLESS = {
    "num_params": 10,
    "min_size": (1, 1),
    "_ops": 0.5,
    "_file_size": 1.0,
    "recipe": "https://example.invalid",
    "_docs": "docs",
    "in_chans": 2,
    "bands": ["VV", "VH"],
    "dataset": "SSL4EO-S12",
    "ssl_method": None,
}


def test_declared_domain_keys_need_no_prefix_and_headless_weights_no_categories():
    assert validate_meta(HEADLESS, "image_classification", headless=True, domain_keys=DOMAIN) == []


def test_an_undeclared_domain_key_is_named_with_the_fix():
    problems = dict(validate_meta(HEADLESS, "image_classification", headless=True))
    assert set(problems) == {"in_chans", "bands", "dataset", "ssl_method"}
    assert "registry.add_meta_keys(bands=...)" in problems["bands"]
    assert "or prefix it with 'x_'" in problems["bands"]
    typo = dict(
        validate_meta(
            {**HEADLESS, "in_chan": 2}, "image_classification", headless=True, domain_keys=DOMAIN
        )
    )
    assert "Did you mean 'in_chans'?" in typo["in_chan"]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("in_chans", "13", "must be int, got '13' (str)"),
        ("in_chans", True, "must be int"),
        ("bands", "B2", "must be list[str], got 'B2' (str)"),
        ("bands", ["B2", 3], "must be list[str]"),
        ("ssl_method", 3, "must be str | None"),
    ],
)
def test_domain_values_are_checked_against_their_declared_types(key, value, expected):
    meta = {**HEADLESS, key: value}
    problems = dict(validate_meta(meta, "image_classification", headless=True, domain_keys=DOMAIN))
    assert expected in problems[key]


def test_what_headless_weights_need_and_may_not_carry():
    with_head = dict(validate_meta(HEADLESS, "image_classification", domain_keys=DOMAIN))
    assert with_head == {"categories": "missing"}  # a classifier's weights need their categories
    carrying = {**HEADLESS, "categories": ["a", "b"]}
    problems = dict(
        validate_meta(carrying, "image_classification", headless=True, domain_keys=DOMAIN)
    )
    assert "must be None or absent" in problems["categories"]
    published = {**HEADLESS, "_metrics": {"EuroSAT": {"acc@1": 98.0}}}
    assert validate_meta(published, "image_classification", headless=True, domain_keys=DOMAIN) == []


def test_a_task_declares_its_own_meta_keys():
    task = weighthub.Task("band_segmentation", meta_keys={"bands": list[str]})
    assert task.meta_keys == (("bands", list[str]),)
    meta = {k: v for k, v in HEADLESS.items() if k not in DOMAIN} | {"bands": ["B4"]}
    assert validate_meta(meta, task) == []
    assert "must be list[str]" in dict(validate_meta({**meta, "bands": "B4"}, task))["bands"]


@pytest.mark.parametrize(
    ("keys", "error", "match"),
    [
        ({"categories": list[str]}, ValueError, "'categories' declared by plugin 'p' is weighthub"),
        ({"x_bands": list[str]}, ValueError, "free to use undeclared"),
        ({"in-chans": int}, ValueError, "must be an identifier"),
        ({"in_chans": 13}, TypeError, "has the type 13"),
    ],
)
def test_bad_meta_key_declarations_are_refused(keys, error, match):
    registry = weighthub.Registry("p", None)
    with pytest.raises(error, match=match):
        registry.add_meta_keys(**keys)


def test_a_meta_key_declared_twice_differently_is_refused():
    registry = weighthub.Registry("p", None)
    registry.add_meta_keys(in_chans=int)
    registry.add_meta_keys(in_chans=int)
    with pytest.raises(ValueError, match="declares meta key 'in_chans' twice"):
        registry.add_meta_keys(in_chans=str)


# The kit refuses statistics of another band count, and meta that disagrees with model_kwargs --


def _bandnet_builder(enum: type[WeightsEnum]) -> Any:
    from torch import nn

    from weighthub.building import load, make_builder

    def build(weights: Any, progress: bool, kwargs: dict[str, Any]) -> nn.Module:
        return load(lambda: timm.create_model("resnet18", **kwargs), weights, progress)

    return make_builder(
        "badbands18", enum, build, model_cls=nn.Module, summary="timm.", module=__name__
    )


def _badbands_meta(in_chans: int) -> dict[str, Any]:
    keep = {k: v for k, v in HEADLESS.items() if k not in DOMAIN}
    return {**keep, "in_chans": in_chans}


class Badbands18_Weights(WeightsEnum):
    RGB_STATS = Weights(
        url="https://example.invalid/wh-test/rgb_stats-0123abcd.pth",
        # ImageNet's three means and stds reused on 7 bands: torchgeo-bench PR #85's bug.
        transforms=preset("ImageClassification", crop_size=32, resize_size=32),
        meta=_badbands_meta(7),
        model_kwargs={"in_chans": 7},
        missing_head=("fc.*",),
    )
    SAYS_9 = Weights(
        url="https://example.invalid/wh-test/says_9-0123abcd.pth",
        transforms=preset(
            "ImageClassification", crop_size=32, resize_size=32, mean=[0.0] * 7, std=[1.0] * 7
        ),
        meta=_badbands_meta(9),
        model_kwargs={"in_chans": 7},
        missing_head=("fc.*",),
    )


def test_the_kit_refuses_a_preset_of_another_band_count_and_a_disagreeing_in_chans():
    weighthub.register_model("badbands18", task="image_classification", weights=Badbands18_Weights)(
        _bandnet_builder(Badbands18_Weights)
    )
    failures = weighthub.testing.check_model("badbands18", skip=["num_params", "legacy"])
    found = {(f.weights, f.check): f.message for f in failures}
    transforms = found[("Badbands18_Weights.RGB_STATS", "transforms")]
    assert "mean has 3 values but the weights take in_chans=7 bands" in transforms
    assert "give one mean and std per band" in transforms
    meta = found[("Badbands18_Weights.SAYS_9", "meta_schema")]
    assert "meta in_chans is 9 but model_kwargs build in_chans=7" in meta


# weighthub describe detects a changed input layer and a missing head -----------------------


def _describe(site: Any, *args: str, plugins: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    env.update(PYTHONPATH=str(site), WEIGHTHUB_PLUGINS=plugins)
    return subprocess.run(
        [sys.executable, "-m", "weighthub", "describe", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def test_describe_generates_in_chans_and_missing_head(test_plugins_site, tmp_path):
    path = tmp_path / "resnet18_landsat_tm_toa_moco.pth"
    torch.save(_backbone(7), path)
    done = _describe(test_plugins_site, str(path), "--model", "bandnet18", plugins="bands")
    assert done.returncode == 0, done.stdout + done.stderr
    entry = done.stdout
    assert 'model_kwargs={"in_chans": 7},' in entry
    assert 'missing_head=("fc.*",),' in entry
    assert '"categories"' not in entry
    assert '"_metrics"' not in entry
    assert "mean=(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)" in entry
    assert "# TODO: the per-band mean and std" in entry
    assert '"num_params": 11702056,' in entry


def test_describe_names_the_option_torchvisions_architecture_cannot_take(
    test_plugins_site, tmp_path
):
    from torchvision.models import resnet18

    state = resnet18().state_dict()
    state["conv1.weight"] = torch.zeros(64, 13, 7, 7)
    path = tmp_path / "resnet18_sentinel2_all.pth"
    torch.save({k: v for k, v in state.items() if not k.startswith("fc.")}, path)
    done = _describe(test_plugins_site, str(path), "--model", "resnet18", plugins="classification")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Model 'resnet18' cannot take in_chans=13" in done.stderr
    assert "'timm/resnet50'" in done.stderr
    refused = _describe(
        test_plugins_site,
        str(path),
        "--model",
        "resnet18",
        "--model-kwargs",
        '{"num_classes": 0}',
        plugins="classification",
    )
    assert refused.returncode == 2, refused.stderr
    assert "Traceback" not in refused.stderr
    assert "sets 'num_classes'; it comes from meta['categories']" in refused.stderr
