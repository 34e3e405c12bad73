"""Helpers shared by the ``weighthub`` commands: errors, output, tables and name resolution.

Nothing here imports torch.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from .._errors import UnsafeCheckpointError, WeighthubError, close_matches_hint
from .._registry import ModelEntry
from .._weights import WeightsEnum

if TYPE_CHECKING:
    from .._distributions import PluginInfo

__all__ = [
    "CLIError",
    "CLIFailure",
    "Parser",
    "Resolved",
    "default_member",
    "dump_json",
    "format_bytes",
    "format_table",
    "jsonable",
    "plain_text",
    "plugin_version",
    "read_state_dict",
    "require_plugin",
    "require_task",
    "resolve",
    "shown_value",
    "terminal_width",
    "wrap",
]


class CLIError(WeighthubError):
    """A user error: printed as one ``weighthub: error: ...`` line, exit code 2."""

    exit_code = 2


class CLIFailure(CLIError):
    """A failure that is not the user's fault (download, integrity): one line, exit code 1."""

    exit_code = 1


def default_member(enum: type[WeightsEnum]) -> WeightsEnum | None:
    """Return the enum's ``DEFAULT`` member, or None when it declares none."""
    member = enum.__members__.get("DEFAULT")
    return member if isinstance(member, WeightsEnum) else None


@dataclass
class Resolved:
    """What a command-line NAME refers to.

    Attributes:
        name: The name as typed.
        models: The models involved (the model itself, or the models using the weights enum).
        members: The weights: every member of the model's enum, or the one named.
        explicit: True when NAME named weights (``Enum.MEMBER``) rather than a model.
    """

    name: str
    models: list[ModelEntry] = field(default_factory=list)
    members: list[WeightsEnum] = field(default_factory=list)
    explicit: bool = False


def _models_using(enum_name: str) -> list[ModelEntry]:
    """The models whose own weights enum has this class name (none is imported)."""
    from .._api import get_model_entry, list_models

    entries = [get_model_entry(name) for name in list_models()]
    return [e for e in entries if e.weights_name == enum_name]


def _models_of_enum(enum: type[WeightsEnum]) -> list[ModelEntry]:
    return [e for e in _models_using(enum.__name__) if e.load_weights() is enum]


def resolve(name: str) -> Resolved:
    """Resolve a model name (``resnet50``) or a weights name (``ResNet50_Weights.DEFAULT``).

    Raises:
        UnknownModelError, UnknownWeightsError, UnknownWeightsMemberError: The name is unknown
            (their messages already suggest close matches).
    """
    from .._api import get_model_entry, get_weight, lone_name_hint
    from .._errors import UnknownModelError

    if "." in name:
        member = get_weight(name)
        return Resolved(name, _models_of_enum(type(member)), [member], explicit=True)
    try:
        entry = get_model_entry(name)
    except UnknownModelError as exc:
        # A weights enum's name alone: the weights of the models that use it.
        users = _models_using(name)
        if not users:
            msg = f"{exc}{lone_name_hint(name)}"
            raise UnknownModelError(msg, name=name) from None
        enum = users[0].load_weights()
        return Resolved(name, users, list(enum) if enum is not None else [])
    enum = entry.load_weights()
    return Resolved(name, [entry], list(enum) if enum is not None else [])


def require_plugin(name: str) -> list[PluginInfo]:
    """Return the plugins (of any status) that ``name`` names, by plugin or distribution name.

    Raises:
        CLIError: None does; the message suggests the close names and lists the installed ones.
    """
    from .._distributions import plugin_matches
    from .._plugins import plugins

    found = plugins()
    matching = [info for info in found if plugin_matches([name], info.name, info.distribution)]
    if not matching:
        names = [n for info in found for n in (info.name, info.distribution) if n]
        msg = (
            f"No plugin {name!r} is installed.{close_matches_hint(name, names, ignore_case=True)} "
            f"Installed: {', '.join(info.name for info in found) or 'none'}."
        )
        raise CLIError(msg)
    return matching


def require_task(task: str) -> None:
    """Refuse a ``--task`` that no installed model has, suggesting the tasks that look close.

    A task whose name contains ``task`` is suggested first (``detection`` ->
    ``object_detection``), then the close spellings.

    Raises:
        CLIError: No installed model has the task.
    """
    from .._api import get_model_entry, list_models

    tasks = sorted({get_model_entry(name).task for name in list_models()})
    if task in tasks:
        return
    containing = [t for t in tasks if task.lower() in t.lower()]
    hint = (
        " Did you mean " + " or ".join(repr(t) for t in containing) + "?"
        if containing
        else close_matches_hint(task, tasks, ignore_case=True)
    )
    msg = f"No installed model has the task {task!r}.{hint} Tasks: {', '.join(tasks)}."
    raise CLIError(msg)


