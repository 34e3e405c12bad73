"""Fixtures of the CLI tests: every command runs in a real subprocess (``python -m weighthub``).

Four test plugin distributions (``fixtures/clitest-plugin``, ``fixtures/broken-plugin``,
``fixtures/raiser-plugin``, whose code raises what ``CLITEST_RAISE`` names, and
``fixtures/ns-plugin``, in the namespace ``tiny``) are installed with pip
into temporary target folders; a CLI run sees one when its folder is on ``PYTHONPATH``, so
discovery goes through their real entry points. The tiny models' checkpoints are
generated once and served by the kit's loopback server (:func:`weighthub.testing.running_server`);
the plugin's URLs (``https://weights.invalid/clitest/...``) reach it through ``WEIGHTHUB_MIRROR``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest

from weighthub.testing import LoopbackServer, pip_install_target, running_server

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def clitest_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the installed ``weighthub-clitest`` distribution."""
    return pip_install_target(tmp_path_factory.mktemp("clitest"), FIXTURES / "clitest-plugin")


@pytest.fixture(scope="session")
def broken_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the installed ``weighthub-clitest-broken`` distribution."""
    return pip_install_target(tmp_path_factory.mktemp("broken"), FIXTURES / "broken-plugin")


@pytest.fixture(scope="session")
def raiser_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the installed ``weighthub-clitest-raiser`` distribution."""
    return pip_install_target(tmp_path_factory.mktemp("raiser"), FIXTURES / "raiser-plugin")


@pytest.fixture(scope="session")
def checkpoint_server(
    clitest_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LoopbackServer]:
    """Generate the tiny checkpoints once and serve each at ``/<file name>`` on a loopback port."""
    folder = tmp_path_factory.mktemp("served")
    subprocess.run(
        [sys.executable, "-m", "weighthub_clitest._checkpoints", str(folder)],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(clitest_path)},
    )
    with running_server() as server:
        for checkpoint in sorted(folder.iterdir()):
            server.add(f"/{checkpoint.name}", checkpoint.read_bytes())
        yield server


@dataclass
class Result:
    """A finished CLI run."""

    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


@dataclass
class CLI:
    """Runs ``python -m weighthub`` with an isolated cache and chosen plugin folders."""

    home: Path
    env: dict[str, str]

    def __call__(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 300
    ) -> Result:
        full_env = {**self.env, **(env or {})}
        done = subprocess.run(
            [sys.executable, "-m", "weighthub", *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
        )
        return Result(done.returncode, done.stdout, done.stderr)


def _base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    env.update(
        WEIGHTHUB_HOME=str(tmp_path / "home"),
        TORCH_HOME=str(tmp_path / "torch"),
        COLUMNS="200",
    )
    env.pop("PYTHONPATH", None)
    return env


@pytest.fixture
def cli(tmp_path: Path, clitest_path: Path, checkpoint_server: LoopbackServer) -> CLI:
    """The CLI with the clitest plugin installed and its URLs mirrored to the loopback server."""
    env = _base_env(tmp_path)
    env["PYTHONPATH"] = str(clitest_path)
    env["WEIGHTHUB_MIRROR"] = f"https://weights.invalid/clitest/={checkpoint_server.base}/"
    return CLI(tmp_path / "home", env)


@pytest.fixture
def broken_cli(tmp_path: Path, clitest_path: Path, broken_path: Path) -> CLI:
    """The CLI with both test distributions installed (one plugin of which fails to import)."""
    env = _base_env(tmp_path)
    env["PYTHONPATH"] = os.pathsep.join([str(clitest_path), str(broken_path)])
    return CLI(tmp_path / "home", env)


@pytest.fixture
def pets_example_installed() -> None:
    """Skip unless the example weights plugin (``examples/plugin-weights-pets``) is installed."""
    try:
        distribution("example-pets-weights")
    except PackageNotFoundError:
        pytest.skip("the example weights plugin example-pets-weights is not installed")


@pytest.fixture
def raiser_cli(
    tmp_path: Path, clitest_path: Path, raiser_path: Path, checkpoint_server: LoopbackServer
) -> CLI:
    """The CLI of :func:`cli` with the raiser plugin too (``CLITEST_RAISE`` makes it raise)."""
    return _mirrored_cli(tmp_path, checkpoint_server, clitest_path, raiser_path)


def _mirrored_cli(tmp_path: Path, server: LoopbackServer, *plugin_folders: Path) -> CLI:
    """The CLI seeing the distributions in ``plugin_folders``, clitest's URLs mirrored to
    ``server``."""
    env = _base_env(tmp_path)
    env["PYTHONPATH"] = os.pathsep.join(str(folder) for folder in plugin_folders)
    env["WEIGHTHUB_MIRROR"] = f"https://weights.invalid/clitest/={server.base}/"
    return CLI(tmp_path / "home", env)


@pytest.fixture(scope="session")
def ns_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the installed ``weighthub-clitest-ns`` distribution (namespace ``tiny``)."""
    return pip_install_target(tmp_path_factory.mktemp("ns"), FIXTURES / "ns-plugin")


@pytest.fixture
def ns_cli(
    tmp_path: Path, clitest_path: Path, ns_path: Path, checkpoint_server: LoopbackServer
) -> CLI:
    """The CLI of :func:`cli` with a plugin in the namespace ``tiny`` too."""
    return _mirrored_cli(tmp_path, checkpoint_server, clitest_path, ns_path)


def assert_one_line_error(result: Result, code: int = 2, contains: str = "") -> None:
    """The run failed with ``code`` and exactly one ``weighthub: error:`` line, no traceback."""
    assert result.code == code, (result.code, result.out, result.err)
    errors = [line for line in result.err.splitlines() if line.startswith("weighthub: error: ")]
    others = [
        line
        for line in result.err.splitlines()
        if not line.startswith(("weighthub: error: ", "weighthub: warning: "))
    ]
    assert len(errors) == 1, result.err
    assert not others, result.err
    assert "Traceback" not in result.err
    assert contains in errors[0], errors[0]


@pytest.fixture
def expect_error() -> object:
    """``expect_error(result, code=2, contains="")``: see :func:`assert_one_line_error`."""
    return assert_one_line_error
