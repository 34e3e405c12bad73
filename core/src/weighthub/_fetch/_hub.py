"""Hugging Face Hub files: their URLs, and what the Hub says about them (one ``HEAD``).

A Hub file is named by

- ``https://huggingface.co/{repo}/resolve/{revision}/{path}`` (also ``hf.co``, and any URL under
  ``HF_ENDPOINT``), with ``datasets/`` or ``spaces/`` before the repository of a dataset or a
  Space: what timm, torchgeo and ``huggingface_hub.hf_hub_url`` write;
- ``hf://[datasets/|spaces/]{org}/{name}[@{revision}]/{path}``, fsspec's ``HfFileSystem`` syntax
  (``main`` when no revision is given; a repository without an organisation is written
  ``hf://{name}@{revision}/{path}``).

:func:`hub_metadata` asks the Hub (``HF_ENDPOINT``) what a revision holds at a path, as
huggingface_hub does: a ``HEAD`` of the file's ``resolve`` URL, redirects not followed, whose
answer names the commit (``X-Repo-Commit``), the file's sha256 and size for an LFS file
(``X-Linked-Etag``, ``X-Linked-Size``) or its git blob id for a small one (``ETag``, through the
Hub's same-origin redirect). Its refusals become errors that name the repository, revision or file
and the fix (a gated repository's licence, a token, a close file name).
"""

from __future__ import annotations

import json
import re
import socket
import time
import urllib.error
import urllib.parse
from dataclasses import dataclass, replace
from email.message import Message
from typing import Literal

from .._errors import InvalidURLError, WeightsDownloadError, close_matches_hint
from ._http import open_http
from ._hub_env import (
    DEFAULT_ENDPOINT,
    ENDPOINT_VARIABLE,
    HUB_HOSTS,
    hub_endpoint,
    hub_etag_timeout,
    hub_token,
)
from ._retries import Retries
from ._stream import RetryableError

__all__ = [
    "COMMIT",
    "HubFile",
    "HubMetadata",
    "hub_metadata",
    "parse_hub_url",
]

RepoType = Literal["model", "dataset", "space"]

COMMIT = re.compile(r"[0-9a-f]{40}")
"""A full commit id: a revision that never moves."""
_SHA256 = re.compile(r"[0-9a-f]{64}")
_TYPE_PREFIXES: dict[str, RepoType] = {"datasets": "dataset", "spaces": "space", "models": "model"}
_REDIRECTS = (301, 302, 303, 307, 308)
_REFUSALS = (400, 401, 403, 404)
_MAX_HOPS = 3


@dataclass(frozen=True)
class HubFile:
    """A file of a Hub repository at a revision.

    Attributes:
        repo_type: ``"model"``, ``"dataset"`` or ``"space"``.
        repo_id: ``"org/name"`` (or a bare ``"name"``).
        revision: A branch, tag or commit id.
        path: The file's path in the repository (``/``-separated).
    """

    repo_type: RepoType
    repo_id: str
    revision: str
    path: str

    @property
    def pinned(self) -> bool:
        """Whether the revision is a full commit id (it never moves)."""
        return COMMIT.fullmatch(self.revision) is not None

    @property
    def repo(self) -> str:
        """``org/name``, prefixed ``datasets/`` or ``spaces/`` for those: as in a Hub URL."""
        prefix = "" if self.repo_type == "model" else f"{self.repo_type}s/"
        return prefix + self.repo_id

    @property
    def name(self) -> str:
        """The file's name: the last segment of its path."""
        return self.path.rsplit("/", 1)[-1]

    def at(self, revision: str) -> HubFile:
        """The same file at another revision (a commit, say)."""
        return replace(self, revision=revision)

    def url(self, endpoint: str | None = None) -> str:
        """The file's ``resolve`` URL on ``endpoint`` (``HF_ENDPOINT`` by default)."""
        base = endpoint if endpoint is not None else hub_endpoint()
        revision = urllib.parse.quote(self.revision, safe="")
        return f"{base}/{self.repo}/resolve/{revision}/{urllib.parse.quote(self.path)}"

    def __str__(self) -> str:
        return f"{self.repo}@{self.revision}/{self.path}"


