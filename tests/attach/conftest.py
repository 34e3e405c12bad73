"""Checkpoints for the weights-only test plugin, written next to its installed module."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torchvision.models import resnet18
from torchvision.models.detection import fasterrcnn_mobilenet_v3_large_320_fpn
from torchvision.models.segmentation import deeplabv3_mobilenet_v3_large


@pytest.fixture(scope="session")
def pets_checkpoints(test_plugins_site: Path) -> dict[str, Path]:
    """Fine-tuned-shaped checkpoints (random values, seeded) for the pets plugin's three enums."""
    torch.manual_seed(0)
    models = {
        "resnet18_pets.pth": resnet18(num_classes=3),
        "fasterrcnn_pets.pth": fasterrcnn_mobilenet_v3_large_320_fpn(
            num_classes=4, weights_backbone=None
        ),
        "deeplabv3_pets.pth": deeplabv3_mobilenet_v3_large(
            num_classes=4, aux_loss=False, weights_backbone=None
        ),
    }
    paths = {}
    for name, model in models.items():
        path = test_plugins_site / "wh_test_pets" / name
        state = model.state_dict()
        if name.startswith("fasterrcnn"):
            # Trained detection models freeze their backbone's batch norms: no batch counters.
            state = {k: v for k, v in state.items() if not k.endswith("num_batches_tracked")}
        torch.save(state, path)
        paths[name] = path
    return paths


@pytest.fixture(scope="session")
def motion_checkpoints(test_plugins_site: Path) -> dict[str, Path]:
    """Checkpoints in the shape of a 3-class s3d fine-tune and of a raft_small."""
    from torchvision.models.optical_flow import raft_small
    from torchvision.models.video import s3d

    torch.manual_seed(0)
    paths = {}
    for name, model in {
        "s3d_gestures.pth": s3d(num_classes=3),
        "raft_small_drones.pth": raft_small(),
    }.items():
        path = test_plugins_site / "wh_test_motion" / name
        torch.save(model.state_dict(), path)
        paths[name] = path
    return paths


@pytest.fixture
def pets(use_plugins, pets_checkpoints, monkeypatch, tmp_path):
    """Discover the pets plugin and the first-party plugins it attaches to, with a fresh cache."""
    monkeypatch.setenv("WEIGHTHUB_HOME", str(tmp_path / "home"))
    use_plugins("pets", "classification", "detection", "segmentation")
    return pets_checkpoints


@pytest.fixture(scope="session")
def contradict_checkpoints(test_plugins_site: Path) -> dict[str, Path]:
    """The contradicting plugin's local 5-class checkpoint, next to its installed module."""
    torch.manual_seed(0)
    path = test_plugins_site / "wh_test_contradict" / "resnet18_five_classes.pth"
    torch.save(resnet18(num_classes=5).state_dict(), path)
    return {"LOCAL_V1": path}


@pytest.fixture
def contradict(isolated_weighthub, use_plugins, contradict_checkpoints):
    """Discover the contradicting plugin and the classification plugin, with a fresh cache."""
    use_plugins("contradict", "classification")
    return contradict_checkpoints
