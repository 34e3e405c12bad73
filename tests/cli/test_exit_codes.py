"""Every failure ends every command the same way: one ``weighthub: error:`` line, its exit code.

Each :class:`weighthub.WeighthubError` carries its exit code. The exported classes are enumerated
(so a new one is covered the day it is added) and raised inside each command by a real plugin
distribution whose weights module or builder raises what ``CLITEST_RAISE`` names; most of them are
also raised for real, by the inputs that cause them (unknown names, a plugin whose meta breaks the
schema under ``WEIGHTHUB_STRICT=1``, offline mode, loopback servers that answer wrongly ...).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import weighthub
import weighthub.testing
from weighthub.testing import Fault, running_server

from .conftest import CLI, Result, assert_one_line_error


def _exported_errors() -> dict[str, type[weighthub.WeighthubError]]:
    found = {}
    for module in (weighthub, weighthub.testing):
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, weighthub.WeighthubError):
                found[name] = obj
    return dict(sorted(found.items()))


ERRORS = _exported_errors()
ORDINARY = ("RuntimeError", "KeyError")  # what a plugin's own bug raises
RAISER = "plugin 'clitest-raiser' (distribution 'weighthub-clitest-raiser')"

# Each command, run with the raiser plugin raising as its weights module is imported.
COMMANDS = {
    "list": "list clitest_raiser",
    "info": "info clitest_raiser",
    "download": "download clitest_raiser",
    "lock": "lock clitest_raiser -o {tmp}/weights.lock",
    "cache rm": "cache rm clitest_raiser",
    "predict": "predict -m clitest_raiser {photo}",
    "describe": "describe {checkpoint} --model clitest_raiser",
    "new plugin": "new plugin {tmp}/new --name x-pets --model clitest_raiser "
    "--checkpoint {checkpoint}",
}


def test_the_matrix_covers_every_command():
    from weighthub._cli import build_parser  # the parser is the list of commands

    parser = build_parser()
    commands = {
        name
        for action in parser._subparsers._group_actions  # type: ignore[union-attr]
        for name in action.choices
    }
    exercised = {template.split()[0] for template in COMMANDS.values()}
    # check reports every exception of a plugin as a failed check (its own test below);
    # plugins, convert and cache ls/verify/clear run no plugin code: real inputs below.
    assert commands - exercised == {"check", "plugins", "convert"}


def _expected(command: str, name: str) -> tuple[int, str]:
    """The exit code and the text of the error line when the raiser raises ``name``."""
    if name not in ERRORS:  # a plugin's own bug (SystemExit too: a plugin never ends a command)
        return 1, f"{name} raised by {RAISER} at "
    if command == "cache rm" and name in ("UnknownModelError", "UnknownWeightsError"):
        return 2, "not in the cache: clitest_raiser"  # NAME may be a file name: looked up as one
    if name == "WeightsLoadStopped":
        return 1, "was stopped by weighthub.testing.record_loads"
    return ERRORS[name].exit_code, f"{name} raised on purpose by the clitest-raiser plugin"


def _problem(command: str, name: str, result: Result) -> str | None:
    if command == "list" and name == "PluginLoadError":
        # list shows a model whose weights cannot be imported with '?' and a warning.
        warnings = [line for line in result.err.splitlines() if "weighthub: warning: " in line]
        if result.code == 0 and any("PluginLoadError raised on purpose" in w for w in warnings):
            return None
        return f"expected exit 0 and a warning: {result.code} {result.err}"
    code, text = _expected(command, name)
    try:
        assert_one_line_error(result, code=code, contains=text)
    except AssertionError as exc:
        return f"exit {result.code} (expected {code}), stderr {result.err!r}: {exc}"
    return None


@pytest.mark.slow
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_exception_a_plugin_raises_ends_the_command_in_one_line(
    raiser_cli: CLI, command: str, photo_file: Path, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "pets.pth"
    checkpoint.write_bytes(b"not read: the plugin raises first")
    words = COMMANDS[command].split()
    args = [w.format(tmp=tmp_path, photo=photo_file, checkpoint=checkpoint) for w in words]

    def run(name: str) -> tuple[str, Result]:
        return name, raiser_cli(*args, env={"CLITEST_RAISE": f"weights:{name}"})

    with ThreadPoolExecutor(4) as pool:
        results = dict(pool.map(run, [*ERRORS, *ORDINARY]))
    problems = [
        f"{name}: {problem}"
        for name, result in results.items()
        if (problem := _problem(command, name, result)) is not None
    ]
    assert not problems, "\n".join(problems)
    assert not (tmp_path / "weights.lock").exists()
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    "name",
    [
        "OfflineModeError",
        "IntegrityError",
        "WeighthubError",
        "RuntimeError",
        "KeyError",
        "SystemExit",
    ],
)
def test_what_a_builder_raises_ends_predict_in_one_line(
    raiser_cli: CLI, name: str, photo_file: Path
) -> None:
    # The same road out as from the weights module (above, for every class), from a builder.
    result = raiser_cli(
        "predict", "-m", "clitest_raiser", str(photo_file), env={"CLITEST_RAISE": f"build:{name}"}
    )
    problem = _problem("predict", name, result)
    assert problem is None, problem
    assert "(build)" in result.err


def test_check_reports_what_a_plugin_raises_as_a_failed_check(raiser_cli: CLI) -> None:
    for name in ("MetaValidationError", "RuntimeError"):
        result = raiser_cli(
            "check", "clitest-raiser", "--no-build", env={"CLITEST_RAISE": f"weights:{name}"}
        )
        assert result.code == 1, result.err
        assert "Traceback" not in result.err
        assert f"clitest_raiser import: {name}: {name} raised on purpose" in result.out


def test_traceback_switch_prints_it_before_the_one_line(raiser_cli: CLI, photo_file: Path) -> None:
    raising = {"CLITEST_RAISE": "build:ZeroDivisionError"}
    plain = raiser_cli("predict", "-m", "clitest_raiser", str(photo_file), env=raising)
    assert_one_line_error(plain, code=1, contains=f"ZeroDivisionError raised by {RAISER} at ")
    assert "_raise.py, line " in plain.err
    assert "run 'weighthub --traceback <command> ...' to see the traceback" in plain.err
    shown = raiser_cli(
        "--traceback", "predict", "-m", "clitest_raiser", str(photo_file), env=raising
    )
    assert shown.code == 1
    traceback, _, last = shown.err.rstrip("\n").rpartition("\n")
    assert traceback.startswith("Traceback (most recent call last):")
    assert "in clitest_raiser" in traceback, "the plugin's builder is in it"
    assert last.startswith(f"weighthub: error: ZeroDivisionError raised by {RAISER}")
    assert "the traceback is above" in last
    # A weighthub error too.
    strict = raiser_cli(
        "--traceback", "info", "clitest_raiser", env={"CLITEST_RAISE": "weights:LockfileError"}
    )
    assert strict.code == 2
    assert strict.err.startswith("Traceback (most recent call last):")
    assert strict.err.splitlines()[-1].startswith("weighthub: error: LockfileError raised")


# Real inputs that raise each class. Each scenario takes the test's request (for the fixtures it
# needs) and a temporary folder, and returns the run and a text its error line must contain.
Scenario = Callable[[pytest.FixtureRequest, Path], tuple[Result, str]]


def _cli(request: pytest.FixtureRequest) -> CLI:
    cli: CLI = request.getfixturevalue("cli")
    return cli


def _served_as_tinynet(
    request: pytest.FixtureRequest, data: bytes, expected: str
) -> tuple[Result, str]:
    """``predict`` with ``TinyNet_Weights.DEFAULT``'s file served as ``data``."""
    cli = _cli(request)
    photo = request.getfixturevalue("photo_file")
    with running_server() as server:
        server.add("/tinynet-v2.pth", data)
        mirror = {"WEIGHTHUB_MIRROR": f"https://weights.invalid/clitest/={server.base}/"}
        return cli("predict", "-m", "clitest_tinynet", str(photo), env=mirror), expected


