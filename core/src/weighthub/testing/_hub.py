"""A Hugging Face Hub on 127.0.0.1 for tests: what ``huggingface_hub`` asks, answered as the Hub.

:class:`HubServer` serves repositories a test builds from bytes or files (commits, branches, tags,
gated and private repositories) on two origins, as the real Hub does: the Hub itself, the
``HF_ENDPOINT``, and a CDN on another port (and, with ``cdn_host``, another host name). It
answers what ``hf_hub_download``, ``snapshot_download`` and ``HfFileSystem`` (``hf://``)
ask, with the Hub's headers, redirects and errors (``_hub_routes`` lists them: ``resolve``
with ``X-Repo-Commit`` and, for an LFS file, ``X-Linked-Etag``/``X-Linked-Size`` and a 302 to a
signed CDN URL honouring ``Range`` and ``If-Range``; the API; ``X-Error-Code`` 401/403/404s).

Faults are the kit's :class:`~weighthub.testing.Fault` s, queued on a file's resolve or CDN path
(:meth:`HubServer.fault`), plus :meth:`~HubServer.rate_limit` (429 with ``Retry-After`` and the
IETF ``RateLimit`` header) and :meth:`~HubServer.expire_redirects` (signed URLs that expire after
some uses or seconds). :attr:`HubServer.requests` logs what both origins received, in order.

Why not ``olah``: olah 0.5.4 (PyPI), tried against huggingface_hub 2.4.0, serves a local git
repository with LFS offline, and ``hf_hub_download`` works against it, but it answers an LFS file
with a 200 (no 302, no ``X-Linked-Etag``/``X-Linked-Size``: no CDN hop, so no cross-origin token
test and no expiring redirect), answers ``Range`` with a chunked 200, reads each file whole into
memory and re-hashes LFS objects on every ``HEAD``, answers an unknown file or revision with 401
``RepoNotFound`` (huggingface_hub then raises the wrong class), has no faults, needs real git
repositories with LFS objects, and brings a web framework, an ORM and GitPython. This server is
routes on the kit's :class:`~weighthub.testing.LoopbackServer` (the one HTTP server of the kit):
the same ``Range`` handling, faults and request log, bodies sent from memory or with
``sendfile`` from disk. It serves from daemon threads of the test process; clients that need a
GIL of their own (``huggingface_hub`` itself, concurrent loads) run in subprocesses.
"""

from __future__ import annotations

import contextlib
import os
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

from ._hub_repos import HubFile, HubRepo, hub_file
from ._hub_routes import CDN_PREFIX, TYPE_PREFIXES, HubState
from ._server import Fault, LoopbackServer, Request

__all__ = ["HubServer", "running_hub"]

_REPO_TYPES = ("model", "dataset", "space")


