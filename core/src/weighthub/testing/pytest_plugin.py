"""pytest fixtures for testing weighthub plugins through weighthub's public settings.

Opt in from a ``conftest.py`` (this plugin is not auto-loaded, so it never changes the pytest
sessions of projects that merely install weighthub)::

    pytest_plugins = ["weighthub.testing.pytest_plugin"]

or with ``addopts = ["-p", "weighthub.testing.pytest_plugin"]`` in ``[tool.pytest.ini_options]``.

Once enabled, the whole session runs in a temporary home: ``HOME``, the XDG folders, ``TORCH_HOME``
and ``HF_HOME`` point into a folder removed at the end, and ``WEIGHTHUB_*`` variables are cleared,
so no test and no subprocess it starts writes into the user's caches (weighthub's default cache is
torch.hub's, under ``TORCH_HOME``). Set ``weighthub_isolated_home = false`` in the pytest settings
to keep the real ones.

Fixtures:

* ``isolated_weighthub``: an empty cache in a temporary folder (``WEIGHTHUB_HOME``, and
  ``TORCH_HOME`` for torchvision), every other ``WEIGHTHUB_*`` variable cleared, offline mode on,
  mirrors and offline mode reset from Python. Make it autouse in your conftest to give every test
  an isolated cache (see the plugin guide).
* ``only_plugins``: ``only_plugins("weighthub-detection")`` discovers only those plugins
  (``WEIGHTHUB_PLUGINS`` and :func:`weighthub.reload_plugins`), until the test ends.
* ``weights_server``: a :class:`~weighthub.testing.WeightsServer` on a loopback port;
  ``weights_server.serve(member, state_dict)`` makes loading ``member`` download that checkpoint.
  ``weights_server.server`` is the :class:`~weighthub.testing.LoopbackServer` (faults, counts).
* ``hub_server``: a :class:`~weighthub.testing.HubServer` (a Hugging Face Hub and its CDN on
  loopback) with huggingface_hub's settings pointed at it and into ``tmp_path``: ``HF_ENDPOINT``,
  ``HF_HOME`` (``tmp_path/"hf-home"``, where ``hf auth login`` writes its token) and
  ``HF_HUB_CACHE`` (``HF_HOME/hub``); every other ``HF_*`` variable cleared. huggingface_hub
  reads them when it is imported: run it in a subprocess
  (:meth:`~weighthub.testing.Interpreter.outcomes_of`). Parametrize it indirectly with
  ``{"cdn_host": "localhost"}`` for a CDN on another host name.
* ``torch_hub_cache``: a :class:`~weighthub.testing.TorchHubCache`, to give torchvision's own
  weights a generated checkpoint (for oracle tests against torchvision).
* ``recorded_loads``: a :class:`~weighthub.testing.LoadRecorder` listing the weights loaded during
  the test; ``stopped_loads`` records them and stops each load with
  :class:`~weighthub.testing.WeightsLoadStopped`, so nothing is fetched.
* ``backbone_checkpoint`` and ``backbone_member``: a torchvision classification network saved with
  random weights (and non-trivial batch-norm statistics), once per session, and a member of a new
  weights enum holding it, for tests of backbone weights.
* ``python_without``: ``python_without("weighthub-classification")`` is an
  :class:`~weighthub.testing.Interpreter` that sees every installed distribution but those, to
  check in a real subprocess what users without a plugin get.
* ``photo_file`` and ``photo``: the grace_hopper photo shipped with matplotlib, as the path of the
  JPEG (for a command line or a file input) and as an RGB PIL image (shared by the session; copy it
  before changing it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import weighthub

from ._environments import Interpreter, isolated_home
from ._environments import python_without as _python_without
from ._hub import HubServer, running_hub
from ._recording import LoadRecorder, record_loads
from ._server import running_server
from ._serving import TorchHubCache, WeightsServer

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "backbone_checkpoint",
    "backbone_member",
    "hub_server",
    "isolated_weighthub",
    "only_plugins",
    "photo",
    "photo_file",
    "python_without",
    "recorded_loads",
    "stopped_loads",
    "torch_hub_cache",
    "weights_server",
]

_LOOPBACK = "127.0.0.1,localhost"
_PROXY_VARIABLES = (
    "http_proxy",
    "https_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "all_proxy",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declare the ``weighthub_isolated_home`` setting."""
    parser.addini(
        "weighthub_isolated_home",
        type="bool",
        default=True,
        help="run the session with HOME, the XDG folders, TORCH_HOME and HF_HOME in a temporary "
        "folder and WEIGHTHUB_* cleared (weighthub.testing; default: true)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Move the session's home into a temporary folder, before any test or fixture runs."""
    if not config.getini("weighthub_isolated_home"):
        return
    isolation = isolated_home()
    config.add_cleanup(isolation.close)


def _reset_python_settings() -> None:
    weighthub.set_mirrors(None)
    weighthub.set_offline(None)


@pytest.fixture
def isolated_weighthub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty weighthub cache for this test, offline; yields ``WEIGHTHUB_HOME``."""
    for name in list(os.environ):
        if name.startswith("WEIGHTHUB_"):
            monkeypatch.delenv(name)
    home = tmp_path / "weighthub-home"
    monkeypatch.setenv("WEIGHTHUB_HOME", str(home))
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    _reset_python_settings()
    yield home
    _reset_python_settings()


@pytest.fixture
def only_plugins() -> Iterator[Callable[..., None]]:
    """Call ``only_plugins(*names)`` to discover only those plugins until the test ends."""
    with pytest.MonkeyPatch.context() as patch:

        def select(*names: str) -> None:
            patch.setenv("WEIGHTHUB_PLUGINS", ",".join(names))
            patch.delenv("WEIGHTHUB_DISABLE_PLUGINS", raising=False)
            weighthub.reload_plugins()

        yield select
    weighthub.reload_plugins()


def _reach_loopback_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy between a client and the loopback servers."""
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", _LOOPBACK)
    monkeypatch.setenv("no_proxy", _LOOPBACK)


@pytest.fixture
def weights_server(
    isolated_weighthub: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[WeightsServer]:
    """A loopback server that serves generated checkpoints as weights members' files."""
    _reach_loopback_directly(monkeypatch)
    with running_server() as server:
        yield WeightsServer(server, monkeypatch.setenv)


@pytest.fixture
def hub_server(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[HubServer]:
    """A Hugging Face Hub on loopback; huggingface_hub's settings point at it and at tmp_path."""
    _reach_loopback_directly(monkeypatch)
    for name in list(os.environ):
        if name.startswith(("HF_", "HUGGINGFACE_")) or name == "TRANSFORMERS_OFFLINE":
            monkeypatch.delenv(name)
    options: dict[str, Any] = getattr(request, "param", {})
    with running_hub(**options) as hub:
        home = tmp_path / "hf-home"
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        monkeypatch.setenv("HF_HOME", str(home))
        monkeypatch.setenv("HF_HUB_CACHE", str(home / "hub"))
        monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
        yield hub


@pytest.fixture
def torch_hub_cache(isolated_weighthub: Path) -> TorchHubCache:
    """torch.hub's checkpoint folder in the isolated ``TORCH_HOME``."""
    return TorchHubCache()


@pytest.fixture
def recorded_loads() -> Iterator[LoadRecorder]:
    """The weights members loaded during the test, oldest first; loads happen as usual."""
    with record_loads() as recorder:
        yield recorder


@pytest.fixture
def stopped_loads() -> Iterator[LoadRecorder]:
    """The weights members the test tried to load; each load raises ``WeightsLoadStopped``."""
    with record_loads(stop=True) as recorder:
        yield recorder


@pytest.fixture(scope="session")
def backbone_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Call with a torchvision classification architecture (``"resnet50"``) for a random checkpoint.

    Saved once per session; batch-norm statistics are non-trivial, so loading them is visible.
    """
    folder = tmp_path_factory.mktemp("backbone-checkpoints")
    made: dict[str, Path] = {}

    def make(arch: str) -> Path:
        if arch not in made:
            import torch
            import torchvision.models as tvm

            torch.manual_seed(0)
            model = tvm.get_model(arch, weights=None)
            for name, buffer in model.named_buffers():
                if name.endswith(("running_mean", "running_var")):
                    buffer.uniform_(0.5, 1.5)
            made[arch] = folder / f"{arch}-random.pth"
            torch.save(model.state_dict(), made[arch])
        return made[arch]

    return make


@pytest.fixture(scope="session")
def backbone_member(backbone_checkpoint: Callable[[str], Path]) -> Callable[[str, str], Any]:
    """Call with ``(enum_name, arch)`` for ``<enum_name>.IMAGENET1K_V1`` holding that checkpoint.

    The member belongs to a new weights enum (nothing registered is changed) and has ImageNet
    classification transforms and categories.
    """
    from weighthub import Weights, WeightsEnum, categories
    from weighthub.transforms import preset

    def make(enum_name: str, arch: str) -> Any:
        weights = Weights(
            url=backbone_checkpoint(arch).as_uri(),
            transforms=preset("ImageClassification", crop_size=224),
            meta={"categories": categories.IMAGENET1K, "min_size": (1, 1)},
        )
        enum: Any = WeightsEnum(enum_name, {"IMAGENET1K_V1": weights})  # type: ignore[call-arg]
        return enum.IMAGENET1K_V1

    return make


@pytest.fixture
def python_without(tmp_path: Path) -> Callable[..., Interpreter]:
    """Call with distribution names for a Python (``python -S``) that does not see them."""
    made = 0

    def make(*distributions: str) -> Interpreter:
        nonlocal made
        made += 1
        return _python_without(*distributions, folder=tmp_path / f"python-without-{made}")

    return make


@pytest.fixture(scope="session")
def photo_file() -> Path:
    """The grace_hopper JPEG shipped with matplotlib (512x600); skips without matplotlib."""
    cbook = pytest.importorskip("matplotlib.cbook")
    return Path(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))


@pytest.fixture(scope="session")
def photo(photo_file: Path) -> Image.Image:
    """The grace_hopper photo as an RGB PIL image, shared by the session (copy it to edit it)."""
    from PIL import Image

    with Image.open(photo_file) as image:
        rgb: Image.Image = image.convert("RGB")
    return rgb
