"""The cache of Hub files: huggingface_hub's layout, shared with it, plus weighthub's records.

weighthub stores a Hub file exactly where huggingface_hub 2.x would (its documented cache layout,
mirrored here without importing it):

- ``{root}/{type}s--{org}--{name}/blobs/{etag}``: the bytes, named by the file's sha256 (an LFS
  file) or git blob id (a small file);
- ``.../snapshots/{commit}/{path}``: a relative symlink to the blob (``../../blobs/{etag}``, one
  ``../`` more per folder), or a copy of it under ``HF_HUB_DISABLE_SYMLINKS=1`` or where the file
  system refuses symlinks;
- ``.../refs/{branch or tag}``: the commit the revision last resolved to;
- ``{root}/.locks/{type}s--{org}--{name}/{etag}.lock``: the ``filelock`` both take while a blob
  downloads and its snapshot link is made, so a weighthub load and an ``hf_hub_download`` of the
  same file make one download;
- ``{root}/CACHEDIR.TAG``.

weighthub adds, beside a blob, what it adds beside any cached file (:mod:`._layout`): its record
``{etag}.weighthub.json`` (the verified sha256, so a later load costs one ``stat``) and, while it
downloads, its partial files (``{etag}.<pid>.<hex>.partial``, ``{etag}.pieces.partial`` and its
journal, which survive a kill and are resumed). huggingface_hub ignores them.

The *root* is huggingface_hub's own cache (``HF_HUB_CACHE``, :mod:`._hub_env`), unless a weighthub
home is named (``WEIGHTHUB_HOME``, ``model_dir=``, ``download --to DIR``, ``cache --dir DIR``):
then ``<checkpoints folder>/huggingface``, so a bundle carries its Hub files. Read-only roots come
from ``WEIGHTHUB_CACHE_PATH``: a home's ``checkpoints/huggingface``, or a huggingface_hub cache
listed there itself; nothing is written to them (records go to the writable cache's
``.local-records``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

from ._config import cache_dir
from ._hub import COMMIT, HubFile
from ._hub_env import hf_hub_cache, symlinks_disabled
from ._integrity import (
    CHUNK_SIZE,
    Expected,
    check_cached,
    read_record,
    write_record,
)
from ._layers import CACHE_PATH_VARIABLE
from ._layout import hub_files_of, is_hub_cache, local_record_path, temporary_path

__all__ = [
    "HubStore",
    "git_blob_and_sha256",
    "read_only_stores",
    "with_hub_facts",
    "writable_store",
]

_SHA256 = re.compile(r"[0-9a-f]{64}")
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by huggingface_hub.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)


def with_hub_facts(expected: Expected, sha256: str | None, size: int | None) -> Expected:
    """``expected`` completed with what the Hub says (its sha256, its size) when it says more.

    A declared (or locked) sha256 stays what is checked; the Hub's is then compared with it by
    the checks themselves.
    """
    if sha256 is None and (size is None or expected.size is not None):
        return expected
    return Expected(
        sha256=expected.sha256 or sha256,
        prefix=expected.prefix,
        size=expected.size if expected.size is not None else size,
        origin=expected.origin if expected.sha256 else (expected.origin or "the Hub"),
    )


def git_blob_and_sha256(path: Path) -> tuple[str, str]:
    """The git blob id (sha1 of ``blob <size>\\0<bytes>``) and the sha256 of a file, in one read."""
    git = hashlib.sha1(f"blob {path.stat().st_size}\0".encode(), usedforsecurity=False)
    sha = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_SIZE):
            git.update(chunk)
            sha.update(chunk)
    return git.hexdigest(), sha.hexdigest()


@dataclass(frozen=True)
class HubStore:
    """One cache of Hub files in huggingface_hub's layout.

    Attributes:
        root: The folder holding ``models--{org}--{name}/`` ... (``HF_HUB_CACHE``, say).
        scratch: The writable weighthub cache folder that keeps the records of files this store
            does not own (read-only stores, copied snapshot files).
        read_only: Never written to (a ``WEIGHTHUB_CACHE_PATH`` entry).
    """

    root: Path
    scratch: Path
    read_only: bool = False

    def storage(self, file: HubFile) -> Path:
        """``{root}/{type}s--{org}--{name}``."""
        return self.root / "--".join([f"{file.repo_type}s", *file.repo_id.split("/")])

    def blob(self, file: HubFile, etag: str) -> Path:
        """``.../blobs/{etag}``."""
        return self.storage(file) / "blobs" / etag

    def pointer(self, file: HubFile, commit: str) -> Path:
        """``.../snapshots/{commit}/{path}``."""
        return self.storage(file) / "snapshots" / commit / Path(*file.path.split("/"))

    def lock(self, file: HubFile, etag: str) -> Path:
        """``{root}/.locks/{type}s--{org}--{name}/{etag}.lock``: huggingface_hub's lock file."""
        return self.root / ".locks" / self.storage(file).name / f"{etag}.lock"

    def read_ref(self, file: HubFile, revision: str) -> str | None:
        """The commit ``refs/{revision}`` names (the revision itself for a commit), or None."""
        if COMMIT.fullmatch(revision):
            return revision
        try:
            text = (self.storage(file) / "refs" / revision).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return text if COMMIT.fullmatch(text) else None

    def write_ref(self, file: HubFile, revision: str, commit: str) -> None:
        """Record that ``revision`` (a branch or tag) resolved to ``commit`` (atomically)."""
        if revision == commit or self.read_only or self.read_ref(file, revision) == commit:
            return
        ref = self.storage(file) / "refs" / revision
        with contextlib.suppress(OSError):  # a cache the user may only read: the ref is a hint
            ref.parent.mkdir(parents=True, exist_ok=True)
            tmp = temporary_path(ref)
            tmp.write_text(commit, encoding="utf-8")
            tmp.replace(ref)

    def prepare(self, file: HubFile, etag: str) -> None:
        """Create the folders of ``file``'s blob and lock, and the cache's ``CACHEDIR.TAG``."""
        self.blob(file, etag).parent.mkdir(parents=True, exist_ok=True)
        self.lock(file, etag).parent.mkdir(parents=True, exist_ok=True)
        tag = self.root / "CACHEDIR.TAG"
        if not tag.exists():
            with contextlib.suppress(OSError):
                tag.write_text(_CACHEDIR_TAG, encoding="utf-8")

    def record_file(self, path: Path) -> Path | None:
        """Where the record of ``path`` (a blob, a copied snapshot file) lives; None: beside it."""
        if self.read_only or path.parent.name != "blobs":
            return local_record_path(path, self.scratch)
        return None

    def link(self, file: HubFile, commit: str, blob: Path, *, url: str) -> Path:
        """Make ``snapshots/{commit}/{path}`` point to ``blob``; return it.

        A relative symlink, as huggingface_hub makes, created under a temporary name and renamed
        into place (a concurrent ``hf_hub_download`` making the same link cannot break it); a copy
        (with its record) under ``HF_HUB_DISABLE_SYMLINKS=1`` or where symlinks fail.
        """
        pointer = self.pointer(file, commit)
        pointer.parent.mkdir(parents=True, exist_ok=True)
        tmp = temporary_path(pointer)
        try:
            if symlinks_disabled():
                raise NotImplementedError
            tmp.symlink_to(os.path.relpath(blob, pointer.parent))
        except (OSError, NotImplementedError):
            shutil.copyfile(blob, tmp)
            record = read_record(blob)
            tmp.replace(pointer)
            if record is not None:
                write_record(
                    pointer,
                    record.sha256,
                    url=url,
                    verified=record.verified,
                    record_file=self.record_file(pointer),
                )
            return pointer
        tmp.replace(pointer)
        return pointer

    def blob_of(self, pointer: Path) -> Path:
        """The blob a snapshot file points to (the file itself when it is a copy)."""
        if not pointer.is_symlink():
            return pointer
        return Path(os.path.normpath(pointer.parent / pointer.readlink()))

    def check_blob(self, blob: Path, expected: Expected, *, url: str) -> str | None:
        """Why ``blob`` cannot be used as ``expected`` says, or None when it is verified.

        A blob named by a sha256 is held to it; one named by a git blob id (a small file) is
        hashed once against that id and then recorded like any other file.
        """
        named = blob.name if _SHA256.fullmatch(blob.name) else None
        expected = with_hub_facts(expected, named, None)
        record_file = self.record_file(blob)
        if COMMIT.fullmatch(blob.name) and read_record(blob, record_file) is None:
            try:
                git, digest = git_blob_and_sha256(blob)
            except OSError as exc:
                return f"it cannot be read ({exc})"
            if git != blob.name:
                return f"its bytes are not the git blob {blob.name} its name says (they are {git})"
            problem = expected.mismatch(digest, blob.stat().st_size)
            if problem is None:
                write_record(blob, digest, url=url, verified=True, record_file=record_file)
            return problem
        check = check_cached(blob, expected, url=url, record_file=record_file)
        return None if check.state == "ok" else check.reason

    def find(self, file: HubFile, commit: str, expected: Expected, *, url: str) -> Path | None:
        """Return the verified snapshot file of ``file`` at ``commit``, or None.

        A broken symlink or a blob whose bytes are not what its name (or the declaration) says is
        reported with a warning and not used: the writable cache downloads it again, a read-only
        one is skipped.
        """
        pointer = self.pointer(file, commit)
        if not os.path.lexists(pointer):
            return None
        blob = self.blob_of(pointer)
        problem = (
            self.check_blob(blob, expected, url=url)
            if blob.is_file()
            else f"its symlink points to {blob}, which does not exist"
        )
        if problem is None:
            return pointer
        then = "skipping it" if self.read_only else "downloading it again"
        where = f" in the read-only layer {self.root} ({CACHE_PATH_VARIABLE})" * self.read_only
        warnings.warn(
            f"The cached Hub file {pointer}{where} ({file}, commit {commit}) is not usable: "
            f"{problem}; {then}.",
            UserWarning,
            stacklevel=4,
        )
        return None


def writable_store(model_dir: str | os.PathLike[str] | None = None) -> HubStore:
    """The cache Hub files are written to: a named home's, else huggingface_hub's own."""
    folder = cache_dir(model_dir)
    if model_dir is not None or os.environ.get("WEIGHTHUB_HOME"):
        return HubStore(hub_files_of(folder), folder)
    return HubStore(hf_hub_cache(), folder)


def read_only_stores(layers: list[Path], scratch: Path) -> list[HubStore]:
    """The Hub caches of the read-only layers (their ``checkpoints/`` folders, in order)."""
    stores = []
    for layer in layers:
        home = layer.parent
        for root in (hub_files_of(layer), home):
            if root.is_dir() and is_hub_cache(root):
                stores.append(HubStore(root, scratch, read_only=True))
                break
    return stores
