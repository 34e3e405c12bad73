"""How a ``weighthub`` command that fails ends: one ``weighthub: error:`` line and an exit code.

Every :class:`~weighthub.WeighthubError` carries its exit code (``exit_code``: 2 for the user's
to fix, 1 for failed work), so the command line catches the root once. An ordinary exception
raised by a plugin's code (a builder, a weights module) is one line too, naming the plugin and
where it raised, with exit code 1. ``weighthub --traceback <command>`` prints the traceback before
that line; an exception that no plugin raised is weighthub's own bug and keeps its traceback.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from .._errors import WeighthubError

if TYPE_CHECKING:
    from types import FrameType

    from .._distributions import PluginInfo

__all__ = ["error_line", "exit_for"]

TRACEBACK_HINT = "run 'weighthub --traceback <command> ...' to see the traceback"


def error_line(message: str) -> None:
    """Print ``weighthub: error: <message>`` (on one line) on stderr, after stdout's output."""
    sys.stdout.flush()
    sys.stderr.write(f"weighthub: error: {' '.join(message.split())}\n")


def _one_line(exc: BaseException) -> str:
    # A KeyError's str() is the repr of its argument: print the argument itself.
    text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    return " ".join(text.split()) or type(exc).__name__


def _frames(exc: BaseException) -> Iterator[tuple[FrameType, int]]:
    """The frames of ``exc`` and of the exceptions it was raised from, innermost first."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield from reversed(list(traceback.walk_tb(current.__traceback__)))
        current = current.__cause__ or current.__context__


def raised_by_plugin(exc: BaseException) -> tuple[PluginInfo, str] | None:
    """Return the plugin whose code raised ``exc`` and where (its innermost frame), or None.

    A frame belongs to a plugin when its module is in the plugin's package (the one of its
    entry-point module) or in a package its distribution installs.
    """
    from importlib.metadata import packages_distributions

    from .._distributions import plugin_matches
    from .._plugins import plugins

    try:
        found = [info for info in plugins() if info.status != "disabled"]
    except Exception:  # discovery itself failed: no plugin to blame
        return None
    by_package = {info.module.partition(".")[0]: info for info in found}
    installed: Mapping[str, list[str]] = {}
    for frame, line in _frames(exc):
        package = str(frame.f_globals.get("__name__", "")).partition(".")[0]
        if package in ("", "weighthub"):
            continue
        info = by_package.get(package)
        if info is None:
            installed = installed or packages_distributions()  # read once, when needed
            owners = installed.get(package, [])
            matching = (
                i for i in found if owners and plugin_matches(owners, i.name, i.distribution)
            )
            info = next(matching, None)
        if info is not None:
            return info, f"{frame.f_code.co_filename}, line {line}"
    return None


def exit_for(exc: Exception | SystemExit, *, show_traceback: bool) -> int | None:
    """Report ``exc`` as one error line and return the exit code; None to let it propagate.

    Args:
        exc: What ended the command.
        show_traceback: Print the traceback first (``weighthub --traceback``).

    Returns:
        ``exc.exit_code`` for a :class:`~weighthub.WeighthubError`, 1 for another exception a
        plugin raised (``SystemExit`` included: a plugin never ends the command), None for any
        other exception (a bug of weighthub's: its traceback is what a report needs).
    """
    if isinstance(exc, WeighthubError):
        if show_traceback:
            traceback.print_exception(exc)
        error_line(_one_line(exc))
        return exc.exit_code
    culprit = raised_by_plugin(exc)
    if culprit is None:
        return None
    info, where = culprit
    origin = f"plugin {info.name!r}" + (
        f" (distribution {info.distribution!r})" if info.distribution else ""
    )
    if show_traceback:
        traceback.print_exception(exc)
    text = _one_line(exc) if not isinstance(exc, SystemExit) else f"sys.exit({exc.code!r})"
    text += "" if text.endswith((".", "!", "?")) else "."
    error_line(
        f"{type(exc).__name__} raised by {origin} at {where}: {text} "
        f"This is a problem of that plugin: report it to its authors "
        f"({'the traceback is above' if show_traceback else TRACEBACK_HINT})."
    )
    return 1