@dataclass(frozen=True)
class HubMetadata:
    """What the Hub says about a file at a revision.

    Attributes:
        commit: The commit the revision resolved to (``X-Repo-Commit``).
        etag: The name of its blob: the sha256 of an LFS file, the git blob id of a small one.
        size: Its size in bytes, when announced.
        lfs: Whether it is stored with LFS (served by the CDN, identified by its sha256).
    """

    commit: str
    etag: str
    size: int | None
    lfs: bool

    @property
    def sha256(self) -> str | None:
        """The file's full sha256, for an LFS file."""
        return self.etag if self.lfs and _SHA256.fullmatch(self.etag) else None


# -- URLs --------------------------------------------------------------------------------------


def _bad(url: str, problem: str, example: str) -> InvalidURLError:
    msg = f"Invalid Hugging Face Hub URL {url!r}: {problem}. Expected {example}."
    return InvalidURLError(msg, url=url)


_RESOLVE_EXAMPLE = "'https://huggingface.co/<org>/<name>/resolve/<revision>/<path in the repo>'"
_HF_EXAMPLE = "'hf://<org>/<name>[@<revision>]/<path in the repo>'"


def _check_path(url: str, path: str, example: str) -> str:
    parts = path.split("/")
    if not path or any(p in ("", ".", "..") for p in parts) or "\\" in path:
        problem = "it names no file" if not path else f"the file path {path!r} is not a clean path"
        raise _bad(url, problem, example)
    return path


def _check_revision(url: str, revision: str, example: str) -> str:
    if not revision or any(p in ("", ".", "..") for p in revision.split("/")):
        raise _bad(url, f"the revision {revision!r} is not a branch, tag or commit", example)
    return revision


def _is_hub_http(url: str, parts: urllib.parse.SplitResult) -> str | None:
    """The part of ``url``'s path after the Hub's origin (and prefix), or None: not a Hub URL."""
    host = (parts.hostname or "").lower()
    if host in HUB_HOSTS:
        return parts.path
    try:
        endpoint = hub_endpoint()
    except ValueError:
        return None
    if url.startswith(endpoint + "/"):
        return urllib.parse.urlsplit(url[len(endpoint) :]).path
    return None


def _repo_type_of(segments: list[str]) -> tuple[RepoType, list[str]]:
    if segments and segments[0] in _TYPE_PREFIXES:
        return _TYPE_PREFIXES[segments[0]], segments[1:]
    return "model", segments


def _parse_resolve(url: str, path: str) -> HubFile:
    head, found, rest = path.lstrip("/").partition("/resolve/")
    if not found:
        segments = path.strip("/").split("/")
        if len(segments) > 3 and segments[2] in ("blob", "raw", "tree"):
            fixed = url.replace(f"/{segments[2]}/", "/resolve/", 1)
            problem = f"it is the address of the Hub's {segments[2]!r} web page, not of the file"
            raise _bad(url, problem, f"the file's download URL {fixed!r}")
        raise _bad(url, "it has no '/resolve/<revision>/' part", _RESOLVE_EXAMPLE)
    repo_type, repo = _repo_type_of(head.split("/"))
    if not repo or any(not s for s in repo) or len(repo) > 2:
        raise _bad(url, f"{head!r} is not a repository name", _RESOLVE_EXAMPLE)
    revision, _, file_path = rest.partition("/")
    revision = _check_revision(url, urllib.parse.unquote(revision), _RESOLVE_EXAMPLE)
    file_path = _check_path(url, urllib.parse.unquote(file_path), _RESOLVE_EXAMPLE)
    return HubFile(repo_type, "/".join(repo), revision, file_path)


