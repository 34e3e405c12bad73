"""Check that ``cli.md`` documents exactly the commands and options of the ``weighthub`` parser.

``cli.md`` is written by hand (readable prose and examples), so this extension guards it against
drift: on ``builder-inited`` it walks ``weighthub._cli.build_parser()`` and warns (an error under
``sphinx -W``) when

* a command has no section whose heading contains ```weighthub <command>```;
* an option or positional of a command is not mentioned in its section;
* a section mentions a ``--option`` that its command does not have.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

_HEADING = re.compile(r"^(#{2,6})\s+`weighthub ([a-z -]+)`\s*$")
_OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")
_IGNORED = {"--help", "--version"}


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict[str, Any]:
    """Map ``"cache ls"`` (etc.) to that sub-parser, for every command and group."""
    found: dict[str, Any] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                key = (*path, name)
                found[" ".join(key)] = sub
                found.update(_commands(sub, key))
    return found


def _sections(text: str) -> dict[str, str]:
    """Map ``"cache ls"`` to the text of the section headed ```weighthub cache ls```."""
    sections: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            if current is not None:
                sections[current] = "\n".join(lines)
            match = _HEADING.match(line)
            current = match.group(2).strip() if match else None
            lines = []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines)
    return sections


def _has_subcommands(parser: argparse.ArgumentParser) -> bool:
    return any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)


def check(cli_md: Path) -> list[str]:
    """Return the problems found in ``cli_md`` against the installed parser."""
    try:
        from weighthub._cli import build_parser
    except ImportError as exc:
        return [f"cannot import weighthub._cli.build_parser: {exc}"]
    commands = _commands(build_parser())
    sections = _sections(cli_md.read_text(encoding="utf-8"))
    problems: list[str] = []
    for name, parser in commands.items():
        section = sections.get(name)
        if section is None:
            problems.append(f"no section headed `weighthub {name}`")
            continue
        known: set[str] = set()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
                continue
            if isinstance(action, argparse._VersionAction):
                continue
            if action.option_strings:
                known.update(action.option_strings)
                missing = [o for o in action.option_strings if o not in section]
                if missing:
                    problems.append(f"`weighthub {name}`: option {', '.join(missing)} undocumented")
            else:
                metavar = action.metavar or action.dest.upper()
                if str(metavar) not in section:
                    problems.append(f"`weighthub {name}`: positional {metavar} undocumented")
        if _has_subcommands(parser):
            continue
        for option in sorted(set(_OPTION.findall(section)) - known - _IGNORED):
            problems.append(f"`weighthub {name}`: documents {option}, which it does not have")
    for name in sorted(set(sections) - set(commands)):
        problems.append(f"section `weighthub {name}` documents a command that does not exist")
    return problems


def _on_builder_inited(app: Sphinx) -> None:
    cli_md = Path(app.srcdir) / "cli.md"
    for problem in check(cli_md):
        logger.warning(
            f"cli.md is out of date with the weighthub parser: {problem}",
            location=str(cli_md),
            type="cli_check",
        )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _on_builder_inited)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