def read_state_dict(path: Path, *, mmap: bool = True) -> Mapping[str, Any]:
    """Load a checkpoint the safe way (``weights_only``) for a command that reads one.

    What its entries must be is the command's to check: only a non-empty mapping is required.

    Raises:
        CLIError: The file is unsafe to unpickle, cannot be loaded, or holds no state dict.
    """
    from .._fetch import load_checkpoint

    try:
        state = load_checkpoint(path, mmap=mmap)
    except UnsafeCheckpointError as exc:
        msg = f"{path} is not a safe checkpoint, refusing to load it: {exc}"
        raise CLIError(msg) from exc
    except Exception as exc:
        msg = f"Cannot load the checkpoint {path}: {type(exc).__name__}: {exc}"
        raise CLIError(msg) from exc
    if not isinstance(state, Mapping) or not state:
        msg = f"{path} does not hold a state dict (got {type(state).__name__})."
        raise CLIError(msg)
    return state


def plugin_version(entry: ModelEntry) -> str | None:
    """Return the version of the distribution that registered ``entry``."""
    from .._plugins import plugins

    for info in plugins():
        if info.name == entry.plugin:
            return info.version
    return None


def jsonable(value: Any) -> Any:
    """Turn meta values (tuples, enum members, weights references, NaN) into JSON values."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def dump_json(data: Any, stream: TextIO | None = None) -> None:
    """Print ``data`` as indented, strict JSON."""
    out = stream if stream is not None else sys.stdout
    json.dump(jsonable(data), out, indent=2, allow_nan=False)
    out.write("\n")


def terminal_width() -> int | None:
    """The width to fit tables to: ``COLUMNS``, else the terminal's; None when not a terminal."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def format_table(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    max_width: int | None = None,
    shrinkable: Sequence[int] = (),
) -> str:
    """Return a plain text table with left-aligned columns separated by two spaces.

    Args:
        header: The column titles.
        rows: The cells.
        max_width: Fit the table to this many columns by narrowing the ``shrinkable`` columns
            (widest first, down to 6 characters) and ending cut cells with ``…``.
        shrinkable: Indexes of the columns that may be narrowed.
    """
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    if max_width is not None:
        while sum(widths) + 2 * (len(widths) - 1) > max_width:
            candidates = [i for i in shrinkable if widths[i] > 6]
            if not candidates:
                break
            widest = max(candidates, key=lambda i: widths[i])
            widths[widest] -= 1
        cells = [
            [c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(row, widths, strict=True)]
            for row in cells
        ]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines)


UNPUBLISHED = "\u2013"  # an en dash, as in the docs tables
"""How text output shows a metric that was not published (NaN in meta, null in JSON)."""

_LITERAL = re.compile(r"``(.+?)``")
_LINK = re.compile(r"`([^`<]+?)\s*<([^>]+)>`__?")
_ROLE = re.compile(r":[\w:.-]+:`~?(?:[^`<]*<)?([^`>]+?)>?`")
_INTERPRETED = re.compile(r"`([^`]+)`")


def plain_text(text: str) -> str:
    """Render reStructuredText inline markup as plain terminal text.

    ````x```` -> ``x``; ```text <url>`_`` -> ``text (url)``; ``:class:`~a.B``` -> ``B``
    (``a.B`` without the ``~``); ```x``` -> ``x``.
    """
    text = _LITERAL.sub(r"\1", text)
    text = _LINK.sub(r"\1 (\2)", text)
    text = _ROLE.sub(
        lambda m: m.group(1).rpartition(".")[2] if "~" in m.group(0) else m.group(1), text
    )
    return _INTERPRETED.sub(r"\1", text)


def shown_value(value: Any) -> str:
    """A meta value as text: a NaN (an unpublished metric) is shown as :data:`UNPUBLISHED`."""
    if isinstance(value, float) and math.isnan(value):
        return UNPUBLISHED
    return str(value)


def format_bytes(size: float) -> str:
    """Return ``size`` bytes in the largest binary unit that keeps it at least 1 (``17.95 MiB``)."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.2f} {unit}"
        value /= 1024
    return f"{value:.2f} GiB"  # pragma: no cover - the loop always returns


def wrap(text: str, indent: int, width: int = 100) -> str:
    """Fill ``text`` to ``width`` columns, indenting the lines after the first by ``indent``."""
    lines = textwrap.wrap(
        " ".join(text.split()),
        width=width - indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return ("\n" + " " * indent).join(lines)


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one ``weighthub: error:`` line (exit 2)."""

    def error(self, message: str) -> NoReturn:
        prog = self.prog
        msg = f"{message} (see '{prog} --help')"
        raise CLIError(msg)
