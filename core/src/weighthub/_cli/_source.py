"""Python source of a ``Weights(...)`` entry's values, laid out as ``ruff format`` writes them.

``weighthub describe`` prints the entry and ``weighthub new plugin`` writes it into a plugin that
must pass ``ruff format --check``: strings keep every printable character as written (an emoji, a
CJK name), and a line is split exactly when it would pass the line length, counted in display
columns.
"""

from __future__ import annotations

import unicodedata
from typing import Any

__all__ = ["list_lines", "literal", "metrics_lines", "string_literal", "transforms_source"]


def string_literal(text: str) -> str:
    """Python source of ``text`` that keeps every printable character as it is.

    Only the quote, backslashes and non-printable characters (controls, line and paragraph
    separators, lone surrogates) are escaped, with Python's own escapes; an emoji or a CJK name
    stays readable. Double quotes unless the text holds more of them than single ones, as
    ``ruff format`` prefers.
    """
    quote = "'" if text.count('"') > text.count("'") else '"'
    out = []
    for char in text:
        if char in (quote, "\\"):
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(repr(char)[1:-1])
    return quote + "".join(out) + quote


def literal(value: Any) -> str:
    """Python source of a plain value, with double-quoted strings as ``ruff format`` writes."""
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def transforms_source(factory: Any) -> str:
    """``preset("Name", key=value, ...)`` for a preset factory, else its ``repr``."""
    name, keywords = getattr(factory, "name", None), getattr(factory, "keywords", None)
    if not isinstance(name, str) or keywords is None:
        return repr(factory)
    settings = "".join(f", {key}={literal(value)}" for key, value in keywords.items())
    return f"preset({literal(name)}{settings})"


_WIDTH = 100  # ruff's line length in weighthub and in the plugins it generates
_PAD = " " * 8  # a meta entry's indent inside Weights(...)


def list_lines(prefix: str, values: list[str] | None, indent: int) -> list[str]:
    """``prefix[...],`` on one line when it fits, else one item per line (as ``ruff format``)."""
    one_line = f"{_PAD}{prefix}{literal(values)},"
    if values is None or indent + _display_width(one_line) <= _WIDTH:
        return [one_line]
    return [f"{_PAD}{prefix}[", *(f"{_PAD}    {literal(v)}," for v in values), f"{_PAD}],"]


def metrics_lines(dataset: str, names: list[str], indent: int) -> list[str]:
    """``"_metrics": {dataset: {name: NaN, ...}},`` on one line when it fits, else exploded with
    trailing commas, which ``ruff format`` keeps as they are."""
    values = [f'"{name}": float("nan")' for name in names]
    one_line = f'{_PAD}"_metrics": {{{dataset}: {{{", ".join(values)}}}}},'
    if indent + _display_width(one_line) <= _WIDTH:
        return [one_line]
    inner = [f"{_PAD}        {value}," for value in values]
    body = [f"{_PAD}    {dataset}: {{", *inner, f"{_PAD}    }},"] if values else []
    return [f'{_PAD}"_metrics": {{', *(body or [f"{_PAD}    {dataset}: {{}},"]), f"{_PAD}}},"]


def _display_width(text: str) -> int:
    """Columns ``text`` takes in an editor (and for ``ruff format``): wide characters take two,
    combining ones none."""
    return sum(
        0
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf")
        else 2
        if unicodedata.east_asian_width(char) in ("W", "F")
        else 1
        for char in text
    )
