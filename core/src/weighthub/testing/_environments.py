"""A Python interpreter that sees every installed distribution except some, for real subprocesses.

To test what users without a plugin see, nothing is patched: a folder mirrors this interpreter's
site-packages with symbolic links, leaving out the hidden distributions' files (their
``.dist-info``, packages and ``.pth`` files), and ``python -S`` runs with only that folder and the
remaining ``.pth`` paths (editable installs) on ``sys.path``. Entry-point discovery then finds no
trace of the hidden distributions, exactly as if they were not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

__all__ = [
    "HomeIsolation",
    "Interpreter",
    "Outcome",
    "isolated_home",
    "pip_install_target",
    "python_without",
]


@dataclass(frozen=True)
class Interpreter:
    """How to start the interpreter: ``subprocess.run([*argv, ...], env=env)``.

    Attributes:
        argv: The executable and its options (``[sys.executable, "-S"]``).
        env: The whole environment of the subprocess (``os.environ`` plus ``PYTHONPATH``).
    """

    argv: list[str]
    env: dict[str, str] = field(repr=False)

    def run(self, code: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        """Run ``python -c code``; output is captured as text; ``kwargs`` go to subprocess.run."""
        options: dict[str, Any] = {"capture_output": True, "text": True, "env": self.env}
        options.update(kwargs)
        return subprocess.run([*self.argv, "-c", code], check=False, **options)

    def errors_of(
        self,
        setup: str,
        calls: Sequence[str],
        *,
        catch: tuple[type[BaseException], ...] = (Exception,),
        timeout: float = 300,
    ) -> list[str | None]:
        """Run ``setup``, then each of ``calls`` in turn, and return the message each one raised.

        Every call is Python source run in the namespace ``setup`` made (``import mynets``), so a
        test can check in one subprocess what several calls do in this interpreter::

            errors = python_without("weighthub-classification").errors_of(
                "import mynets", ["mynets.mynet_s(weights_backbone='DEFAULT')"], catch=(ValueError,)
            )
            assert "pip install weighthub-classification" in errors[0]

        Args:
            setup: Source run once, first.
            calls: Source snippets run one after the other (a snippet may change state, such as
                warning filters, for the later ones).
            catch: The exception classes a call may raise; any other error ends the run.
            timeout: Seconds the whole run may take.

        Returns:
            For each call, ``str()`` of the exception it raised, or ``None`` when it raised none.

        Raises:
            AssertionError: The subprocess failed (``setup`` or a call raised something outside
                ``catch``); the message holds its stderr.
        """
        outcomes = self._run_calls(setup, calls, catch=catch, values=False, timeout=timeout)
        return [outcome.message for outcome in outcomes]

    def outcomes_of(
        self, setup: str, calls: Sequence[str], *, timeout: float = 300
    ) -> list[Outcome]:
        """Run ``setup``, then each of ``calls`` in turn; return what each gave or raised.

        As :meth:`errors_of`, in one subprocess, but any ``Exception`` a call raises is caught,
        and a call that is an expression gives its value::

            hf = Interpreter([sys.executable], dict(os.environ))
            cold, missing = hf.outcomes_of(
                "from huggingface_hub import hf_hub_download",
                ["hf_hub_download('org/model', 'a.bin')", "hf_hub_download('org/x', 'a.bin')"],
            )
            assert missing.error == "huggingface_hub.errors.RepositoryNotFoundError"

        Args:
            setup: Source run once, first.
            calls: Expressions or statements run one after the other.
            timeout: Seconds the whole run may take.

        Returns:
            One :class:`Outcome` per call.

        Raises:
            AssertionError: The subprocess failed (``setup`` raised, or it was killed).
        """
        return self._run_calls(setup, calls, catch=(Exception,), values=True, timeout=timeout)

    def _run_calls(
        self,
        setup: str,
        calls: Sequence[str],
        *,
        catch: tuple[type[BaseException], ...],
        values: bool,
        timeout: float,
    ) -> list[Outcome]:
        names = [f"{kind.__module__}:{kind.__qualname__}" for kind in catch]
        payload = {"setup": setup, "calls": list(calls), "catch": names, "values": values}
        code = _RUN_CALLS.format(payload=json.dumps(payload), marker=_CALLS_MARKER)
        result = self.run(code, timeout=timeout)
        lines = [line for line in result.stdout.splitlines() if line.startswith(_CALLS_MARKER)]
        if result.returncode != 0 or len(lines) != 1:
            msg = f"the subprocess failed (exit code {result.returncode}):\n{result.stderr}"
            raise AssertionError(msg)
        return [Outcome(**fields) for fields in json.loads(lines[0][len(_CALLS_MARKER) :])]


@dataclass(frozen=True)
class Outcome:
    """What one call of :meth:`Interpreter.outcomes_of` did.

    Attributes:
        value: The expression's value as JSON gives it back (``str()`` of what JSON cannot
            hold, such as a path); None for a statement or an error.
        error: The qualified name of the exception raised (``"builtins.KeyError"``), or None.
        message: ``str()`` of that exception, or None.
    """

    value: Any = None
    error: str | None = None
    message: str | None = None


_CALLS_MARKER = "weighthub.testing calls: "
_RUN_CALLS = """
import importlib, json
payload = json.loads({payload!r})
catch = tuple(
    getattr(importlib.import_module(module), name)
    for module, name in (entry.split(":") for entry in payload["catch"])
)
namespace = {{}}
exec(payload["setup"], namespace)
outcomes = []
for call in payload["calls"]:
    try:
        try:
            code, expression = compile(call, "<call>", "eval"), True
        except SyntaxError:
            code, expression = compile(call, "<call>", "exec"), False
        value = eval(code, namespace) if expression else exec(code, namespace)
    except catch as exc:
        kind = type(exc)
        error = kind.__module__ + "." + kind.__qualname__
        outcomes.append({{"error": error, "message": str(exc)}})
    else:
        shown = json.loads(json.dumps(value, default=str)) if payload["values"] else None
        outcomes.append({{"value": shown}})