def _parse_hf(url: str) -> HubFile:
    body = url[len("hf://") :].split("?", 1)[0]
    segments = body.split("/")
    if segments[0] == "buckets":
        msg = (
            f"Unsupported URL {url!r}: Hub storage buckets are not repositories; weighthub reads "
            f"files of models, datasets and Spaces ({_HF_EXAMPLE})."
        )
        raise InvalidURLError(msg, url=url)
    repo_type, segments = _repo_type_of(segments)
    # A bare repository name carries its revision ("gpt2@main"); else the repository is org/name.
    count = 1 if segments and "@" in segments[0] else 2
    if len(segments) < count or not all(segments[:count]):
        raise _bad(url, "it names no repository", _HF_EXAMPLE)
    repo, file_path = segments[:count], "/".join(segments[count:])
    name, _, revision = repo[-1].partition("@")
    repo[-1] = name
    if not all(repo):
        raise _bad(url, "it names no repository", _HF_EXAMPLE)
    revision = urllib.parse.unquote(revision) if "@" in segments[count - 1] else "main"
    revision = _check_revision(url, revision, _HF_EXAMPLE)
    file_path = _check_path(url, urllib.parse.unquote(file_path), _HF_EXAMPLE)
    return HubFile(repo_type, "/".join(repo), revision, file_path)


def parse_hub_url(url: str) -> HubFile | None:
    """Return the Hub file ``url`` names, or None when it is not a Hub URL.

    Raises:
        InvalidURLError: It is a Hub URL that names no file (no revision or path, a web page's
            address, a storage bucket).
    """
    if url[:5].lower() == "hf://":
        return _parse_hf(url)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return None
    path = _is_hub_http(url, parts)
    return None if path is None else _parse_resolve(url, path)


# -- metadata ----------------------------------------------------------------------------------


def _etag(value: str | None) -> str | None:
    """huggingface_hub's normalisation: ``W/"x"`` and ``"x"`` are ``x``."""
    if value is None:
        return None
    text = value.strip()
    return text.removeprefix("W/").strip('"') or None


