"""The ``weighthub`` command line: list, describe, download and try pretrained weights.

Built on :mod:`argparse` from the standard library: the CLI adds no dependency, and its start-up
stays as fast as ``import weighthub`` itself. ``weighthub list``, ``plugins`` and ``cache ls`` never
import torch; commands that need it (``predict``, ``check``, ``info`` for the transforms'
description) import it when they run.

One private module per command group; each provides ``add_parser(subparsers)``, which registers its
sub-command(s) with a ``run(args) -> int`` handler as the ``handler`` default.

Exit codes: 0 success; 1 a failure that is not the user's (a download or a conformance check
failed, a corrupt cache file, a plugin's error); 2 a user error (unknown name, missing or unreadable
file, offline and not cached, bad usage). Each :class:`~weighthub.WeighthubError` carries its code
(``exit_code``); a failure is printed as one ``weighthub: error: ...`` line without a traceback
(see :mod:`._failure`; ``weighthub --traceback <command>`` prints it).
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from . import (
    _cache,
    _catalog,
    _check,
    _convert,
    _describe,
    _download,
    _info,
    _lockfile,
    _new,
    _predict,
)
from ._common import Parser
from ._failure import error_line, exit_for

__all__ = ["build_parser", "main"]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("weighthub")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "unknown"


def build_parser() -> Parser:
    """Return the ``weighthub`` argument parser with every sub-command."""
    parser = Parser(
        prog="weighthub",
        description="List, describe, download and try the pretrained weights of every installed "
        "weighthub plugin.",
        epilog="Run 'weighthub <command> --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"weighthub {_version()}")
    parser.add_argument(
        "--traceback",
        action="store_true",
        help="when a command fails, print the traceback before its error line",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="<command>")
    for module in (
        _catalog,
        _info,
        _download,
        _lockfile,
        _predict,
        _cache,
        _check,
        _describe,
        _new,
        _convert,
    ):
        module.add_parser(subparsers)
    return parser


def _parse(parser: Parser, argv: Sequence[str] | None) -> Any:
    """Parse, letting positionals follow options (``download a --all b``) as users expect.

    argparse stops filling a ``nargs="*"`` positional at the first option; the leftovers are
    added to the command's positional list (named by its ``positionals`` default).
    """
    args, extras = parser.parse_known_args(argv)
    sink = getattr(args, "positionals", None)
    if extras and sink is not None and not any(e.startswith("-") for e in extras):
        getattr(args, sink).extend(extras)
    elif extras:
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    return args


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    stream = file if file is not None else sys.stderr
    stream.write(f"weighthub: warning: {' '.join(str(message).split())}\n")


class _WarningLines(logging.Handler):
    """Print the ``weighthub`` logger's warnings (download retries ...) as CLI warning lines."""

    def emit(self, record: logging.LogRecord) -> None:
        text = " ".join(record.getMessage().split())
        sys.stderr.write(f"weighthub: warning: {text}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``weighthub`` command line.

    Args:
        argv: The arguments, without the program name; ``sys.argv[1:]`` by default.

    Returns:
        The exit code.
    """
    parser = build_parser()
    previous = warnings.showwarning
    warnings.showwarning = _show_warning
    logger = logging.getLogger("weighthub")
    lines = _WarningLines(logging.WARNING)
    logger.addHandler(lines)
    propagate, logger.propagate = logger.propagate, False
    show_traceback = False
    try:
        args = _parse(parser, argv)
        show_traceback = args.traceback
        handler: Callable[[Any], int] | None = getattr(args, "handler", None)
        if handler is None:
            parser.print_help(sys.stderr)
            return 2
        try:
            return handler(args)
        except SystemExit as exc:  # no command exits so: a plugin's sys.exit() ends only itself
            code = exit_for(exc, show_traceback=show_traceback)
            if code is None:
                raise
            return code
    except KeyboardInterrupt:
        error_line("interrupted")
        return 130
    except BrokenPipeError:
        # `weighthub list | head`: the reader went away. Point stdout at /dev/null so that the
        # interpreter's final flush does not fail again, and exit quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        code = exit_for(exc, show_traceback=show_traceback)
        if code is None:
            raise
        return code
    finally:
        warnings.showwarning = previous
        logger.removeHandler(lines)
        logger.propagate = propagate