print({marker!r} + json.dumps(outcomes))
"""


def _hidden_entries(distributions: tuple[str, ...]) -> set[str]:
    """The top-level site-packages entries that belong to ``distributions``."""
    hidden: set[str] = set()
    for name in distributions:
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        hidden.update(Path(str(path)).parts[0] for path in dist.files or ())
    return hidden


def python_without(
    *distributions: str, folder: str | os.PathLike[str], env: dict[str, str] | None = None
) -> Interpreter:
    """Return a Python that sees this interpreter's packages, minus ``distributions``.

    Args:
        distributions: Distribution names to hide (``"weighthub-classification"``); names that are
            not installed are ignored.
        folder: An empty folder to hold the links (a ``tmp_path`` in a test).
        env: The environment to start from; ``os.environ`` by default.

    Returns:
        The interpreter to run code with.
    """
    hidden = _hidden_entries(distributions)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    paths = [str(target)]
    for site_dir in (Path(p) for p in site.getsitepackages() if Path(p).is_dir()):
        for entry in sorted(site_dir.iterdir()):
            if entry.name in hidden or entry.name == "__pycache__":
                continue
            if entry.suffix == ".pth":
                lines = entry.read_text(encoding="utf-8").splitlines()
                paths += [line.strip() for line in lines if line.strip() and not _is_code(line)]
                continue
            link = target / entry.name
            if not link.exists():
                link.symlink_to(entry)
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    return Interpreter([sys.executable, "-S"], environment)


def pip_install_target(
    target: str | os.PathLike[str], *sources: str | os.PathLike[str], timeout: float = 600
) -> Path:
    """Install distributions with pip into a folder (``pip install --target``), without deps.

    Put the folder on ``PYTHONPATH`` (or ``sys.path``) to discover the installed plugins through
    their real entry points; nothing is installed into the running environment.

    Args:
        target: The folder to install into (created if needed).
        sources: What pip installs: project folders, wheels or requirement names.
        timeout: Seconds pip may take.

    Returns:
        ``target``, as a :class:`~pathlib.Path`.

    Raises:
        AssertionError: pip failed; the message holds its output.
    """
    folder = Path(target)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    command += ["--no-build-isolation", "--disable-pip-version-check", "--target", str(folder)]
    result = subprocess.run(
        [*command, *map(str, sources)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        msg = f"pip install --target {folder} failed:\n{result.stdout}{result.stderr}"
        raise AssertionError(msg)
    return folder


def _is_code(pth_line: str) -> bool:
    return pth_line.startswith(("import ", "import\t", "#"))


@dataclass
class HomeIsolation:
    """The environment :func:`isolated_home` changed, to put back with :meth:`close`.

    Attributes:
        folder: The temporary home.
        saved: The previous value of every variable changed (None: it was not set).
    """

    folder: Path
    saved: dict[str, str | None]

    def close(self) -> None:
        """Restore the variables and remove the folder."""
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(self.folder, ignore_errors=True)


def isolated_home() -> HomeIsolation:
    """Point this process's home and caches (and its subprocesses') at a new temporary folder.

    ``HOME`` becomes the folder; ``XDG_CACHE_HOME`` ``.cache``, ``TORCH_HOME`` ``.cache/torch`` and
    ``HF_HOME`` ``.cache/huggingface`` under it (their defaults under a home), and so do the other
    XDG folders and hypothesis's storage; every ``WEIGHTHUB_*`` variable is cleared, so weighthub's
    cache is torch.hub's default in there.

    Returns:
        What to call ``close()`` on to undo it.
    """
    folder = Path(tempfile.mkdtemp(prefix="weighthub-test-home-"))
    values = {
        "HOME": folder,
        "XDG_CACHE_HOME": folder / ".cache",
        "XDG_CONFIG_HOME": folder / ".config",
        "XDG_DATA_HOME": folder / ".local" / "share",
        "XDG_STATE_HOME": folder / ".local" / "state",
        "TORCH_HOME": folder / ".cache" / "torch",
        "HF_HOME": folder / ".cache" / "huggingface",
        # hypothesis's example database and caches, otherwise a .hypothesis folder in the cwd
        "HYPOTHESIS_STORAGE_DIRECTORY": folder / ".hypothesis",
    }
    cleared = [name for name in os.environ if name.startswith("WEIGHTHUB_")]
    saved = {name: os.environ.get(name) for name in [*values, *cleared]}
    for name in cleared:
        del os.environ[name]
    for name, path in values.items():
        os.environ[name] = str(path)
    return HomeIsolation(folder, saved)
