"""The repositories a :class:`~weighthub.testing.HubServer` serves: files, commits, branches, tags.

Ids are what git and the Hub would give: a file's ``blob_id`` is the git blob id of its content,
or of its LFS pointer for an LFS file (whose ``sha256`` the Hub hands out); commits have 40-hex
ids; folders have tree ids. The JSON the Hub API returns is rendered here, field for field.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._server import Body

__all__ = ["Commit", "HubFile", "HubRepo", "hub_file"]

_COMMITS = itertools.count()  # two commits with equal trees still get distinct ids
_HASH_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class HubFile:
    """A file of a repository.

    Attributes:
        path: Its path in the repository (``"sub/model.safetensors"``).
        size: Its size in bytes.
        sha256: The sha256 of its content.
        blob_id: The git blob id: of the content, or of the LFS pointer for an LFS file.
        lfs: Whether it is stored with LFS (served through the CDN).
        body: Its content: bytes, or a file on disk read when it is served.
    """

    path: str
    size: int
    sha256: str
    blob_id: str
    lfs: bool
    body: Body = field(repr=False)

    @property
    def pointer(self) -> bytes:
        """The LFS pointer file git holds for it."""
        return _pointer(self.sha256, self.size)

    @property
    def etag(self) -> str:
        """What ``hf_hub_download`` names its blob after: the sha256 (LFS) or the blob id."""
        return self.sha256 if self.lfs else self.blob_id

    def entry(self) -> dict[str, Any]:
        """Its entry in ``/api/.../tree`` and ``/api/.../paths-info`` answers."""
        info: dict[str, Any] = {"type": "file", "oid": self.blob_id, "size": self.size}
        info["path"] = self.path
        if self.lfs:
            lfs = {"oid": self.sha256, "size": self.size, "pointerSize": len(self.pointer)}
            info["lfs"] = lfs
        return info

    def sibling(self, *, blobs: bool) -> dict[str, Any]:
        """Its entry in a repository info's ``siblings`` (with sizes and hashes when ``blobs``)."""
        info: dict[str, Any] = {"rfilename": self.path}
        if blobs:
            info.update(blobId=self.blob_id, size=self.size)
            if self.lfs:
                lfs = {"sha256": self.sha256, "size": self.size, "pointerSize": len(self.pointer)}
                info["lfs"] = lfs
        return info


def _pointer(sha256: str, size: int) -> bytes:
    return (
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()
    )


