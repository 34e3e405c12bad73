"""A Python interpreter that sees every installed distribution except some, for real subprocesses.

To test what users without a plugin see, nothing is patched: a folder mirrors this interpreter's
site-packages with symbolic links, leaving out the hidden distributions' files (their
``.dist-info``, packages and ``.pth`` files), and ``python -S`` runs with only that folder and the
remaining ``.pth`` paths (editable installs) on ``sys.path``. Entry-point discovery then finds no
trace of the hidden distributions, exactly as if they were not installed.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

__all__ = ["Interpreter", "python_without"]


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


def _is_code(pth_line: str) -> bool:
    return pth_line.startswith(("import ", "import\t", "#"))
