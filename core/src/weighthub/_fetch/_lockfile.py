"""Lockfiles, as pip's ``--require-hashes``: pin every checkpoint a project uses by size and sha256.

torchvision publishes only an 8-hex-digit sha256 prefix in each file name, which a forger can
match with a few billion trials. A lockfile, filled once from a verified download
(``weighthub lock``), records each file's full sha256 and size; while one is active
(``WEIGHTHUB_LOCK`` or :func:`use_lock`), :func:`weighthub.fetch` refuses any file that has no entry
or whose bytes differ from it. Entries are matched by the URL the weights declare, *before* mirror
rewriting: the lock pins what the weights are, whichever mirror serves them, so one lockfile works
on every site and a mirror cannot swap a file.

The format is TOML, small and fixed::

    # (a header comment saying how the file was made)
    version = 1

    [[file]]
    url = "https://download.pytorch.org/models/resnet50-11ad3fa6.pth"
    name = "resnet50-11ad3fa6.pth"
    size = 102530333
    sha256 = "11ad3fa6..."
    weights = ["ResNet50_Weights.IMAGENET1K_V2"]

A Hugging Face Hub file's entry also names its repository, the commit its revision resolved to and
its path (``repo``, ``commit``, ``path``); while the lockfile is active, the file is fetched at that
commit (``/resolve/{commit}/``), so a branch that moves never changes the bytes.

It is read with the standard library's ``tomllib`` (``tomli`` on Python 3.10) and written by
:func:`format_lockfile` itself: the format has strings, integers and one list of strings, so a
writer dependency (``tomli-w``) would buy nothing; a round-trip test keeps the two in step.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import LockfileError, NotInLockfileError, close_matches_hint
from ._integrity import Expected
from ._sidefiles import replace_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "LOCK_FORMAT_VERSION",
    "LockEntry",
    "Lockfile",
    "active_lockfile",
    "format_lockfile",
    "locked_commit",
    "locked_expectation",
    "lock_suspended",
    "read_lockfile",
    "use_lock",
    "write_lockfile",
]

LOCK_FORMAT_VERSION = 1
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_ENTRY_HEADER = re.compile(r"^\s*\[\[\s*file\s*\]\]")
_ENTRY_KEYS = {"url", "name", "size", "sha256", "weights", "repo", "commit", "path"}
_HUB_KEYS = ("repo", "commit", "path")


def _how_to_lock(path: Path) -> str:
    return f"weighthub lock -o {shlex.quote(str(path))} <weights or model name>"


@dataclass(frozen=True)
class LockEntry:
    """One locked file.

    Attributes:
        url: The URL the weights declare (before mirror rewriting).
        name: The cache file name.
        file_size: The size in bytes (``size`` in the file).
        sha256: The full sha256, lower-case.
        weights: The ``Enum.MEMBER`` names that use this file, for readers.
        repo: A Hub file's repository (``org/name``, ``datasets/org/name`` ...).
        commit: The commit a Hub file's revision resolved to when it was locked.
        path: A Hub file's path in its repository.
    """

    url: str
    name: str
    file_size: int
    sha256: str
    weights: tuple[str, ...] = ()
    repo: str | None = None
    commit: str | None = None
    path: str | None = None

    def __str__(self) -> str:
        return self.weights[0] if self.weights else self.name


@dataclass(frozen=True)
class Lockfile:
    """A parsed lockfile.

    Attributes:
        path: Where it was read from (absolute).
        entries: Its entries by URL.
    """

    path: Path
    entries: dict[str, LockEntry] = field(default_factory=dict)


def _malformed(path: Path, problem: str) -> LockfileError:
    return LockfileError(
        f"The lockfile {path} is malformed: {problem}. Fix it, or write it again with "
        f"`{_how_to_lock(path)}`."
    )


def _entry_lines(text: str) -> list[int]:
    """Return the line number of each ``[[file]]`` header, for messages."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if _ENTRY_HEADER.match(line)]