class _Unlisted:
    """Pickled into a checkpoint: weights_only loading refuses its class."""


def _unsafe_checkpoint() -> bytes:
    import io

    import torch

    buffer = io.BytesIO()
    torch.save({"fc.weight": torch.zeros(1), "extra": _Unlisted()}, buffer)
    return buffer.getvalue()


def _locked(cli: CLI, tmp_path: Path, name: str) -> Path:
    lockfile = tmp_path / "team.lock"
    locked = cli("lock", name, "-o", str(lockfile))
    assert locked.code == 0, locked.err
    return lockfile


def _integrity(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Result, str]:
    cli = _cli(request)
    lockfile = _locked(cli, tmp_path, "TinyNet_Weights.SYNTHETIC_V1")
    text = lockfile.read_text(encoding="utf-8")
    digest = next(line for line in text.splitlines() if line.startswith("sha256"))
    lockfile.write_text(text.replace(digest, f'sha256 = "{"0" * 64}"'), encoding="utf-8")
    result = cli("download", "--lock", str(lockfile), "TinyNet_Weights.SYNTHETIC_V1")
    return result, f"(from the lockfile {lockfile})"


def _not_in_lockfile(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Result, str]:
    cli = _cli(request)
    lockfile = _locked(cli, tmp_path, "TinyNet_Weights.SYNTHETIC_V1")
    result = cli("download", "TinyDet_Weights.SYNTHETIC_V1", env={"WEIGHTHUB_LOCK": str(lockfile)})
    return (
        result,
        "tinydet-v1.pth (https://weights.invalid/clitest/tinydet-v1.pth) is not in the lockfile",
    )


