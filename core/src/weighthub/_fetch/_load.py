"""Safe loading of checkpoint files, and ``load_state_dict_from_url`` (fetch, then load).

``.safetensors`` files load through safetensors (no pickle at all). Other files load with
``torch.load(weights_only=True)``, memory-mapped when they are zip checkpoints (a legacy non-zip
file cannot be memory-mapped). A checkpoint that needs arbitrary unpickling raises
:class:`~weighthub.UnsafeCheckpointError` and its payload never runs; a file that is no checkpoint
at all (an HTML page, a truncated archive) raises :class:`~weighthub.CheckpointFormatError`.

When a fetched file fails to load, it is re-hashed: a file damaged since it was verified (bit rot,
a bad copy that kept size and mtime) is downloaded again with a warning, or, offline, reported as an
:class:`~weighthub.IntegrityError` naming the file. A file in a read-only layer that fails to load
is set aside (unless its bytes are the declared ones) and served from the cache or the network.
"""

from __future__ import annotations

import os
import pickle
import struct
import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import CheckpointFormatError, IntegrityError, UnsafeCheckpointError
from ._config import cache_dir, offline_mode, rewrite_url
from ._fetch import fetch
from ._hub import parse_hub_url
from ._integrity import Expected, rehash_problem
from ._layers import in_a_layer, set_aside_after_failed_load
from ._layout import local_record_path
from ._sources import cache_file_name, resolve_source

if TYPE_CHECKING:
    import torch

__all__ = ["checkpoint_kind", "load_checkpoint", "load_state_dict_from_url"]


def _safetensors_device(map_location: Any) -> str:
    if map_location is None:
        return "cpu"
    if isinstance(map_location, (str, int)):
        return str(map_location)
    text = str(map_location)
    if callable(map_location) or isinstance(map_location, dict):
        msg = "safetensors checkpoints accept a device as map_location, not a function or dict."
        raise TypeError(msg)
    return text


def checkpoint_kind(head: bytes) -> str:
    """Describe what a file's first bytes look like (for messages): ``"a zip archive"`` ..."""
    text = head.lstrip().lower()
    if not head:
        return "an empty file"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "a zip archive"
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return "a pickle"
    if len(head) >= 10 and head[8:10] == b'{"':
        return "a safetensors file"
    if head.startswith(b"\x1f\x8b"):
        return "gzip-compressed data"
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "an HTML page"
    if text.startswith(b"<?xml"):
        return "an XML document"
    if text.startswith((b"{", b"[")):
        return "JSON text"
    if all(32 <= b < 127 or b in (9, 10, 13) for b in head):
        return "plain text"
    return "binary data of an unknown format"


def _not_a_checkpoint(file: Path, head: bytes, detail: str) -> CheckpointFormatError:
    kind = checkpoint_kind(head)
    msg = (
        f"{file} is not a PyTorch or safetensors checkpoint: it is {kind} (its first bytes are "
        f"{head[:16]!r}){detail}. An HTML or XML page usually means the URL or mirror answered "
        "with an error page; a damaged cached file is re-checked by `weighthub cache verify`."
    )
    return CheckpointFormatError(msg, path=file)


def _read_head(file: Path) -> bytes:
    with file.open("rb") as f:
        return f.read(64)


