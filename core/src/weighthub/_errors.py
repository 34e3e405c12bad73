"""Exceptions and warnings raised by weighthub.

Every exception derives from :class:`WeighthubError`, and also from the builtin that a caller
would already catch, so code written against torchvision keeps working (``except ValueError``
and ``except weighthub.WeighthubError`` both catch an :class:`UnknownModelError`)::

    WeighthubError (Exception)
    ├── CachePathError               OSError: a WEIGHTHUB_CACHE_PATH entry is not a readable home
    ├── CacheWriteError              OSError: the cache's disk is full, read-only or failing
    ├── CheckpointFormatError        ValueError: not a PyTorch or safetensors checkpoint at all
    ├── CheckpointMismatchError      RuntimeError: a checkpoint's tensors do not fit the model
    ├── IntegrityError               ValueError: a file's size or sha256 is not the declared one
    │   └── NotInLockfileError       a lockfile is active and has no entry for the file
    ├── InvalidFileNameError         ValueError: a cache file name is unsafe or too long
    ├── InvalidURLError              ValueError: a checkpoint URL no request could fetch
    ├── LockTimeoutError             TimeoutError: waited too long for another download
    ├── LockfileError                ValueError: a lockfile is missing or malformed
    ├── MetaValidationError          ValueError: a weights entry's meta breaks its task's schema
    ├── OfflineModeError             FileNotFoundError: offline, and the file is not cached
    ├── PluginConflictError          ValueError: two plugins provide the same name
    ├── PluginLoadError              ImportError: a plugin failed to import or register (strict)
    ├── RankMismatchError            ValueError: torchrun ranks fetch different files in broadcast
    ├── UnknownModelError            ValueError: unknown model name
    ├── UnknownTaskError             ValueError: no task of this name is declared
    ├── UnknownWeightsError          ValueError: unknown or malformed weights enum name
    ├── UnknownWeightsMemberError    KeyError: unknown member of a weights enum
    ├── UnsafeCheckpointError        pickle.UnpicklingError: a checkpoint needs unsafe unpickling
    ├── TorchvisionLegacyWeightsError TypeError: a torchvision builder given weighthub's weights
    ├── UnsupportedModelKwargsError  TypeError: a model cannot take an option its weights declare
    └── WeightsDownloadError         OSError: a download failed for good (4xx, retries exhausted)

    WeighthubWarning (UserWarning)
    ├── MetaValidationWarning        meta that breaks its task's schema (default mode)
    └── PluginWarning                a plugin was skipped or a name conflict was found

Each class carries ``exit_code``, the status the ``weighthub`` command exits with when that error
ends it: ``2`` when the fix is the user's (an unknown name, a bad setting, file or lockfile, offline
and not cached, a conflict between installed plugins), ``1`` when work failed that the user did not
get wrong (a download, a corrupt or unsafe file, a full disk, a plugin that breaks its contract).
``docs/cli.md`` lists them.

Structured attributes (``.name``, ``.url``, ``.path`` ...) are keyword-only constructor
arguments that default to None, so ``raise UnknownModelError(msg)`` stays valid; they live in the
instance ``__dict__``, which ``BaseException.__reduce__`` carries, so the exceptions survive
``pickle`` (multiprocessing) and ``copy``.
"""

from __future__ import annotations

import difflib
import pickle
import reprlib
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import Any, ClassVar