def _git_id(kind: str, chunks: Iterable[bytes], size: int) -> str:
    digest = hashlib.sha1(f"{kind} {size}\0".encode(), usedforsecurity=False)
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _chunks(body: Body) -> Iterable[bytes]:
    if isinstance(body, bytes):
        yield body
        return
    with body.open("rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            yield chunk


def hub_file(path: str, data: bytes | str | os.PathLike[str], *, lfs: bool) -> HubFile:
    """A file of ``data`` (bytes, or the name of a file on disk, served from there) at ``path``."""
    body: Body = data if isinstance(data, bytes) else Path(data)
    size = len(body) if isinstance(body, bytes) else body.stat().st_size
    sha256 = hashlib.sha256()
    for chunk in _chunks(body):
        sha256.update(chunk)
    if lfs:
        pointer = _pointer(sha256.hexdigest(), size)
        blob_id = _git_id("blob", [pointer], len(pointer))
    else:
        blob_id = _git_id("blob", _chunks(body), size)
    return HubFile(path.strip("/"), size, sha256.hexdigest(), blob_id, lfs, body)


@dataclass(frozen=True)
class Commit:
    """A commit: the whole tree of files at that point, and its place in the history."""

    id: str
    parent: str | None
    title: str
    date: str
    files: Mapping[str, HubFile]

    def folders(self) -> set[str]:
        """Every folder that holds a file, at any depth (``""`` is the root)."""
        return {p.rsplit("/", i)[0] for p in self.files for i in range(1, p.count("/") + 1)}

    def tree_id(self, folder: str) -> str:
        """A stable id for ``folder`` at this commit."""
        inside = sorted(f"{p} {f.blob_id}" for p, f in self.files.items() if _under(p, folder))
        return _git_id("tree", [("\n".join(inside)).encode()], len(inside))


def _under(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder + "/")


class HubRepo:
    """A repository: its commits, branches and tags, and who may read it.

    Args:
        repo_type: ``"model"``, ``"dataset"`` or ``"space"``.
        repo_id: ``"org/name"``.
        gated: Files are served only to ``readers`` (the repository is listed to everyone).
        private: Nothing is shown to anyone but ``readers``; others get "repository not found".
        readers: The tokens that may read it.
    """

    def __init__(
        self,
        repo_type: str,
        repo_id: str,
        *,
        gated: bool = False,
        private: bool = False,
        readers: Iterable[str] = (),
    ) -> None:
        self.repo_type = repo_type
        self.repo_id = repo_id
        self.gated = gated
        self.private = private
        self.readers = set(readers)
        self.commits: dict[str, Commit] = {}
        self.branches: dict[str, str] = {}
        self.tags: dict[str, str] = {}

    def commit(self, branch: str, changes: Mapping[str, HubFile | None], title: str) -> Commit:
        """Commit ``changes`` (None deletes a path) on top of ``branch`` (or of ``main``)."""
        parent_id = self.branches.get(branch, self.branches.get("main"))
        files = dict(self.commits[parent_id].files) if parent_id else {}
        for path, file in changes.items():
            if file is None:
                files.pop(path.strip("/"), None)
            else:
                files[file.path] = file
        listing = "\n".join(f"{p} {f.blob_id}" for p, f in sorted(files.items()))
        seed = f"{self.repo_type}/{self.repo_id}\n{parent_id}\n{title}\n{next(_COMMITS)}\n{listing}"
        commit_id = hashlib.sha1(seed.encode(), usedforsecurity=False).hexdigest()
        now = datetime.datetime.now(datetime.timezone.utc)
        date = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        commit = Commit(commit_id, parent_id, title, date, files)
        self.commits[commit_id] = commit
        self.branches[branch] = commit_id
        return commit

    def resolve(self, revision: str) -> Commit | None:
        """The commit a branch, a tag or a full commit id names; None if it names none."""
        commit_id = self.branches.get(revision) or self.tags.get(revision) or revision
        return self.commits.get(commit_id)

    def split_revision(self, rest: str) -> tuple[str, str]:
        """Split ``"<revision>/<path>"``: the longest known revision (they may hold ``/``) wins."""
        known = [r for r in (*self.branches, *self.tags, *self.commits) if rest.startswith(r + "/")]
        if known:
            revision = max(known, key=len)
            return revision, rest[len(revision) + 1 :]
        revision, _, path = rest.partition("/")
        return revision, path

    def info(self, commit: Commit, *, blobs: bool) -> dict[str, Any]:
        """The answer of ``/api/{type}s/{repo}/revision/{revision}`` for ``commit``."""
        author = self.repo_id.split("/")[0] if "/" in self.repo_id else None
        first = min(self.commits.values(), key=lambda c: c.date).date
        siblings = [f.sibling(blobs=blobs) for _, f in sorted(commit.files.items())]
        info: dict[str, Any] = {
            "_id": hashlib.sha1(self.repo_id.encode(), usedforsecurity=False).hexdigest()[:24],
            "id": self.repo_id,
            "author": author,
            "sha": commit.id,
            "lastModified": commit.date,
            "createdAt": first,
            "private": self.private,
            "gated": "manual" if self.gated else False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "siblings": siblings,
            "usedStorage": sum(f.size for f in commit.files.values()),
        }
        if self.repo_type == "model":
            info["modelId"] = self.repo_id
        return info

    def tree(self, commit: Commit, folder: str, *, recursive: bool) -> list[dict[str, Any]] | None:
        """The answer of ``/api/.../tree/{revision}/{folder}``; None if ``folder`` is none."""
        folder = folder.strip("/")
        folders = commit.folders()
        if folder and folder not in folders:
            return None
        entries: list[dict[str, Any]] = []
        for name in sorted(folders - {""}):
            parent = name.rsplit("/", 1)[0] if "/" in name else ""
            if _under(name, folder) and (recursive or parent == folder):
                entries.append(self._folder_entry(commit, name))
        for path, file in sorted(commit.files.items()):
            parent = path.rsplit("/", 1)[0] if "/" in path else ""
            if _under(path, folder) and (recursive or parent == folder):
                entries.append(file.entry())
        return entries

    def paths_info(self, commit: Commit, paths: Iterable[str]) -> list[dict[str, Any]]:
        """The answer of ``POST /api/.../paths-info/{revision}``: the paths that exist."""
        folders = commit.folders()
        found: list[dict[str, Any]] = []
        for path in (p.strip("/") for p in paths):
            if path in commit.files:
                found.append(commit.files[path].entry())
            elif path in folders and path:
                found.append(self._folder_entry(commit, path))
        return found

    def refs(self) -> dict[str, Any]:
        """The answer of ``/api/{type}s/{repo}/refs``."""

        def listed(refs: Mapping[str, str], kind: str) -> list[dict[str, str]]:
            return [
                {"name": name, "ref": f"refs/{kind}/{name}", "targetCommit": commit}
                for name, commit in sorted(refs.items())
            ]

        return {"branches": listed(self.branches, "heads"), "tags": listed(self.tags, "tags")}

    def history(self, commit: Commit) -> list[dict[str, Any]]:
        """The answer of ``/api/{type}s/{repo}/commits/{revision}``: newest first."""
        entries: list[dict[str, Any]] = []
        current: Commit | None = commit
        while current is not None:
            entries.append(
                {
                    "id": current.id,
                    "title": current.title,
                    "message": "",
                    "authors": [{"user": "weighthub-testing"}],
                    "date": current.date,
                }
            )
            current = self.commits.get(current.parent) if current.parent else None
        return entries

    def _folder_entry(self, commit: Commit, folder: str) -> dict[str, Any]:
        return {"type": "directory", "oid": commit.tree_id(folder), "size": 0, "path": folder}
