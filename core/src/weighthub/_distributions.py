"""Plugins as distributions: what discovery records of each, matching names, install hints.

Nothing here looks at the live catalogue: the functions that speak of installed plugins take
the :class:`PluginInfo` records discovery made.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

__all__ = [
    "PluginInfo",
    "PluginStatus",
    "environment_hint",
    "is_first_party_name",
    "missing_plugin_hint",
    "normalise",
    "plugin_matches",
]

PluginStatus = Literal["loaded", "failed", "disabled"]


@dataclass(frozen=True)
class PluginInfo:
    """What discovery found out about one plugin.

    Attributes:
        name: The entry-point name.
        distribution: The distribution that declares the entry point.
        version: That distribution's version.
        status: ``"loaded"``, ``"failed"`` (see ``error``) or ``"disabled"`` (by
            ``WEIGHTHUB_PLUGINS`` / ``WEIGHTHUB_DISABLE_PLUGINS``).
        error: Why the plugin failed, or None.
        models: How many models it registered.
        module: The entry point's value, the plugin module.
        attached: How many weights enums it attaches to models (its own or other plugins').
    """

    name: str
    distribution: str | None
    version: str | None
    status: PluginStatus
    error: str | None
    models: int
    module: str
    attached: int = 0


def normalise(name: str) -> str:
    """A plugin or distribution name as compared: lower case, ``-`` for ``_`` and ``.``."""
    return name.lower().replace("_", "-").replace(".", "-")


def plugin_matches(names: Iterable[str], plugin: str, distribution: str | None) -> bool:
    """Whether ``names`` (plugin or distribution names, any spelling) include this plugin."""
    wanted = {normalise(n) for n in names}
    return normalise(plugin) in wanted or (
        distribution is not None and normalise(distribution) in wanted
    )


def environment_hint() -> str:
    """Describe the active plugin filters, for error messages."""
    active = [
        f"{name}={os.environ[name]!r}"
        for name in ("WEIGHTHUB_PLUGINS", "WEIGHTHUB_DISABLE_PLUGINS")
        if name in os.environ
    ]
    return f" (active filters: {', '.join(active)})" if active else ""


@cache
def _first_party() -> dict[str, dict[str, list[str]]]:
    text = files("weighthub").joinpath("_data/first_party.json").read_text(encoding="utf-8")
    data: dict[str, dict[str, list[str]]] = json.loads(text)
    return data


@cache
def _first_party_names(kind: str) -> frozenset[str]:
    return frozenset(name for names in _first_party().values() for name in names[kind])


def is_first_party_name(name: str, kind: str) -> bool:
    """Whether a first-party plugin has ``name`` (``kind``: ``"models"`` or ``"enums"``).

    Such a short name stays the first-party plugin's even while that plugin is not installed: it
    never becomes another plugin namespace's short name.
    """
    return name in _first_party_names(kind)


def missing_plugin_hint(name: str, kind: str, records: Sequence[PluginInfo]) -> str:
    """Say which first-party plugin provides ``name`` and how to get it.

    Args:
        name: A model name (lower case) or a weights enum name.
        kind: ``"models"`` or ``"enums"``: which list of ``_data/first_party.json`` to search.
        records: The plugins discovery found, to tell "not installed" from "failed to load" and
            "disabled".

    Returns:
        A sentence with a leading space, or an empty string for a name no first-party plugin has.
    """
    for plugin, names in _first_party().items():
        if name in names[kind]:
            distribution = f"weighthub-{plugin}"
            record = next(
                (p for p in records if plugin_matches([distribution], p.name, p.distribution)),
                None,
            )
            if record is None:
                return (
                    f" It is provided by the plugin {distribution!r}, which is not installed: "
                    f"pip install {distribution} (from a weighthub checkout: "
                    f"pip install ./plugins/{plugin})."
                )
            if record.status == "failed":
                return f" Its plugin {distribution!r} failed to load: {record.error}"
            if record.status == "disabled":
                return (
                    f" Its plugin {distribution!r} is installed but disabled{environment_hint()}."
                )
    return ""