def _natural(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() else None


def _token_phrase() -> str:
    found = hub_token()
    return f"the token from {found[1]}" if found else "no token"


def _listing(file: HubFile, commit: str | None) -> list[str]:
    """The repository's file paths at ``commit`` (for suggestions), or [] when it cannot be read."""
    revision = urllib.parse.quote(commit or file.revision, safe="")
    api = f"{hub_endpoint()}/api/{file.repo_type}s/{file.repo_id}/tree/{revision}?recursive=true"
    try:
        with open_http(api, limit=8 << 20, timeout=hub_etag_timeout()) as answer:
            entries = json.loads(answer.read())
    except (OSError, ValueError, RetryableError):
        return []
    if not isinstance(entries, list):
        return []
    return [e["path"] for e in entries if isinstance(e, dict) and e.get("type") == "file"]


def _refusal(file: HubFile, url: str, status: int, headers: Message) -> WeightsDownloadError:
    """The error of a Hub answer that refuses ``file``, naming what is wrong and the fix."""
    code = headers.get("X-Error-Code") or ""
    endpoint = hub_endpoint()
    login = "log in with `hf auth login` (or set HF_TOKEN)"
    token = _token_phrase()
    if code == "GatedRepo":
        if status == 401:
            fix = f"accept its licence at {endpoint}/{file.repo} while logged in, then {login}"
            msg = f"The Hub repository {file.repo} is gated and {token} was sent: {fix}."
        else:
            fix = (
                f"accept its licence at {endpoint}/{file.repo} with the account of that token (or "
                "ask for access there), or use another token"
            )
            msg = f"The Hub refused {token} for the gated repository {file.repo}: {fix}."
    elif code == "RepoNotFound":
        why = "does not exist, or it is private" + ("" if status == 404 else " and needs a token")
        fix = f"check the name in {url}" + ("" if status == 404 else f"; if it is private, {login}")
        msg = f"The Hub repository {file.repo} {why} ({token} was sent): {fix}."
    elif code == "RevisionNotFound":
        msg = (
            f"The Hub repository {file.repo} has no revision {file.revision!r}: check the branch, "
            f"tag or commit id in {url}."
        )
    elif code == "EntryNotFound":
        commit = headers.get("X-Repo-Commit")
        hint = close_matches_hint(file.path, _listing(file, commit))
        msg = (
            f"The Hub repository {file.repo} has no file {file.path!r} at revision "
            f"{file.revision!r}{f' (commit {commit})' if commit else ''}.{hint} Check the path "
            f"in {url}."
        )
    elif status == 401 and hub_token() is not None:
        msg = (
            f"The Hub refused {token} (HTTP 401: invalid or expired) for {file.repo}. Create a "
            f"new token at {endpoint}/settings/tokens and {login}, or unset it for public files."
        )
    else:
        reason = headers.get("X-Error-Message") or f"HTTP {status}"
        msg = f"The Hub refused {file} ({reason}) at {url}."
    return WeightsDownloadError(msg, url=url, status=status)


def _endpoint_failure(url: str, exc: BaseException) -> WeightsDownloadError | None:
    """Name ``HF_ENDPOINT`` when its host does not resolve."""
    cause = exc.__cause__
    reason = getattr(cause, "reason", cause) if isinstance(cause, urllib.error.URLError) else cause
    if not isinstance(reason, socket.gaierror):
        return None
    endpoint = hub_endpoint()
    where = urllib.parse.urlsplit(endpoint).hostname
    setting = f"{ENDPOINT_VARIABLE}={endpoint!r}"
    if endpoint == DEFAULT_ENDPOINT:
        setting = "The Hub's endpoint"
    msg = (
        f"{setting} names the host {where}, which does not resolve ({reason.strerror or reason}); "
        f"{url} cannot be reached. "
        f"Fix {ENDPOINT_VARIABLE} (a Hub mirror's URL), unset it to use https://huggingface.co, "
        "or work offline with files already cached (HF_HUB_OFFLINE=1)."
    )
    return WeightsDownloadError(msg, url=url)


def _ask(file: HubFile, url: str) -> tuple[int, Message]:
    """One ``HEAD`` of ``url``, redirects not followed; its status and headers."""
    accept = (*_REDIRECTS, *_REFUSALS)
    try:
        with open_http(
            url,
            method="HEAD",
            follow_redirects=False,
            accept=accept,
            timeout=hub_etag_timeout(),
        ) as answer:
            return answer.status, answer.headers
    except WeightsDownloadError as exc:
        named = _endpoint_failure(url, exc)
        if named is None:
            raise
        raise named from exc


def hub_metadata(file: HubFile, *, retry: bool = True) -> HubMetadata:
    """Ask the Hub what ``file``'s revision holds: its commit, blob name and size.

    Args:
        file: The file.
        retry: Retry transient failures (429 after the Hub's ``Retry-After``/``RateLimit``, 5xx,
            lost connections) as a download does; False raises the first one (a caller with a
            cached copy to fall back on).

    Raises:
        WeightsDownloadError: The Hub refused (an unknown repository, revision or file, a gated
            repository, a refused token), ``HF_ENDPOINT`` does not resolve, or retries ran out.
        RetryableError: With ``retry=False``, a transient failure.
    """
    retries = Retries()
    while True:
        try:
            return _metadata_once(file)
        except RetryableError as exc:
            if not retry:
                raise
            time.sleep(retries.next_delay(str(file), exc))


def _metadata_once(file: HubFile) -> HubMetadata:
    url = file.url()
    commit: str | None = None
    for _ in range(_MAX_HOPS):
        status, headers = _ask(file, url)
        commit = headers.get("X-Repo-Commit") or commit
        if status in _REFUSALS:
            raise _refusal(file, file.url(), status, headers)
        linked = _etag(headers.get("X-Linked-Etag"))
        location = headers.get("Location")
        if status in _REDIRECTS and linked is None and location:
            target = urllib.parse.urljoin(url, location)
            if urllib.parse.urlsplit(target).netloc == urllib.parse.urlsplit(url).netloc:
                url = target  # a small file's same-origin redirect (the Hub's resolve cache)
                continue
        etag = linked or _etag(headers.get("ETag"))
        size = _natural(headers.get("X-Linked-Size") if linked else headers.get("Content-Length"))
        if commit is None or not COMMIT.fullmatch(commit) or etag is None:
            msg = (
                f"{file.url()} did not answer as a Hugging Face Hub does (HTTP {status} without "
                "X-Repo-Commit and ETag): check HF_ENDPOINT (it must name a Hub or a Hub mirror; "
                "a plain file server belongs in WEIGHTHUB_MIRROR)."
            )
            raise WeightsDownloadError(msg, url=file.url(), status=status)
        return HubMetadata(commit=commit, etag=etag, size=size, lfs=linked is not None)
    msg = f"{file.url()} redirected more than {_MAX_HOPS} times within the Hub."
    raise WeightsDownloadError(msg, url=file.url())
