"""timm's weights in the rest of weighthub: ``weighthub predict`` and the conformance kit.

The kit builds every model without loading weights and feeds it samples of the weights' own input
size (a ViT made for 384x384 inputs refuses 224x224 ones); ``predict`` runs a served generated
checkpoint of a timm tag on the real photo, in a real ``weighthub`` process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib import cbook

import weighthub
from weighthub.categories import IMAGENET1K
from weighthub.testing import check_model, random_state_dict, write_unaligned_safetensors
from weighthub_timm import empty_model

PHOTO = Path(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))


@pytest.mark.parametrize(
    "model",
    [
        "timm/resnet10t",  # a CNN at timm's 176/224 sizes
        "timm/vit_tiny_patch16_384",  # fixed 384x384 input: a 224 sample would fail
        "timm/convnextv2_atto",  # a headless tag (fcmae) beside classifiers
    ],
)
def test_the_kit_checks_timm_models_with_their_own_input_sizes(model):
    assert check_model(model) == []


def _weighthub(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "weighthub", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),  # the fixtures' WEIGHTHUB_HOME and mirror
        timeout=600,
        check=False,
    )


def test_predict_classifies_the_real_photo_with_a_timm_tag(weights_server, tmp_path):
    name = "timm/resnet10t.c3_in1k"
    member = weighthub.get_weight(name)
    state = random_state_dict(empty_model("resnet10t"), seed=name)
    weights_server.serve(member, write_unaligned_safetensors(tmp_path / "w.safetensors", state))
    result = _weighthub("predict", "--model", name, "--json", str(PHOTO))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["weights"] == str(member)
    predictions = report["results"][0]["predictions"]
    assert len(predictions) == 5
    assert {p["label"] for p in predictions} <= set(IMAGENET1K)


def test_predict_on_a_headless_tag_says_it_has_no_classes():
    result = _weighthub("predict", "--model", "timm/convnextv2_atto.fcmae", str(PHOTO))
    assert result.returncode == 2
    assert result.stderr.count("weighthub: error:") == 1
    assert "has no classes to predict" in result.stderr
    assert "convnextv2_atto" in result.stderr
