"""Weights whose declared categories contradict their checkpoint's classifier (issue 19, point 6).

The installed ``weights-contradict`` plugin attaches ``LOCAL_V1`` (3 categories declared, a
5-class checkpoint next to its module) and ``REMOTE_V1`` (5 declared, at an https URL that the
tests serve a 3-class checkpoint for from a loopback server).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch
from torchvision.models import resnet18

import weighthub
from weighthub.testing import check_plugin

LOCAL = "WhContradict_ResNet18_Weights.LOCAL_V1"
REMOTE = "WhContradict_ResNet18_Weights.REMOTE_V1"
PROVIDER = "plugin 'contradict' (distribution 'weighthub-test-contradict')"
# The served checkpoints are generated: the remote member declares no sha256 to check them by.
pytestmark = pytest.mark.filterwarnings("ignore:.*without verification:UserWarning")
ALL_BUT_CHECKPOINT = tuple(c for c in weighthub.testing.CHECKS if c != "checkpoint")


def _three_classes() -> dict[str, torch.Tensor]:
    torch.manual_seed(1)
    return resnet18(num_classes=3).state_dict()


def _build(how: str, name: str) -> None:
    member = weighthub.get_weight(name)
    if how == "get_model":
        weighthub.get_model("resnet18", weights=name)
    elif how == "ordinary":
        classes = len(member.meta["categories"])
        weighthub.construct_model(lambda: resnet18(num_classes=classes), member, fast=False)


@pytest.mark.parametrize("how", ["get_model", "ordinary"])
def test_more_outputs_than_categories_names_weights_plugin_and_fix(contradict, how):
    with pytest.raises(weighthub.CheckpointMismatchError) as caught:
        _build(how, LOCAL)
    error = caught.value
    assert isinstance(error, RuntimeError)
    message = str(error)
    for piece in (
        f"The checkpoint of {LOCAL} (provided by {PROVIDER}) contradicts its categories",
        "its meta declares 3 categories",
        "trained for 5",
        "fc.weight is (5, 512) in the checkpoint, (3, 512) in the model",
        "fc.bias is (5,) in the checkpoint, (3,) in the model",
        "Declare the checkpoint's 5 categories in the weights' meta['categories']",
        "a checkpoint trained for these 3",
    ):
        assert piece in message, message
    assert "size mismatch" not in message
    assert error.name == LOCAL
    assert error.keys == ["fc.weight", "fc.bias"]


def test_fewer_outputs_than_categories_from_a_served_checkpoint(contradict, weights_server):
    weights_server.serve(weighthub.get_weight(REMOTE), _three_classes())
    with pytest.raises(weighthub.CheckpointMismatchError) as caught:
        weighthub.get_model("resnet18", weights=REMOTE)
    message = str(caught.value)
    assert f"{REMOTE} (provided by {PROVIDER}) contradicts its categories" in message
    assert "declares 5 categories" in message
    assert "fc.weight is (3, 512) in the checkpoint, (5, 512) in the model" in message
    assert "Declare the checkpoint's 3 categories" in message


def test_other_shape_mismatches_still_name_weights_and_plugin(contradict, weights_server):
    state = _three_classes()
    state["conv1.weight"] = torch.zeros(64, 1, 7, 7)  # a one-channel first layer
    state["fc.weight"] = torch.zeros(5, 512)
    state["fc.bias"] = torch.zeros(5)
    weights_server.serve(weighthub.get_weight(REMOTE), state)
    with pytest.raises(weighthub.CheckpointMismatchError) as caught:
        weighthub.get_model("resnet18", weights=REMOTE)
    message = str(caught.value)
    assert f"The checkpoint of {REMOTE} (provided by {PROVIDER}) does not fit ResNet" in message
    assert "conv1.weight (checkpoint (64, 1, 7, 7), model (64, 3, 7, 7))" in message
    assert "categories" not in message  # not only the classifier differs


def _failures(report, name):
    return [f for f in report.failures if f.weights == name and f.check == "checkpoint"]


def test_check_plugin_fails_local_and_notes_remote_when_offline(contradict):
    report = check_plugin("weighthub-test-contradict", skip=ALL_BUT_CHECKPOINT)
    (local,) = _failures(report, LOCAL)
    assert "the checkpoint contradicts the categories: its meta declares 3" in local.message
    assert "trained for 5" in local.message
    assert not _failures(report, REMOTE)
    (note,) = [n for n in report.notes if REMOTE in n]
    assert "not compared" in note
    assert "WEIGHTHUB_OFFLINE is set and the cache holds no copy" in note
    assert f"checkpoints={{{REMOTE!r}: <path of a local copy>}}" in note


def test_check_plugin_fetches_a_remote_checkpoint(contradict, weights_server):
    weights_server.serve(weighthub.get_weight(REMOTE), _three_classes())
    report = check_plugin("weighthub-test-contradict", skip=ALL_BUT_CHECKPOINT)
    (remote,) = _failures(report, REMOTE)
    assert "its meta declares 5 categories" in remote.message
    assert "trained for 3" in remote.message
    assert not [n for n in report.notes if "not compared" in n], report.notes
    served = weights_server.server.count()
    assert served >= 1  # downloaded, through the mirror
    # The fetched file is in the cache: offline, the kit compares it again without a request.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEIGHTHUB_OFFLINE", "1")
        again = check_plugin("weighthub-test-contradict", skip=ALL_BUT_CHECKPOINT)
    assert len(_failures(again, REMOTE)) == 1
    assert weights_server.server.count() == served


def test_check_plugin_fetch_failure_is_a_failure(contradict, weights_server):
    member = weighthub.get_weight(REMOTE)
    weights_server.serve(member, _three_classes())
    del weights_server.server.files[f"/{type(member).__name__}/resnet18_remote.pth"]
    report = check_plugin("weighthub-test-contradict", skip=ALL_BUT_CHECKPOINT)
    (remote,) = _failures(report, REMOTE)
    assert "fetching the checkpoint failed" in remote.message
    assert "404" in remote.message


def test_check_plugin_compares_a_local_copy_it_is_given(contradict, tmp_path):
    fitting, contradicting = tmp_path / "fits.pth", tmp_path / "three.pth"
    torch.save(resnet18(num_classes=5).state_dict(), fitting)
    torch.save(_three_classes(), contradicting)
    report = check_plugin(
        "weighthub-test-contradict", skip=ALL_BUT_CHECKPOINT, checkpoints={REMOTE: contradicting}
    )
    (remote,) = _failures(report, REMOTE)
    assert "declares 5 categories" in remote.message
    report = check_plugin(
        "weighthub-test-contradict", skip=ALL_BUT_CHECKPOINT, checkpoints={REMOTE: str(fitting)}
    )
    assert not _failures(report, REMOTE), report.format()
    assert len(_failures(report, LOCAL)) == 1  # the installed one is still compared


def test_check_plugin_refuses_checkpoints_for_unknown_weights(contradict, tmp_path):
    report = check_plugin(
        "weighthub-test-contradict",
        skip=ALL_BUT_CHECKPOINT,
        checkpoints={"WhContradict_ResNet18_Weights.REMOTE_V2": tmp_path / "x.pth"},
    )
    (failure,) = _failures(report, "WhContradict_ResNet18_Weights.REMOTE_V2")
    assert "not among the weights 'weighthub-test-contradict' attaches" in failure.message
    assert REMOTE in failure.message  # the close match


def test_cli_check_takes_local_copies(contradict, test_plugins_site, tmp_path):
    contradicting = tmp_path / "three.pth"
    torch.save(_three_classes(), contradicting)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path / "user-home"),
        "PYTHONPATH": str(test_plugins_site),
        "WEIGHTHUB_HOME": str(tmp_path / "weighthub-home"),
        "WEIGHTHUB_OFFLINE": "1",
        "WEIGHTHUB_PLUGINS": "contradict,classification",
    }
    skips = [arg for check in ALL_BUT_CHECKPOINT for arg in ("--skip", check)]
    command = [sys.executable, "-m", "weighthub", "check", "weighthub-test-contradict", *skips]
    run = subprocess.run(
        [*command, "--checkpoint", f"{REMOTE}={contradicting}", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert run.returncode == 1, run.stderr
    failures = json.loads(run.stdout)["failures"]
    assert any(REMOTE in f and "declares 5 categories" in f for f in failures), failures
    assert any(LOCAL in f and "declares 3 categories" in f for f in failures), failures
    bad = subprocess.run(
        [*command, "--checkpoint", str(contradicting)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert bad.returncode == 2, bad.stderr
    assert "--checkpoint takes ENUM.MEMBER=PATH" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert not (tmp_path / "user-home").exists()
