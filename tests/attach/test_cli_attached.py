"""The CLI on attached weights: ``list --weights``, ``info``."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def _cli(site, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    env["PYTHONPATH"] = str(site)
    env["WEIGHTHUB_PLUGINS"] = "pets,classification,detection,segmentation"
    return subprocess.run(
        [sys.executable, "-m", "weighthub", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_list_weights_shows_attached_ones(pets_checkpoints, test_plugins_site):
    result = _cli(test_plugins_site, "list", "--weights", "resnet18")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["WEIGHTS", "MODEL", "PLUGIN", "TASK", "FIRST", "METRIC"]
    row = next(line for line in lines if line.startswith("WhPets_ResNet18_Weights.PETS_V1"))
    assert row.split()[1:4] == ["resnet18", "pets", "image_classification"]
    assert "acc@1 91.5 (Pets-3)" in row
    assert any(line.startswith("ResNet18_Weights.IMAGENET1K_V1") for line in lines)
    records = json.loads(
        _cli(test_plugins_site, "list", "--weights", "--plugin", "pets", "--json").stdout
    )
    assert [r["name"] for r in records] == [
        "WhPets_DeepLabV3_Weights.PETS_V1",
        "WhPets_FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.PETS_V1",
        "WhPets_ResNet18_Weights.PETS_V1",
    ]
    assert all(r["attached"] and r["distribution"] == "weighthub-test-pets" for r in records)
    assert records[1]["metric"] == "box_map 40 (Pets-3-boxes)"
    assert _cli(test_plugins_site, "list", "--weights", "WhPets_*").stdout.count("WhPets_") == 3


def test_info_shows_attached_weights_with_their_plugin(pets_checkpoints, test_plugins_site):
    result = _cli(test_plugins_site, "info", "resnet18")
    assert result.returncode == 0, result.stderr
    assert (
        "attached:     WhPets_ResNet18_Weights from plugin 'pets' (distribution "
        "'weighthub-test-pets')" in result.stdout
    )
    assert "WhPets_ResNet18_Weights.PETS_V1  (default)" in result.stdout
    member = json.loads(
        _cli(test_plugins_site, "info", "WhPets_ResNet18_Weights.PETS_V1", "--json").stdout
    )
    assert [m["name"] for m in member["models"]] == ["resnet18"]
    (weights,) = member["weights"]
    assert weights["attached_by"] == "plugin 'pets' (distribution 'weighthub-test-pets')"
    assert weights["num_categories"] == 3


def test_plugins_counts_attached_enums(pets_checkpoints, test_plugins_site):
    records = json.loads(_cli(test_plugins_site, "plugins", "--json").stdout)
    pets = next(r for r in records if r["name"] == "pets")
    assert (pets["models"], pets["attached"]) == (0, 3)
    table = _cli(test_plugins_site, "plugins").stdout
    assert table.splitlines()[0].split()[-2:] == ["MODELS", "ATTACHED"]