def _plugin_conflict(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Result, str]:
    site = request.getfixturevalue("test_plugins_site")
    both = {"PYTHONPATH": str(site), "WEIGHTHUB_PLUGINS": "good,clash"}
    return _cli(request)("info", "goodnet", env=both), "WEIGHTHUB_PREFER"


def _lock_timeout(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Result, str]:
    """A second download of a file another process is (slowly) downloading waits, then fails."""
    cli = _cli(request)
    server = request.getfixturevalue("checkpoint_server")
    server.fault("/tinyvideo-v1.pth", Fault("slow", delay=0.5, chunk=1024, times=1))
    before = server.count("/tinyvideo-v1.pth")
    first = subprocess.Popen(
        [sys.executable, "-m", "weighthub", "download", "clitest_tinyvideo", "--no-progress"],
        env=cli.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while server.count("/tinyvideo-v1.pth") == before:  # it holds the lock once it asks
            assert first.poll() is None and time.monotonic() < deadline, "the first download ran"
            time.sleep(0.05)
        result = cli("download", "clitest_tinyvideo", env={"WEIGHTHUB_LOCK_TIMEOUT": "0.5"})
    finally:
        first.kill()
        first.wait()
    return result, "to finish downloading tinyvideo-v1.pth"


SCENARIOS: dict[str, Scenario] = {
    "CachePathError": lambda request, tmp: (
        _cli(request)("cache", "ls", env={"WEIGHTHUB_CACHE_PATH": str(tmp / "nowhere")}),
        "WEIGHTHUB_CACHE_PATH lists",
    ),
    "CacheWriteError": lambda request, tmp: (
        _cli(request)("download", "clitest_tinynet", "--to", "/proc/self/no-bundle"),
        "Cannot write tinynet-v2.pth into the cache folder /proc/self/no-bundle",
    ),
    "CheckpointFormatError": lambda request, tmp: _served_as_tinynet(
        request, b"<html><body>Not found</body></html>", "it is an HTML page"
    ),
    "IntegrityError": _integrity,
    "InvalidURLError": lambda request, tmp: (
        _cli(request)(
            "download",
            "clitest_tinynet",
            env={"WEIGHTHUB_MIRROR": "https://weights.invalid/clitest/=http://mirror:99999/"},
        ),
        "Invalid URL 'http://mirror:99999/tinynet-v2.pth'",
    ),
    "LockTimeoutError": _lock_timeout,
    "LockfileError": lambda request, tmp: (
        _cli(request)("download", "--lock", str(tmp / "none.lock")),
        "does not exist",
    ),
    "MetaValidationError": lambda request, tmp: (
        request.getfixturevalue("broken_cli")(
            "info",
            "clitest_broken",
            env={"WEIGHTHUB_STRICT": "1", "WEIGHTHUB_DISABLE_PLUGINS": "clitest-crash"},
        ),
        "enum Broken_Weights, breaks the 'image_classification' schema",
    ),
    "NotInLockfileError": _not_in_lockfile,
    "OfflineModeError": lambda request, tmp: (
        _cli(request)(
            "predict",
            "-m",
            "clitest_tinynet",
            str(request.getfixturevalue("photo_file")),
            env={"WEIGHTHUB_OFFLINE": "1"},
        ),
        "Offline mode is on (WEIGHTHUB_OFFLINE) and tinynet-v2.pth is not in the cache",
    ),
    "PluginConflictError": _plugin_conflict,
    "PluginLoadError": lambda request, tmp: (
        request.getfixturevalue("broken_cli")("plugins", env={"WEIGHTHUB_STRICT": "1"}),
        "Skipping weighthub plugin 'clitest-crash'",
    ),
    "UnknownModelError": lambda request, tmp: (
        _cli(request)("lock", "clitest_tinynett", "-o", str(tmp / "x.lock")),
        "Did you mean 'clitest_tinynet'",
    ),
    "UnknownWeightsError": lambda request, tmp: (
        _cli(request)("download", "TinyNett_Weights.SYNTHETIC_V1"),
        "Did you mean 'TinyNet_Weights'",
    ),
    "UnknownWeightsMemberError": lambda request, tmp: (
        _cli(request)("cache", "rm", "TinyNet_Weights.SYNTHETIC_V9"),
        "has no member 'SYNTHETIC_V9'",
    ),
    "UnsafeCheckpointError": lambda request, tmp: _served_as_tinynet(
        request, _unsafe_checkpoint(), "Refusing to load"
    ),
    "WeightsDownloadError": lambda request, tmp: (
        _cli(request)(
            "download",
            "clitest_tinynet",
            env={
                "WEIGHTHUB_MIRROR": "https://weights.invalid/clitest/="
                f"{request.getfixturevalue('checkpoint_server').base}/gone/"
            },
        ),
        "tinynet-v2.pth failed with HTTP 404",
    ),
}
# Raised only where no input reaches (RankMismatchError: under torchrun only): by the raiser plugin.
# CheckpointMismatchError and UnsupportedModelKwargsError are raised for real by the tests of
# weights with a missing head or builder options (tests/attach/test_bands.py, the torchgeo port);
# TorchvisionLegacyWeightsError by torchvision's builders (tests/core/test_torchvision_builders.py).
PLUGIN_ONLY = {
    "CheckpointMismatchError",
    "InvalidFileNameError",
    "RankMismatchError",
    "TorchvisionLegacyWeightsError",
    "UnknownTaskError",
    "UnsupportedModelKwargsError",
    "WeighthubError",
    "WeightsLoadStopped",
}


def test_every_class_is_raised_for_real_or_by_the_plugin():
    assert set(SCENARIOS) | PLUGIN_ONLY == set(ERRORS)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_real_failures_end_in_one_line_with_their_exit_code(
    request: pytest.FixtureRequest, name: str, tmp_path: Path
) -> None:
    result, text = SCENARIOS[name](request, tmp_path)
    assert_one_line_error(result, code=ERRORS[name].exit_code, contains=text)
