"""Exceptions and warnings raised by weighthub.

Every exception subclasses the builtin that a caller would already catch, so code written against
torchvision keeps working::

    Exception
    ├── ValueError
    │   ├── UnknownModelError            unknown model name
    │   ├── UnknownWeightsError          unknown weights enum name, or a malformed weights name
    │   ├── UnknownTaskError             no task of this name is declared
    │   ├── PluginConflictError          two plugins provide the same name
    │   ├── MetaValidationError          a weights entry's meta breaks its task's schema
    │   ├── IntegrityError               a file's size or sha256 is not what the weights declare
    │   │   └── NotInLockfileError       a lockfile is active and has no entry for the file
    │   └── LockfileError                a lockfile is missing or malformed
    ├── KeyError
    │   └── UnknownWeightsMemberError    unknown member of a weights enum
    ├── ImportError
    │   └── PluginLoadError              a plugin failed to import or to register (strict mode)
    ├── OSError
    │   ├── WeightsDownloadError         a download failed for good (4xx, retries exhausted)
    │   ├── CachePathError               a WEIGHTHUB_CACHE_PATH entry is not a readable home
    │   └── FileNotFoundError
    │       └── OfflineModeError         offline, and the file is not in the cache
    ├── TimeoutError
    │   └── LockTimeoutError             waited too long for another process's download
    └── pickle.UnpicklingError
        └── UnsafeCheckpointError        a checkpoint needs unsafe unpickling

    UserWarning
    ├── PluginWarning                    a plugin was skipped or a name conflict was found
    └── MetaValidationWarning            meta that breaks its task's schema (default mode)
"""

from __future__ import annotations

import difflib
import pickle
import reprlib
from collections.abc import Iterable
from typing import Any

__all__ = [
    "CachePathError",
    "IntegrityError",
    "LockTimeoutError",
    "LockfileError",
    "MetaValidationError",
    "MetaValidationWarning",
    "NotInLockfileError",
    "OfflineModeError",
    "PluginConflictError",
    "PluginLoadError",
    "PluginWarning",
    "UnknownModelError",
    "UnknownWeightsError",
    "UnknownTaskError",
    "UnknownWeightsMemberError",
    "UnsafeCheckpointError",
    "WeightsDownloadError",
    "close_matches_hint",
    "describe_value",
    "require_str",
]


def close_matches_hint(name: str, candidates: Iterable[str], *, ignore_case: bool = False) -> str:
    """Return a ``" Did you mean ...?"`` sentence naming the candidates closest to ``name``.

    Args:
        name: The name that was not found.
        candidates: The names that exist.
        ignore_case: Compare lower-cased names, returning the candidates as spelled.

    Returns:
        The sentence with a leading space, or an empty string when nothing is close.
    """
    spelled = {c.lower() if ignore_case else c: c for c in candidates}
    key = name.lower() if ignore_case else name
    matches = difflib.get_close_matches(key, list(spelled), n=3, cutoff=0.6)
    if not matches:
        return ""
    return " Did you mean " + " or ".join(repr(spelled[m]) for m in matches) + "?"


def describe_value(value: Any) -> str:
    """Return a short ``repr`` of ``value`` with its type, e.g. ``"0 (int)"``, for messages.

    Never raises: a value whose ``repr`` fails is described by its type alone.
    """
    try:
        shown = reprlib.repr(value)
    except Exception:  # any repr may raise; the type alone still helps
        shown = "<unprintable>"
    return f"{shown} ({type(value).__qualname__})"


def require_str(value: Any, function: str, accepted: str) -> str:
    """Return ``value`` if it is a ``str``; otherwise raise a :class:`TypeError` that says so.

    Args:
        value: What the caller passed.
        function: The public function, for the message, e.g. ``"get_weight()"``.
        accepted: What it takes, e.g. ``"a weights name such as 'ResNet50_Weights.DEFAULT'"``.
    """
    if isinstance(value, str):
        return value
    msg = f"{function} takes {accepted} (a str), got {describe_value(value)}."
    raise TypeError(msg)


class UnknownModelError(ValueError):
    """No installed plugin provides a model of this name."""


class UnknownWeightsError(ValueError):
    """No installed plugin provides a weights enum of this name, or the name is malformed."""


class UnknownTaskError(ValueError):
    """Neither core nor an installed plugin declares a task of this name.

    Attributes:
        name: The task name asked for.
    """

    def __init__(self, *args: object, name: str | None = None) -> None:
        super().__init__(*args)
        self.name = name


class UnknownWeightsMemberError(KeyError):
    """A weights enum has no member of this name.

    Subclasses :class:`KeyError` as ``Enum[...]`` lookups do, but prints its message unquoted.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class PluginConflictError(ValueError):
    """Two plugins (or a plugin and a runtime registration) provide the same name."""


class PluginLoadError(ImportError):
    """A plugin failed to import or its hook raised (raised only in strict mode)."""


class MetaValidationError(ValueError):
    """A weights entry's ``meta`` does not follow its task's schema (strict mode)."""


class IntegrityError(ValueError):
    """A file's size or sha256 differs from what its weights declare."""


class NotInLockfileError(IntegrityError):
    """A lockfile is active (``WEIGHTHUB_LOCK``, ``use_lock``) and has no entry for the file."""


class LockfileError(ValueError):
    """A lockfile does not exist, is not valid TOML, or has a malformed entry."""


class WeightsDownloadError(OSError):
    """A download failed for good: a 4xx answer, or the retries ran out."""


class CachePathError(OSError):
    """A folder in ``WEIGHTHUB_CACHE_PATH`` does not exist, is unreadable or is not a home."""


class OfflineModeError(FileNotFoundError):
    """Offline mode is on and the requested file is not in the cache."""


class LockTimeoutError(TimeoutError):
    """Waiting for another process to finish the same download took too long."""


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint can only be loaded by unpickling arbitrary objects, which weighthub refuses."""


class PluginWarning(UserWarning):
    """A plugin was skipped, or a name conflict between plugins was found."""


class MetaValidationWarning(UserWarning):
    """A weights entry's ``meta`` does not follow its task's schema."""