def load_checkpoint(
    path: str | os.PathLike[str],
    *,
    map_location: Any = "cpu",
    weights_only: bool = True,
    mmap: bool = True,
) -> dict[str, torch.Tensor]:
    """Load a local checkpoint file safely.

    Args:
        path: A ``.safetensors`` file, or a file written by ``torch.save``.
        map_location: Where to put the tensors, as for ``torch.load``.
        weights_only: Refuse arbitrary unpickling (the default). False is a per-entry opt-out for
            legacy checkpoints; it warns at every load.
        mmap: Memory-map the file when possible (zip checkpoints and safetensors files).

    Returns:
        What the file holds, as loaded (weighthub never guesses at wrapper keys such as
        ``"state_dict"``).

    Raises:
        UnsafeCheckpointError: The file is a pickle that needs unpickling arbitrary objects.
        CheckpointFormatError: The file is not a checkpoint (HTML, text, a truncated or damaged
            archive); the message names the file and what its first bytes look like.
    """
    file = Path(path)
    head = _read_head(file)
    if file.suffix == ".safetensors":
        device = _safetensors_device(map_location)
        from safetensors.torch import load_file

        try:
            return load_file(str(file), device=device)
        except Exception as exc:  # SafetensorError, and OSError/ValueError from a damaged header
            raise _not_a_checkpoint(file, head, f"; safetensors says: {exc}") from exc

    kind = checkpoint_kind(head)
    if kind not in ("a zip archive", "a pickle"):
        raise _not_a_checkpoint(file, head, "")

    import torch

    if not weights_only:
        warnings.warn(
            f"Loading {file} with weights_only=False: unpickling it can run arbitrary code. Only "
            "do this for a checkpoint from a source you trust.",
            UserWarning,
            stacklevel=2,
        )
    use_mmap = mmap and kind == "a zip archive"
    try:
        loaded = torch.load(
            file, map_location=map_location, weights_only=weights_only, mmap=use_mmap
        )
    except pickle.UnpicklingError as exc:
        lines = str(exc).strip().splitlines()
        detail = next((line for line in lines if "GLOBAL" in line or "global" in line), "")
        if weights_only and not detail and kind == "a pickle":
            # torch's weights-only unpickler stops at protocol 4/5's first FRAME, before it sees
            # what the pickle imports; read the imports without unpickling anything.
            unsafe = [name for name in _pickled_globals(file) if not _is_torch_global(name)]
            detail = f"It imports {', '.join(unsafe[:3])}." if unsafe else ""
        if not weights_only or not detail:
            raise _not_a_checkpoint(file, head, f"; torch.load says: {_first_line(exc)}") from exc
        msg = (
            f"Refusing to load {file}: it cannot be loaded with weights_only=True because it "
            f"contains pickled objects other than tensors and plain containers, which could run "
            f"arbitrary code. {detail.strip()} Convert it to a plain state dict (or to "
            "safetensors) from a trusted environment; a plugin can opt a legacy entry out with "
            "Weights(weights_only=False) if the source is trusted."
        )
        raise UnsafeCheckpointError(msg, path=file) from exc
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except _DAMAGE_ERRORS as exc:
        # A damaged zip directory makes torch's reader fail with OSError EINVAL, among others.
        raise _not_a_checkpoint(file, head, f"; torch.load says: {_first_line(exc)}") from exc
    return loaded  # type: ignore[no-any-return]


_DAMAGE_ERRORS = (
    RuntimeError,
    EOFError,
    UnicodeDecodeError,
    ValueError,
    KeyError,
    IndexError,
    struct.error,
    zipfile.BadZipFile,
    OverflowError,
    MemoryError,
    OSError,
)


_STRING_OPS = frozenset(
    [
        "STRING",
        "BINSTRING",
        "SHORT_BINSTRING",
        "UNICODE",
        "BINUNICODE",
        "SHORT_BINUNICODE",
        "BINUNICODE8",
    ]
)


def _pickled_globals(file: Path, *, pickles: int = 4) -> list[str]:
    """The ``module.name`` globals that the first pickles of a file import, never unpickled.

    A legacy ``torch.save`` file is a few pickles in a row, then raw storage bytes; reading stops
    at the first thing that is no pickle opcode.
    """
    import pickletools

    found: list[str] = []
    with file.open("rb") as f:
        for _ in range(pickles):
            pushed: list[str | None] = []  # what each op pushed, for STACK_GLOBAL's two strings
            memo: dict[int, str | None] = {}
            try:
                for op, arg, _ in pickletools.genops(f):
                    last = pushed[-1] if pushed else None
                    if op.name in ("GLOBAL", "INST"):
                        found.append(str(arg).replace(" ", "."))
                    elif op.name == "STACK_GLOBAL" and len(pushed) >= 2:
                        found.append(f"{pushed[-2]}.{pushed[-1]}")
                    elif op.name == "MEMOIZE":
                        memo[len(memo)] = last
                    elif op.name in ("PUT", "BINPUT", "LONG_BINPUT"):
                        memo[int(str(arg))] = last
                    elif op.name in ("GET", "BINGET", "LONG_BINGET"):
                        pushed.append(memo.get(int(str(arg))))
                    else:
                        pushed.append(str(arg) if op.name in _STRING_OPS else None)
            except Exception:  # anything that is no pickle ends the reading
                break
    return found


def _is_torch_global(name: str) -> bool:
    """Whether a pickle's global is one that ``torch.save`` itself writes."""
    module = name.rpartition(".")[0]
    return module.split(".")[0] == "torch" or name in ("collections.OrderedDict", "_codecs.encode")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