class HubServer:
    """A Hugging Face Hub and its CDN on loopback, for ``HF_ENDPOINT``.

    Args:
        cdn_host: The host the CDN binds and its URLs name. It always has its own port, so it is
            another origin; ``"localhost"`` or ``"127.0.0.2"`` (Linux) also give it another host.
    """

    def __init__(self, *, cdn_host: str = "127.0.0.1") -> None:
        self.server = LoopbackServer()
        """The Hub's :class:`~weighthub.testing.LoopbackServer` (its faults and log)."""
        self.cdn = LoopbackServer(cdn_host)
        """The CDN's :class:`~weighthub.testing.LoopbackServer`."""
        self._state = HubState(self.server.base, self.cdn.base)
        self._lock = self._state.lock  # shared with the answers: a test changes what they see
        self.server.route("/", self._state.answer_hub)
        self.cdn.route(CDN_PREFIX, self._state.answer_cdn)

    def start(self) -> HubServer:
        """Serve the Hub and the CDN in daemon threads; return the server itself."""
        self.server.start()
        self.cdn.start()
        return self

    def stop(self) -> None:
        """Stop both origins."""
        self.server.stop()
        self.cdn.stop()

    @property
    def endpoint(self) -> str:
        """The Hub's ``http://127.0.0.1:<port>``: the value for ``HF_ENDPOINT``."""
        return self.server.base

    @property
    def cdn_origin(self) -> str:
        """The CDN's ``http://<cdn_host>:<port>``."""
        return self.cdn.base

    @property
    def requests(self) -> list[Request]:
        """Every request either origin received, oldest first (``Request.origin`` tells which)."""
        return sorted([*self.server.requests, *self.cdn.requests], key=lambda r: r.order)

    # Repositories ------------------------------------------------------------------------------

    def create_repo(
        self,
        repo_id: str,
        *,
        repo_type: str = "model",
        gated: bool = False,
        private: bool = False,
        readers: Iterable[str] = (),
    ) -> None:
        """Create an empty repository (:meth:`add_file` creates public ones by itself).

        Args:
            repo_id: ``"org/name"``.
            repo_type: ``"model"``, ``"dataset"`` or ``"space"``.
            gated: Its files are served only with a token of ``readers`` (401 without a token,
                403 with another one); its listing stays public, as on the Hub.
            private: Only ``readers`` see it; anyone else gets "repository not found".
            readers: Tokens (``Authorization: Bearer <token>``) that may read it; they become
                valid tokens of the server.

        Raises:
            ValueError: The repository exists, or ``repo_type`` is not a Hub repository type.
        """
        if repo_type not in _REPO_TYPES:
            msg = f"repo_type={repo_type!r} is none of the Hub's: {sorted(_REPO_TYPES)}"
            raise ValueError(msg)
        with self._lock:
            if (repo_type, repo_id) in self._state.repos:
                msg = f"the {repo_type} repository {repo_id!r} exists already on this HubServer"
                raise ValueError(msg)
            repo = HubRepo(repo_type, repo_id, gated=gated, private=private, readers=readers)
            self._state.repos[repo_type, repo_id] = repo
            self._state.tokens.update(repo.readers)

    def add_token(self, token: str) -> None:
        """Make ``token`` valid (it reads public repositories, and gated ones that list it)."""
        with self._lock:
            self._state.tokens.add(token)

    def add_files(
        self,
        repo_id: str,
        files: Mapping[str, bytes | str | os.PathLike[str]],
        *,
        lfs: bool = True,
        branch: str = "main",
        message: str | None = None,
        repo_type: str = "model",
    ) -> str:
        """Commit ``files`` (path in the repository -> bytes, or a file on disk) to ``branch``.

        A file given by name is hashed now and served from disk (it must not change afterwards);
        the repository and the branch (from ``main``) are created when missing.

        Args:
            repo_id: ``"org/name"``.
            files: What to add or replace.
            lfs: Store them with LFS (served through the CDN) or as small git files.
            branch: The branch that moves to the new commit.
            message: The commit's title.
            repo_type: ``"model"``, ``"dataset"`` or ``"space"``.

        Returns:
            The new commit's id (40 hex digits).
        """
        made = {path: hub_file(path, data, lfs=lfs) for path, data in files.items()}
        with self._lock:
            if (repo_type, repo_id) not in self._state.repos:
                self.create_repo(repo_id, repo_type=repo_type)
            for file in made.values():
                self._state.blobs.setdefault(file.sha256, file.body)
            title = message or f"Upload {', '.join(sorted(made))}"
            return self._repo(repo_id, repo_type).commit(branch, made, title).id

    def add_file(
        self,
        repo_id: str,
        path: str,
        data: bytes | str | os.PathLike[str],
        *,
        lfs: bool = True,
        branch: str = "main",
        message: str | None = None,
        repo_type: str = "model",
    ) -> str:
        """Commit one file; see :meth:`add_files`. Returns the new commit's id."""
        files = {path: data}
        return self.add_files(
            repo_id, files, lfs=lfs, branch=branch, message=message, repo_type=repo_type
        )

    def delete_file(
        self, repo_id: str, path: str, *, branch: str = "main", repo_type: str = "model"
    ) -> str:
        """Commit the removal of ``path`` from ``branch``; return the new commit's id."""
        with self._lock:
            self.file(repo_id, path, branch, repo_type=repo_type)
            repo = self._repo(repo_id, repo_type)
            return repo.commit(branch, {path: None}, f"Delete {path}").id

    def create_branch(
        self, repo_id: str, branch: str, *, revision: str = "main", repo_type: str = "model"
    ) -> str:
        """Create (or move) ``branch`` at ``revision``; return its commit id."""
        return self._name_commit(repo_id, revision, repo_type, branch=branch)

    def create_tag(
        self, repo_id: str, tag: str, *, revision: str = "main", repo_type: str = "model"
    ) -> str:
        """Tag ``revision`` as ``tag``; return its commit id."""
        return self._name_commit(repo_id, revision, repo_type, tag=tag)

    def commit_of(self, repo_id: str, revision: str = "main", *, repo_type: str = "model") -> str:
        """The commit id a branch, tag or commit id names.

        Raises:
            KeyError: No such repository or revision (the message lists the known ones).
        """
        with self._lock:
            repo = self._repo(repo_id, repo_type)
            commit = repo.resolve(revision)
            if commit is None:
                known = sorted({*repo.branches, *repo.tags})
                msg = f"{repo_id!r} has no revision {revision!r}; branches and tags: {known}"
                raise KeyError(msg)
            return commit.id

    def file(
        self, repo_id: str, path: str, revision: str = "main", *, repo_type: str = "model"
    ) -> HubFile:
        """The file at ``path`` in ``revision`` (its ``sha256``, ``size``, ``blob_id`` ...).

        Raises:
            KeyError: No such repository, revision or file (the message lists the files).
        """
        with self._lock:
            commit_id = self.commit_of(repo_id, revision, repo_type=repo_type)
            commit = self._repo(repo_id, repo_type).commits[commit_id]
            if path not in commit.files:
                msg = f"{repo_id}@{revision} has no file {path!r}; it has {sorted(commit.files)}"
                raise KeyError(msg)
            return commit.files[path]

    def url(
        self, repo_id: str, path: str, revision: str = "main", *, repo_type: str = "model"
    ) -> str:
        """The file's resolve URL on this Hub, spelled as ``huggingface_hub.hf_hub_url`` does."""
        revision = urllib.parse.quote(revision, safe="")
        return self.endpoint + self.resolve_path(repo_id, urllib.parse.quote(path), revision)

    def resolve_path(
        self, repo_id: str, path: str, revision: str = "main", *, repo_type: str = "model"
    ) -> str:
        """``/[datasets/]{repo}/resolve/{revision}/{path}``: the key of its Hub faults and log."""
        prefix = next((p for p, t in TYPE_PREFIXES.items() if t == repo_type), "")
        return f"/{prefix}{repo_id}/resolve/{revision}/{path}"

    def cdn_path(
        self, repo_id: str, path: str, revision: str = "main", *, repo_type: str = "model"
    ) -> str:
        """``/lfs/{sha256}``: where the CDN serves an LFS file (its faults' and log's key).

        Raises:
            ValueError: The file is not stored with LFS (the Hub serves it itself).
        """
        file = self.file(repo_id, path, revision, repo_type=repo_type)
        if not file.lfs:
            msg = f"{repo_id}/{path} is not an LFS file: the Hub serves it, not the CDN"
            raise ValueError(msg)
        return CDN_PREFIX + file.sha256

    # Faults ------------------------------------------------------------------------------------

    def fault(
        self,
        fault: Fault,
        repo_id: str,
        path: str,
        *,
        revision: str = "main",
        at: Literal["resolve", "cdn"] = "resolve",
        repo_type: str = "model",
    ) -> None:
        """Queue ``fault`` on the file's resolve path (at this revision's spelling) or CDN path."""
        if at == "cdn":
            self.cdn.fault(self.cdn_path(repo_id, path, revision, repo_type=repo_type), fault)
        else:
            self.server.fault(
                self.resolve_path(repo_id, path, revision, repo_type=repo_type), fault
            )

    def rate_limit(
        self, times: int = 1, *, reset: int = 2, bucket: Literal["resolvers", "api"] = "resolvers"
    ) -> None:
        """Answer the next ``times`` requests of ``bucket`` (-1: all) with the Hub's 429.

        ``"resolvers"`` are the ``/resolve`` requests, ``"api"`` the ``/api`` ones. The 429 holds
        ``Retry-After: reset`` and ``RateLimit: "<bucket>";r=0;t=<reset>``.
        """
        with self._lock:
            self._state.limits[bucket] = [times, reset]

    def expire_redirects(
        self, *, after_uses: int | None = None, after_seconds: float | None = None
    ) -> None:
        """Make signed CDN URLs expire after ``after_uses`` requests or ``after_seconds``.

        An expired URL is answered with S3's 403 ``AccessDenied`` "Request has expired", as the
        Hub's CDN does; a new ``/resolve`` request gets a fresh one. Both None: never expire.
        """
        with self._lock:
            self._state.expiry = (after_uses, after_seconds)

    def _name_commit(
        self, repo_id: str, revision: str, repo_type: str, *, branch: str = "", tag: str = ""
    ) -> str:
        with self._lock:
            commit_id = self.commit_of(repo_id, revision, repo_type=repo_type)
            repo = self._repo(repo_id, repo_type)
            if branch:
                repo.branches[branch] = commit_id
            else:
                repo.tags[tag] = commit_id
            return commit_id

    def _repo(self, repo_id: str, repo_type: str) -> HubRepo:
        repo = self._state.repos.get((repo_type, repo_id))
        if repo is None:
            known = sorted(f"{t}:{i}" for t, i in self._state.repos)
            msg = f"this HubServer has no {repo_type} repository {repo_id!r}; it has {known}"
            raise KeyError(msg)
        return repo


@contextlib.contextmanager
def running_hub(*, cdn_host: str = "127.0.0.1") -> Iterator[HubServer]:
    """Start a :class:`HubServer`; stop it when the block ends."""
    hub = HubServer(cdn_host=cdn_host).start()
    try:
        yield hub
    finally:
        hub.stop()
