"""Fixtures of the detection plugin's tests: an isolated cache, local checkpoints, the photo."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import torch
from PIL import Image

import weighthub
import weighthub._plugins
from weighthub import Weights, WeightsEnum, categories
from weighthub.transforms import preset


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's cache; never go online."""
    monkeypatch.setenv("WEIGHTHUB_HOME", str(tmp_path / "weighthub-home"))
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def checkpoint_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("checkpoints")


@pytest.fixture(scope="session")
def backbone_checkpoint(checkpoint_dir: Path) -> Callable[[str], Path]:
    """Save (once) a random torchvision classification network's state dict; return the file."""
    import torchvision.models as tvm

    made: dict[str, Path] = {}

    def make(arch: str) -> Path:
        if arch not in made:
            torch.manual_seed(0)
            model = getattr(tvm, arch)(weights=None)
            for name, buffer in model.named_buffers():
                if name.endswith(("running_mean", "running_var")):
                    buffer.uniform_(0.5, 1.5)  # non-trivial statistics, so loading is visible
            made[arch] = checkpoint_dir / f"{arch}-random.pth"
            torch.save(model.state_dict(), made[arch])
        return made[arch]

    return make


@pytest.fixture
def photo() -> Image.Image:
    """The grace_hopper photo shipped with matplotlib (512x600)."""
    cbook = pytest.importorskip("matplotlib.cbook")
    with cbook.get_sample_data("grace_hopper.jpg") as handle:
        return Image.open(handle).convert("RGB")


@pytest.fixture
def without_classification(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Discover the detection plugin only, as if the classification plugin were not installed."""
    original = weighthub._plugins._unique_entry_points

    def only_detection() -> list:
        return [
            ep for ep in original() if ep.dist is not None and ep.dist.name == "weighthub-detection"
        ]

    monkeypatch.setattr(weighthub._plugins, "_unique_entry_points", only_detection)
    weighthub.reload_plugins()
    yield
    monkeypatch.undo()
    weighthub.reload_plugins()


@pytest.fixture
def tv_state_dict(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make every torchvision weights member load the given local file instead of downloading."""
    from torchvision.models import _api

    def use(path: Path) -> None:
        def get_state_dict(self: object, *args: object, **kwargs: object) -> dict:
            return torch.load(path, weights_only=True)

        monkeypatch.setattr(_api.WeightsEnum, "get_state_dict", get_state_dict)

    return use


@pytest.fixture(scope="session")
def backbone_member(
    backbone_checkpoint: Callable[[str], Path],
) -> Callable[[str, str], WeightsEnum]:
    """A member of a test weights enum named ``enum_name``, holding a local random checkpoint."""

    def make(enum_name: str, arch: str) -> WeightsEnum:
        weights = Weights(
            url=backbone_checkpoint(arch).as_uri(),
            transforms=preset("ImageClassification", crop_size=224),
            meta={"categories": categories.IMAGENET1K, "min_size": (1, 1)},
        )
        test_enum = WeightsEnum(enum_name, {"IMAGENET1K_V1": weights})  # type: ignore[call-overload]
        member: WeightsEnum = test_enum.IMAGENET1K_V1
        return member

    return make
