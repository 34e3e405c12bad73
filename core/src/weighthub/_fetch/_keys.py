"""Cache file names that never collide: one URL, one cache entry.

torch.hub names a cached file after the last segment of its URL, so two URLs that end in the same
name share one entry, and the second load silently gets the first one's bytes (1,807 of timm's
files are called ``model.safetensors``; torchgeo's four model sizes shared ``weights.pth``).

weighthub keeps torch.hub's name as long as no other URL holds it, so torchvision's and torch.hub's
cached files are still reused in both directions. A URL whose name is already held by another URL
gets a name of its own, ``<stem>.<12 hex digits of the URL's sha256><suffix>``
(``model.3f1c0a9e72b4.safetensors``), the same on every run and machine. Every entry's record
names the URL it was fetched for (the one the weights declare, before mirrors), and a cached file
is a hit only for that URL. A file without a record, or whose record names no URL (torch.hub's
download, or a file put there by hand), is claimed by the first URL that uses it: it is verified
against the declared hash when there is one, then recorded for that URL.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ._integrity import hash_file, read_record, write_record
from ._layout import MAX_NAME_BYTES

__all__ = ["cache_entry", "claim", "keyed_name", "taken_by_other"]

_KEY_DIGITS = 12


def keyed_name(name: str, url: str) -> str:
    """Return the name of ``url``'s own entry: ``name`` with a short hash of ``url`` in it.

    The hash goes after the torch.hub hash prefix (``-<hex>.``) a name may carry, which therefore
    still reads the same.
    """
    key = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()[:_KEY_DIGITS]
    stem, suffix = os.path.splitext(name)  # noqa: PTH122 - a name, not a path
    room = MAX_NAME_BYTES - len(f".{key}{suffix}".encode("utf-8", "surrogateescape"))
    stem = stem.encode("utf-8", "surrogateescape")[: max(room, 1)].decode("utf-8", "ignore")
    return f"{stem}.{key}{suffix}"


def _owner(path: Path) -> str | None:
    """The URL the record of ``path`` names; None when there is no record or it names none."""
    record = read_record(path)
    return record.url if record is not None else None


def taken_by_other(path: Path, url: str) -> bool:
    """Whether the entry ``path`` belongs to another URL than ``url`` (by its record)."""
    owner = _owner(path)
    return owner is not None and owner != url


def cache_entry(folder: Path, name: str, url: str) -> Path:
    """Return where the file of ``url`` lives (or will live) in ``folder``.

    Args:
        folder: A cache (or layer) folder.
        name: torch.hub's name of the file, or the weights' ``file_name``.
        url: The URL the weights declare (before mirrors).
    """
    keyed = folder / keyed_name(name, url)
    if _owner(keyed) == url:
        return keyed
    plain = folder / name
    return keyed if taken_by_other(plain, url) else plain


def claim(path: Path, url: str) -> None:
    """Record ``url`` as the owner of the usable cached file ``path`` when its record names none."""
    record = read_record(path)
    if record is not None and record.url is not None:
        return
    digest = record.sha256 if record is not None else hash_file(path)
    verified = record.verified if record is not None else False
    write_record(path, digest, url=url, verified=verified)