def load_state_dict_from_url(
    url: str,
    model_dir: str | os.PathLike[str] | None = None,
    *,
    map_location: Any = "cpu",
    progress: bool = True,
    check_hash: bool = True,
    file_name: str | None = None,
    sha256: str | None = None,
    file_size: int | None = None,
    weights_only: bool = True,
    mmap: bool = True,
) -> dict[str, torch.Tensor]:
    """Fetch a checkpoint (or find it in the cache), verify it, and load it safely.

    A drop-in for ``torch.hub.load_state_dict_from_url`` for its common arguments, with safer
    defaults: hashes are checked (full sha256 when declared), tensors are memory-mapped, and
    ``weights_only=True``.

    Args:
        url: ``http(s)://``, a local path, ``file://``, ``pkg://<package>/<path>`` or an fsspec URL.
        model_dir: The cache folder; see :func:`cache_dir`.
        map_location: Where to put the tensors, as for ``torch.load``.
        progress: Show a progress bar while downloading (only when stderr is a terminal).
        check_hash: Verify the sha256 (declared, or the torch.hub file-name prefix).
        file_name: The cache file name; ``basename(urlparse(url).path)`` by default.
        sha256: The full declared sha256.
        file_size: The declared size in bytes.
        weights_only: See :func:`load_checkpoint`.
        mmap: See :func:`load_checkpoint`.

    Returns:
        The loaded state dict.

    Raises:
        IntegrityError: The file is not the declared one, or (offline) a cached file that fails to
            load was damaged since it was verified.
        CheckpointFormatError: The file is what was declared but not a checkpoint.
        UnsafeCheckpointError: The file needs unpickling arbitrary objects.
    """
    fetch_args: dict[str, Any] = {
        "model_dir": model_dir,
        "progress": progress,
        "check_hash": check_hash,
        "file_name": file_name,
        "sha256": sha256,
        "file_size": file_size,
    }
    path = fetch(url, **fetch_args)
    try:
        return load_checkpoint(
            path, map_location=map_location, weights_only=weights_only, mmap=mmap
        )
    except (CheckpointFormatError, UnsafeCheckpointError) as exc:
        if not _damaged_since_verified(path, url, exc, **fetch_args):
            raise
    # The damaged file's record is flagged corrupt: fetch warns and downloads it again.
    path = fetch(url, **fetch_args)
    return load_checkpoint(path, map_location=map_location, weights_only=weights_only, mmap=mmap)


def _damaged_since_verified(
    path: Path,
    url: str,
    error: Exception,
    *,
    model_dir: str | os.PathLike[str] | None,
    check_hash: bool,
    file_name: str | None,
    sha256: str | None,
    file_size: int | None,
    progress: bool,
) -> bool:
    """Re-hash a file that failed to load; True when it is a damaged cache file to fetch again.

    Raises:
        IntegrityError: The file is damaged and cannot be fetched again (a local file, or offline).
    """
    del progress
    expected = Expected.build(
        cache_file_name(url, file_name), sha256, file_size, check_hash=check_hash
    )
    target_url = rewrite_url(url)
    hub = target_url == url and parse_hub_url(url) is not None
    local = not hub and resolve_source(target_url).kind == "local"
    if not local and in_a_layer(path):
        # Never written to: set aside in the writable cache; the next fetch skips it with a warning.
        # A Hub file is a snapshot symlink: what a layer's Hub cache checks is the blob.
        return set_aside_after_failed_load(
            path.resolve() if hub else path, expected, url=url, scratch=cache_dir(model_dir)
        )
    record_file = local_record_path(path, cache_dir(model_dir)) if local else None
    # A Hub file is a snapshot symlink: its record lives beside the blob it points to.
    problem = rehash_problem(path if local else path.resolve(), expected, record_file)
    if problem is None:
        return False
    if local:
        msg = f"The checkpoint file {path} (from {url}) is damaged: {problem}. Loading it failed."
        raise IntegrityError(msg, url=url, path=path) from error
    if offline_mode():
        msg = (
            f"The cached file {path} is damaged: {problem}, and loading it failed. Offline mode is "
            f"on (WEIGHTHUB_OFFLINE), so it cannot be downloaded again from {url}: turn offline "
            "mode off, or replace the file; `weighthub cache verify` checks every cached file."
        )
        raise IntegrityError(msg, url=url, path=path) from error
    return True