def _parse_entry(raw: Any, where: str, path: Path) -> LockEntry:
    if not isinstance(raw, dict):
        raise _malformed(path, f"{where} is not a table")
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        hint = close_matches_hint(unknown[0], _ENTRY_KEYS)
        raise _malformed(path, f"{where} has an unknown field {unknown[0]!r}.{hint}")
    url, name, size, digest = (raw.get(key) for key in ("url", "name", "size", "sha256"))
    if not isinstance(url, str) or not url:
        raise _malformed(path, f"{where} needs 'url' (a non-empty string), got {url!r}")
    where = f"{where} (url {url!r})"
    if not isinstance(name, str) or not name or "/" in name:
        raise _malformed(path, f"{where}: 'name' must be a file name, got {name!r}")
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise _malformed(path, f"{where}: 'size' must be a positive integer, got {size!r}")
    if not isinstance(digest, str) or not _SHA256.match(digest.lower()):
        raise _malformed(path, f"{where}: 'sha256' must be 64 hex digits, got {digest!r}")
    weights = raw.get("weights", [])
    if not isinstance(weights, list) or not all(isinstance(w, str) for w in weights):
        raise _malformed(path, f"{where}: 'weights' must be a list of strings, got {weights!r}")
    hub = [raw.get(key) for key in _HUB_KEYS]
    if any(value is not None for value in hub):
        commit = hub[1]
        if not all(isinstance(value, str) and value for value in hub):
            problem = "a Hub file needs 'repo', 'commit' and 'path' (non-empty strings)"
            raise _malformed(
                path, f"{where}: {problem}, got {dict(zip(_HUB_KEYS, hub, strict=True))}"
            )
        if not _COMMIT.match(str(commit)):
            raise _malformed(path, f"{where}: 'commit' must be 40 hex digits, got {commit!r}")
    return LockEntry(url, name, size, digest.lower(), tuple(weights), *hub)


def read_lockfile(path: str | os.PathLike[str]) -> Lockfile:
    """Read and check a lockfile.

    Raises:
        LockfileError: It does not exist, is not valid TOML (the message gives the line), or an
            entry is malformed (the message gives the entry, its line and the field).
    """
    where = Path(path).expanduser().absolute()
    try:
        text = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = (
            f"The lockfile {where} does not exist. Create it with "
            f"`{_how_to_lock(where)}`, or stop using it (unset WEIGHTHUB_LOCK)."
        )
        raise LockfileError(msg, path=where) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"Cannot read the lockfile {where}: {exc}."
        raise LockfileError(msg, path=where) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _malformed(where, f"it is not valid TOML: {exc}") from None
    except RecursionError:
        raise _malformed(where, "its arrays or tables nest too deeply to be read") from None
    version = data.get("version")
    if version != LOCK_FORMAT_VERSION:
        problem = (
            f"'version' must be {LOCK_FORMAT_VERSION} (the only format this weighthub reads), "
            f"got {version!r}"
        )
        raise _malformed(where, problem)
    unknown = sorted(set(data) - {"version", "file"})
    if unknown:
        raise _malformed(where, f"unknown top-level field {unknown[0]!r}")
    raw_entries = data.get("file", [])
    if not isinstance(raw_entries, list):
        raise _malformed(where, "'file' must be an array of tables ([[file]])")
    lines = _entry_lines(text)
    entries: dict[str, LockEntry] = {}
    for index, raw in enumerate(raw_entries):
        line = f", line {lines[index]}" if len(lines) == len(raw_entries) else ""
        entry = _parse_entry(raw, f"[[file]] entry {index + 1}{line}", where)
        if entry.url in entries:
            raise _malformed(where, f"[[file]] entry {index + 1}{line} repeats url {entry.url!r}")
        entries[entry.url] = entry
    return Lockfile(where, entries)


