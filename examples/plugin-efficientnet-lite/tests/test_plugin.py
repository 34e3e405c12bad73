"""Tests of the example plugin: real weights, real photo, conformance, offline loading."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
import torch
from matplotlib import cbook
from PIL import Image

import weighthub
import weighthub.testing

EXPECTED_TOP5 = ["academic gown", "mortarboard", "military uniform", "vestment", "Windsor tie"]


@pytest.fixture(scope="module")
def model() -> torch.nn.Module:
    return weighthub.get_model("efficientnet_lite0", weights="DEFAULT").eval()


def _top5(model: torch.nn.Module) -> list[tuple[str, float]]:
    weights = weighthub.get_weight("EfficientNet_Lite0_Weights.DEFAULT")
    image = Image.open(cbook.get_sample_data("grace_hopper.jpg")).convert("RGB")
    with torch.inference_mode():
        probabilities = model(weights.transforms()(image).unsqueeze(0)).softmax(1)[0]
    scores, indices = probabilities.topk(5)
    categories = weights.meta["categories"]
    return [(categories[i], float(s)) for s, i in zip(scores, indices, strict=True)]


def test_registered():
    assert weighthub.list_models("efficientnet_lite*") == ["efficientnet_lite0"]
    entry = weighthub.get_model_entry("efficientnet_lite0")
    assert (entry.task, entry.plugin, entry.distribution) == (
        "image_classification",
        "efficientnet-lite",
        "weighthub-efficientnet-lite",
    )
    enum = weighthub.get_model_weights("efficientnet_lite0")
    assert [m.name for m in enum] == ["IMAGENET1K_V1"]
    assert enum.DEFAULT is enum.IMAGENET1K_V1


def test_prediction_on_the_real_photo(model):
    top5 = _top5(model)
    labels = [label for label, _ in top5]
    assert {"military uniform", "academic gown", "mortarboard"} <= set(labels)
    assert labels == EXPECTED_TOP5  # as documented in the README
    assert top5[0][1] == pytest.approx(0.2440, abs=1e-3)


def test_meta_facts(model):
    weights = weighthub.get_weight("EfficientNet_Lite0_Weights.IMAGENET1K_V1")
    meta = weights.meta
    assert meta["categories"] is weighthub.categories.IMAGENET1K
    assert meta["num_params"] == sum(p.numel() for p in model.parameters())
    assert meta["_file_size"] == round(weights.file_size / 1024 / 1024, 3)
    path = weighthub.fetch(weights.url, sha256=weights.sha256, file_size=weights.file_size)
    assert path.stat().st_size == weights.file_size
    height, width = meta["min_size"]
    with torch.inference_mode():
        model(torch.rand(1, 3, height, width))
        with pytest.raises(RuntimeError):
            model(torch.rand(1, 3, height - 1, width - 1))


def test_builder_options_and_legacy():
    with torch.device("meta"):
        model = weighthub.get_model("efficientnet_lite0", num_classes=10)
    assert model._fc.out_features == 10
    with pytest.raises(ValueError, match="num_classes"):
        weighthub.get_model("efficientnet_lite0", weights="DEFAULT", num_classes=10)
    with pytest.warns(UserWarning) as warned:
        weighthub.get_model_builder("efficientnet_lite0")(pretrained=False)
    messages = [str(w.message) for w in warned]
    assert any("The parameter 'pretrained' is deprecated" in m for m in messages), messages
    assert any("Arguments other than a weight enum" in m for m in messages), messages


def test_pretrained_true_means_v1(stopped_loads):
    with pytest.raises(weighthub.testing.WeightsLoadStopped):
        weighthub.get_model("efficientnet_lite0", pretrained=True)
    assert stopped_loads == [weighthub.get_weight("EfficientNet_Lite0_Weights.IMAGENET1K_V1")]


def test_conformance():
    report = weighthub.testing.check_plugin("weighthub-efficientnet-lite")
    assert report.ok, report.format()


def test_plugin_and_package_import_no_torch():
    code = textwrap.dedent(
        """
        import sys
        import weighthub, weighthub_efficientnet_lite
        assert "efficientnet_lite0" in weighthub.list_models()
        weighthub.get_model_weights("efficientnet_lite0")
        assert "torch" not in sys.modules
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_loads_offline(tmp_path):
    code = textwrap.dedent(
        """
        import weighthub
        assert weighthub.offline_mode()
        model = weighthub.get_model("efficientnet_lite0", weights="DEFAULT")
        print(sum(p.numel() for p in model.parameters()))
        """
    )
    # A cache folder that does not exist yet: the weights come from an installed package.
    env = {"WEIGHTHUB_OFFLINE": "1", "WEIGHTHUB_HOME": str(tmp_path / "not-yet-a-cache")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    assert done.stdout.strip() == "4652008"


def test_a_weights_reference_builds_the_same_model(model):
    """Builders take a ``WeightsRef`` wherever they take a member, as ``meta["unquantized"]``."""
    from weighthub import models

    ref = weighthub.WeightsRef("EfficientNet_Lite0_Weights.IMAGENET1K_V1")
    by_ref = models.efficientnet_lite0(weights=ref).eval()
    for key, tensor in model.state_dict().items():
        torch.testing.assert_close(by_ref.state_dict()[key], tensor, rtol=0, atol=0)
