"""The pluggy markers of weighthub's hooks."""

from __future__ import annotations

import pluggy

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "weighthub"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marks a function in :mod:`weighthub.hookspecs` as a hook specification."""

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marks a plugin's function as the implementation of a weighthub hook."""