def _toml_string(value: str) -> str:
    """Return ``value`` as a TOML basic string (every character TOML forbids raw is escaped)."""
    escapes = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f"}
    escapes["\r"] = "\\r"
    out = []
    for char in value:
        if char in escapes:
            out.append(escapes[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def format_lockfile(entries: Iterable[LockEntry], *, header: Iterable[str] = ()) -> str:
    """Return the text of a lockfile holding ``entries`` (sorted by URL, for stable diffs).

    Args:
        entries: The files.
        header: Lines of the header comment (without ``#``).
    """
    lines = [f"# {line}".rstrip() for line in header]
    lines += ["", f"version = {LOCK_FORMAT_VERSION}"]
    for entry in sorted(entries, key=lambda e: e.url):
        weights = ", ".join(_toml_string(w) for w in entry.weights)
        lines += [
            "",
            "[[file]]",
            f"url = {_toml_string(entry.url)}",
            f"name = {_toml_string(entry.name)}",
            f"size = {entry.file_size}",
            f"sha256 = {_toml_string(entry.sha256)}",
            f"weights = [{weights}]",
        ]
        for key in _HUB_KEYS:
            value = getattr(entry, key)
            if value is not None:
                lines.append(f"{key} = {_toml_string(value)}")
    return "\n".join(lines).lstrip("\n") + "\n"


def write_lockfile(
    path: str | os.PathLike[str], entries: Iterable[LockEntry], *, header: Iterable[str] = ()
) -> Path:
    """Write a lockfile atomically (a reader never sees half of it); return its path."""
    target = Path(path).expanduser().absolute()
    replace_file(target, format_lockfile(entries, header=header).encode("utf-8"))
    return target


# The Python setting: a path, or None to follow WEIGHTHUB_LOCK.
_chosen: Path | None = None
_suspended = False
_parsed: tuple[tuple[Path, int, int], Lockfile] | None = None


def use_lock(path: str | os.PathLike[str] | None) -> None:
    """Require every fetch to match an entry of this lockfile; this wins over ``WEIGHTHUB_LOCK``.

    The lockfile is read at once, so a missing or malformed one fails here; later changes to it
    are seen on the next fetch.

    Args:
        path: The lockfile (written by ``weighthub lock``), or None to go back to
            ``WEIGHTHUB_LOCK`` (no lock when it is unset or empty).

    Raises:
        LockfileError: The lockfile does not exist or is malformed.
    """
    global _chosen
    if path is None:
        _chosen = None
        return
    read_lockfile(path)
    _chosen = Path(path).expanduser().absolute()


def active_lockfile() -> Lockfile | None:
    """Return the active lockfile (``use_lock``, else ``WEIGHTHUB_LOCK``), or None.

    It is parsed again only when its size or modification time changes.

    Raises:
        LockfileError: The active lockfile does not exist or is malformed.
    """
    global _parsed
    if _suspended:
        return None
    chosen: str | os.PathLike[str] | None = _chosen or _lock_setting()
    if chosen is None:
        return None
    where = Path(chosen).expanduser().absolute()
    try:
        st = where.stat()
    except OSError:
        return read_lockfile(where)  # raises the "does not exist" message
    key = (where, st.st_mtime_ns, st.st_size)
    if _parsed is None or _parsed[0] != key:
        _parsed = (key, read_lockfile(where))
    return _parsed[1]


def _lock_setting() -> Path | None:
    """``WEIGHTHUB_LOCK``, which must be absolute (a relative one would change with the cwd).

    Raises:
        LockfileError: It is a relative path.
    """
    raw = os.environ.get("WEIGHTHUB_LOCK", "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.is_absolute():
        msg = (
            f"WEIGHTHUB_LOCK={raw!r} is a relative path: it would name another file in every "
            "folder a process runs in. Set it to an absolute path, e.g. "
            f'export WEIGHTHUB_LOCK="$PWD/{raw}" (or call weighthub.use_lock({raw!r}), which '
            "resolves it once, against the current folder)."
        )
        raise LockfileError(msg, path=path)
    return path


@contextlib.contextmanager
def lock_suspended() -> Iterator[None]:
    """Turn the active lockfile off in this block, for ``weighthub lock`` adding new entries."""
    global _suspended
    previous, _suspended = _suspended, True
    try:
        yield
    finally:
        _suspended = previous


def locked_expectation(url: str, name: str, expected: Expected) -> Expected:
    """Return what the file of ``url`` must be once the active lockfile (if any) is applied.

    With no lockfile, ``expected`` unchanged. With one, the entry's full sha256 and size, which
    every later check (cache, download, local file) then enforces; ``check_hash=False`` does not
    bypass a lock.

    Args:
        url: The URL the weights declare (before mirror rewriting).
        name: The cache file name, for messages.
        expected: What the weights declare.

    Raises:
        NotInLockfileError: The lockfile has no entry for ``url``.
        IntegrityError: The entry contradicts the declared sha256, file-name prefix or size.
        LockfileError: The active lockfile does not exist or is malformed.
    """
    lock = active_lockfile()
    if lock is None:
        return expected
    entry = lock.entries.get(url)
    if entry is None:
        msg = (
            f"{name} ({url}) is not in the lockfile {lock.path}, and while a lockfile is active "
            "(WEIGHTHUB_LOCK or weighthub.use_lock) only the files it lists are used. If this "
            f"file is wanted, add it: `{_how_to_lock(lock.path)}`."
        )
        raise NotInLockfileError(msg, url=url, lockfile=lock.path)
    declared = [
        (expected.sha256 is not None and expected.sha256 != entry.sha256, "sha256"),
        (expected.prefix is not None and not entry.sha256.startswith(expected.prefix), "prefix"),
        (expected.size is not None and expected.size != entry.file_size, "size"),
    ]
    for disagrees, what in declared:
        if disagrees:
            msg = (
                f"The lockfile {lock.path} pins {name} ({url}) to {entry.file_size} bytes with "
                f"sha256 {entry.sha256}, but its weights declare {expected.describe()}"
                f"{f' and {expected.size} bytes' if expected.size is not None else ''} "
                f"(the {what} disagrees). One of the two is wrong: check the lockfile entry "
                "against the plugin's release, then fix whichever is wrong."
            )
            raise expected.error(msg, url=url, digest=entry.sha256, size=entry.file_size)
    return Expected(sha256=entry.sha256, size=entry.file_size, origin=f"the lockfile {lock.path}")


def locked_commit(url: str) -> str | None:
    """Return the commit the active lockfile pins the Hub file of ``url`` to, if any.

    Raises:
        LockfileError: The active lockfile does not exist or is malformed.
    """
    lock = active_lockfile()
    entry = lock.entries.get(url) if lock is not None else None
    return entry.commit if entry is not None else None
