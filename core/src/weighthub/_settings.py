"""Reading weighthub's ``WEIGHTHUB_*`` environment variables.

Settings are read at the moment they are needed, never cached at import, so a test or a notebook can
change ``os.environ`` and see the effect on the next call.
"""

from __future__ import annotations

import os

__all__ = ["env_flag", "env_list", "strict_mode"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def env_flag(name: str) -> bool:
    """Return whether the boolean environment variable ``name`` is set to a true value.

    Raises:
        ValueError: The variable holds something that is neither true nor false.
    """
    raw = os.environ.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    msg = f"{name}={os.environ[name]!r} is not a boolean; use 1 or 0."
    raise ValueError(msg)


def env_list(name: str) -> list[str] | None:
    """Return the comma-separated environment variable ``name`` as a list, or None when unset."""
    raw = os.environ.get(name)
    if raw is None:
        return None
    return [item.strip() for item in raw.split(",") if item.strip()]


def strict_mode() -> bool:
    """Return whether ``WEIGHTHUB_STRICT=1`` turns plugin and meta warnings into errors."""
    return env_flag("WEIGHTHUB_STRICT")