__all__ = [
    "CachePathError",
    "CacheWriteError",
    "CheckpointFormatError",
    "CheckpointMismatchError",
    "IntegrityError",
    "InvalidFileNameError",
    "InvalidURLError",
    "LockTimeoutError",
    "LockfileError",
    "MetaValidationError",
    "MetaValidationWarning",
    "NotInLockfileError",
    "OfflineModeError",
    "PluginConflictError",
    "PluginLoadError",
    "PluginWarning",
    "RankMismatchError",
    "TorchvisionLegacyWeightsError",
    "UnknownModelError",
    "UnknownTaskError",
    "UnknownWeightsError",
    "UnknownWeightsMemberError",
    "UnsafeCheckpointError",
    "UnsupportedModelKwargsError",
    "WeighthubError",
    "WeighthubWarning",
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


def _as_path(path: str | PathLike[str] | None) -> Path | None:
    return None if path is None else Path(path)


class WeighthubError(Exception):
    """The root of every exception weighthub raises: ``except weighthub.WeighthubError``.

    Attributes:
        exit_code: The exit status of the ``weighthub`` command that this error ends: 1 (work
            failed) unless a subclass says 2 (the user's to fix). A class attribute.
    """

    exit_code: ClassVar[int] = 1


class WeighthubWarning(UserWarning):
    """The root of every warning weighthub issues, e.g. to filter them all at once."""


class CachePathError(WeighthubError, OSError):
    """A folder in ``WEIGHTHUB_CACHE_PATH`` does not exist, is unreadable or is not a home.

    Attributes:
        path: The offending folder.
    """

    exit_code = 2

    def __init__(self, *args: object, path: str | PathLike[str] | None = None) -> None:
        super().__init__(*args)
        self.path = _as_path(path)


class CacheWriteError(WeighthubError, OSError):
    """Writing a checkpoint into the cache failed on the local disk (full, quota, read-only, I/O).

    Raised as ``CacheWriteError(errno, message)``: ``errno`` is the operating system's
    (``ENOSPC``, ``EDQUOT``, ``EROFS``, ``EIO``); the message names the file, its folder, the bytes
    needed and free, and the fix. It is never retried as a network error, and the partial download
    is deleted.

    Attributes:
        path: The cache file that could not be written.
        needed: The bytes the download still needed, when known.
        free: The bytes free on that disk, when known.
    """

    def __init__(
        self,
        *args: object,
        path: str | PathLike[str] | None = None,
        needed: int | None = None,
        free: int | None = None,
    ) -> None:
        super().__init__(*args)
        self.path = _as_path(path)
        self.needed = needed
        self.free = free


class CheckpointFormatError(WeighthubError, ValueError):
    """A file is not a PyTorch (zip or legacy pickle) or safetensors checkpoint at all.

    Raised for an HTML error page, a text file or a truncated archive saved under a checkpoint's
    name; the message names the file and what its first bytes look like.

    Attributes:
        path: The file.
    """

    def __init__(self, *args: object, path: str | PathLike[str] | None = None) -> None:
        super().__init__(*args)
        self.path = _as_path(path)


class CheckpointMismatchError(WeighthubError, RuntimeError):
    """A checkpoint's tensors do not fit the model built for it (a ``RuntimeError``, as torch's
    strict ``load_state_dict`` raises).

    Missing, unexpected or mis-shaped tensors; keys missing outside the head the weights declare
    they lack (``missing_head``), keys of that declared head which the checkpoint does carry, a
    declared head that names no key of the model; or a part to initialise freshly that cannot be.
    The message names the weights or the file, the keys or layer, and the fix (``num_classes``,
    ``in_chans``, ``fresh``, ``missing_head``).

    Attributes:
        path: The checkpoint file, when the error concerns one.
        name: The weights, ``"Enum.MEMBER"``, when known.
        keys: The offending keys (or patterns), in the message's order.
    """

    def __init__(
        self,
        *args: object,
        path: str | PathLike[str] | None = None,
        name: str | None = None,
        keys: Iterable[str] = (),
    ) -> None:
        super().__init__(*args)
        self.path = _as_path(path)
        self.name = name
        self.keys = list(keys)


class IntegrityError(WeighthubError, ValueError):
    """A file's size or sha256 differs from what its weights (or the lockfile) declare.

    Attributes:
        url: The URL the weights declare for the file.
        path: The file on disk that was checked.
        expected_sha256: The declared full sha256, when one is declared.
        actual_sha256: The sha256 found (of the bytes on disk, or pinned by the lockfile).
        expected_size: The declared size in bytes.
        actual_size: The size found, in bytes.
    """

    def __init__(
        self,
        *args: object,
        url: str | None = None,
        path: str | PathLike[str] | None = None,
        expected_sha256: str | None = None,
        actual_sha256: str | None = None,
        expected_size: int | None = None,
        actual_size: int | None = None,
    ) -> None:
        super().__init__(*args)
        self.url = url
        self.path = _as_path(path)
        self.expected_sha256 = expected_sha256
        self.actual_sha256 = actual_sha256
        self.expected_size = expected_size
        self.actual_size = actual_size


class NotInLockfileError(IntegrityError):
    """A lockfile is active (``WEIGHTHUB_LOCK``, ``use_lock``) and has no entry for the file.

    Attributes:
        lockfile: The active lockfile. The others are :class:`IntegrityError`'s (``url``...).
    """

    def __init__(
        self, *args: object, lockfile: str | PathLike[str] | None = None, **facts: Any
    ) -> None:
        super().__init__(*args, **facts)
        self.lockfile = _as_path(lockfile)


class InvalidFileNameError(WeighthubError, ValueError):
    """A cache file name is unsafe (a path separator, ``.`` or ``..``) or too long.

    Attributes:
        name: The offending file name.
    """

    exit_code = 2

    def __init__(self, *args: object, name: str | None = None) -> None:
        super().__init__(*args)
        self.name = name


class InvalidURLError(WeighthubError, ValueError):
    """A checkpoint URL is malformed (no host, a bad port, control characters ...).

    Attributes:
        url: The offending URL.
    """

    exit_code = 2

    def __init__(self, *args: object, url: str | None = None) -> None:
        super().__init__(*args)
        self.url = url


class LockTimeoutError(WeighthubError, TimeoutError):
    """Waiting for another process (or rank) to finish the same download took too long.

    Attributes:
        path: The lock file waited on (None when ranks waited for each other).
        timeout: How long it waited, in seconds (``WEIGHTHUB_LOCK_TIMEOUT``).
    """

    def __init__(
        self,
        *args: object,
        path: str | PathLike[str] | None = None,
        timeout: float | None = None,
    ) -> None:
        super().__init__(*args)
        self.path = _as_path(path)
        self.timeout = timeout


class LockfileError(WeighthubError, ValueError):
    """A lockfile does not exist, is not valid TOML, or has a malformed entry.

    Attributes:
        path: The lockfile.
    """

    exit_code = 2

    def __init__(self, *args: object, path: str | PathLike[str] | None = None) -> None:
        super().__init__(*args)
        self.path = _as_path(path)


class MetaValidationError(WeighthubError, ValueError):
    """A weights entry's ``meta`` does not follow its task's schema (strict mode).

    Attributes:
        name: The weights enum's name, e.g. ``"ResNet50_Weights"``.
        task: The task whose schema the meta breaks.
        plugin: The plugin that provides the enum.
        distribution: The distribution that installed the plugin.
    """

    def __init__(
        self,
        *args: object,
        name: str | None = None,
        task: str | None = None,
        plugin: str | None = None,
        distribution: str | None = None,
    ) -> None:
        super().__init__(*args)
        self.name = name
        self.task = task
        self.plugin = plugin
        self.distribution = distribution


class OfflineModeError(WeighthubError, FileNotFoundError):
    """Offline mode is on and the requested file is not in the cache.

    Attributes:
        url: The URL the file would be downloaded from.
        path: Where the file was looked for in the cache.
    """

    exit_code = 2

    def __init__(
        self, *args: object, url: str | None = None, path: str | PathLike[str] | None = None
    ) -> None:
        super().__init__(*args)
        self.url = url
        self.path = _as_path(path)


class PluginConflictError(WeighthubError, ValueError):
    """Two plugins (or a plugin and a runtime registration) provide the same name.

    Attributes:
        name: The contested model or weights enum name.
        plugins: The plugins that provide it.
    """

    exit_code = 2

    def __init__(
        self, *args: object, name: str | None = None, plugins: Iterable[str] | None = None
    ) -> None:
        super().__init__(*args)
        self.name = name
        self.plugins = None if plugins is None else tuple(plugins)


class PluginLoadError(WeighthubError, ImportError):
    """A plugin failed to import or its hook raised (raised only in strict mode), or plugins
    import each other's builders at import time (raised into their imports: each is skipped).

    Attributes:
        name: As :class:`ImportError`'s: the module (or ``module:attribute`` reference) that
            failed to import.
        plugin: The plugin (entry point name).
        distribution: The distribution that installed the plugin.
        cycle: The plugins (entry point names) whose imports wait on each other, outermost
            first; empty for any other failure.
    """

    def __init__(
        self,
        *args: object,
        name: str | None = None,
        path: str | None = None,
        plugin: str | None = None,
        distribution: str | None = None,
        cycle: Iterable[str] | None = None,
    ) -> None:
        super().__init__(*args, name=name, path=path)
        self.plugin = plugin
        self.distribution = distribution
        self.cycle = tuple(cycle or ())


class UnknownModelError(WeighthubError, ValueError):
    """No installed plugin provides a model of this name.

    Attributes:
        name: The model name asked for.
    """

    exit_code = 2

    def __init__(self, *args: object, name: str | None = None) -> None:
        super().__init__(*args)
        self.name = name


class UnknownTaskError(WeighthubError, ValueError):
    """Neither core nor an installed plugin declares a task of this name.

    Attributes:
        name: The task name asked for.
    """

    exit_code = 2

    def __init__(self, *args: object, name: str | None = None) -> None:
        super().__init__(*args)
        self.name = name


class UnknownWeightsError(WeighthubError, ValueError):
    """No installed plugin provides a weights enum of this name, or the name is malformed.

    Attributes:
        name: The weights name asked for, e.g. ``"ResNet50_Weights.IMAGENET1K_V2"``.
    """

    exit_code = 2

    def __init__(self, *args: object, name: str | None = None) -> None:
        super().__init__(*args)
        self.name = name


class RankMismatchError(WeighthubError, ValueError):
    """With ``WEIGHTHUB_DISTRIBUTED=broadcast``, a rank fetches another file than rank 0.

    Rank 0 downloads once for every rank, so every rank must declare the same file: the same URL
    (also after ``WEIGHTHUB_MIRROR``), sha256 and size. Every rank raises this error.

    Attributes:
        rank: The first rank whose declaration differs from rank 0's.
        url: The URL that rank fetches.
        rank0_url: The URL rank 0 fetches.
    """

    exit_code = 2

    def __init__(
        self,
        *args: object,
        rank: int | None = None,
        url: str | None = None,
        rank0_url: str | None = None,
    ) -> None:
        super().__init__(*args)
        self.rank = rank
        self.url = url
        self.rank0_url = rank0_url


class TorchvisionLegacyWeightsError(WeighthubError, TypeError):
    """One of torchvision's own builders was given weighthub's weights (a member or reference).

    torchvision's builders take only torchvision's weights enums; any other true value passes
    its legacy ``pretrained=True`` test and loads torchvision's legacy weights (``*_V1``), not the
    ones given. weighthub raises this instead, before anything is downloaded. The message names
    the builder, the weights and the fixes: ``weighthub.get_model``, torchvision's own member
    when it holds the same file, or ``model.load_state_dict(weights.get_state_dict())``.

    Attributes:
        weights: The weights given, ``"Enum.MEMBER"``.
        builder: torchvision's builder, e.g. ``"torchvision.models.resnet50"``.
    """

    exit_code = 2

    def __init__(
        self, *args: object, weights: str | None = None, builder: str | None = None
    ) -> None:
        super().__init__(*args)
        self.weights = weights
        self.builder = builder


class UnknownWeightsMemberError(WeighthubError, KeyError):
    """A weights enum has no member of this name.

    Subclasses :class:`KeyError` as ``Enum[...]`` lookups do, but prints its message unquoted.

    Attributes:
        name: The member asked for (or the whole name, when it names another enum).
        enum: The weights enum's name, e.g. ``"ResNet50_Weights"``.
    """

    exit_code = 2

    def __init__(self, *args: object, name: str | None = None, enum: str | None = None) -> None:
        super().__init__(*args)
        self.name = name
        self.enum = enum

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnsafeCheckpointError(WeighthubError, pickle.UnpicklingError):
    """A checkpoint can only be loaded by unpickling arbitrary objects, which weighthub refuses.

    Attributes:
        path: The checkpoint file.
    """

    def __init__(self, *args: object, path: str | PathLike[str] | None = None) -> None:
        super().__init__(*args)
        self.path = _as_path(path)


class UnsupportedModelKwargsError(WeighthubError, TypeError):
    """A model's builder cannot take an architecture option its weights declare (``model_kwargs``).

    torchvision's ``ResNet`` takes no ``in_chans``, for instance: weights of 13 input bands
    belong on an architecture that does (timm's). The message names the option, the weights, the
    model and where the option is taken.

    Attributes:
        name: The option, e.g. ``"in_chans"``.
        model: The model's name.
        weights: The weights, ``"Enum.MEMBER"``.
    """

    exit_code = 2

    def __init__(
        self,
        *args: object,
        name: str | None = None,
        model: str | None = None,
        weights: str | None = None,
    ) -> None:
        super().__init__(*args)
        self.name = name
        self.model = model
        self.weights = weights


class WeightsDownloadError(WeighthubError, OSError):
    """A download failed for good: a 4xx answer, or the retries ran out.

    Attributes:
        url: The URL that failed.
        status: The HTTP status of the last answer, when there was one.
    """

    def __init__(self, *args: object, url: str | None = None, status: int | None = None) -> None:
        super().__init__(*args)
        self.url = url
        self.status = status


class MetaValidationWarning(WeighthubWarning):
    """A weights entry's ``meta`` does not follow its task's schema."""


class PluginWarning(WeighthubWarning):
    """A plugin was skipped, or a name conflict between plugins was found."""
