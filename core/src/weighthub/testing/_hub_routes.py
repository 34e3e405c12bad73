"""What the :class:`~weighthub.testing.HubServer` knows and answers: the routes of its two origins.

:class:`HubState` holds the repositories, blobs, tokens, signed URLs and rate limits, and
answers each request as the Hub (or its CDN) does:

* ``HEAD``/``GET /[datasets/|spaces/]{repo}/resolve/{revision}/{path}``: an LFS file is a 302 to
  a signed CDN URL with ``X-Repo-Commit``, ``X-Linked-Etag`` (its quoted sha256) and
  ``X-Linked-Size``; a small (non-LFS) file is answered directly with its git blob id as
  ``ETag`` when the revision is a commit, and through a 307 to
  ``/api/resolve-cache/{type}s/{repo}/{commit}/{path}`` (same origin) when it is a branch or tag;
  every answer carries the ``RateLimit`` headers of the Hub's ``"resolvers"`` policy;
* the CDN honours ``Range`` (206, 416) and ``If-Range`` and refuses unsigned or expired URLs
  with S3's 403 ``AccessDenied``;
* ``/api/{type}s/{repo}[/revision/{rev}]`` (``sha``, ``siblings``, with sizes and hashes under
  ``?blobs=true``), ``/tree/{rev}[/{folder}]`` (``?recursive=true``), ``POST /paths-info/{rev}``,
  ``/refs``, ``/commits/{rev}`` and ``/api/agent-harnesses``: what ``hf_hub_download``,
  ``snapshot_download`` and ``HfFileSystem`` (``hf://``) ask;
* errors with the Hub's headers: an unknown or private repository is 401 (404 with a valid
  token) ``X-Error-Code: RepoNotFound``; an unknown revision 404 ``RevisionNotFound``; an unknown
  file 404 ``EntryNotFound`` (with ``X-Repo-Commit``); a gated repository's files 401 without a
  token and 403 with a token it does not list, ``GatedRepo``; an unknown token 401 "Invalid
  credentials in Authorization header".
"""

from __future__ import annotations

import collections
import json
import re
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from ._hub_repos import HubFile, HubRepo
from ._server import Answer, Body, Request

__all__ = ["CDN_PREFIX", "TYPE_PREFIXES", "HubState"]

CDN_PREFIX = "/lfs/"
"""The CDN serves an LFS file at ``CDN_PREFIX + sha256`` (plus its signature in the query)."""

TYPE_PREFIXES = {"datasets/": "dataset", "spaces/": "space"}
"""How a resolve path names a repository type (models have no prefix)."""

_PLURALS = {"models": "model", "datasets": "dataset", "spaces": "space"}
_API_VERBS = {"revision", "tree", "paths-info", "refs", "commits"}
_COMMIT_ID = re.compile(r"[0-9a-f]{40}")
_QUOTA, _WINDOW = 3000, 300  # the Hub's "resolvers" policy: 3000 requests per 300 s
_TRUE = {"1", "true", "True"}


@dataclass
class _Signed:
    sha256: str
    issued: float
    uses: int = 0


def _error(status: int, code: str | None, message: str, **headers: str) -> Answer:
    """An error as the Hub sends it: ``X-Error-Code``/``X-Error-Message`` and a JSON body."""
    fields = {"X-Error-Message": message, "Content-Type": "application/json; charset=utf-8"}
    if code is not None:
        fields["X-Error-Code"] = code
    body = json.dumps({"error": message}).encode()
    return Answer(status, {**fields, **{k.replace("_", "-"): v for k, v in headers.items()}}, body)


def _no_page() -> Answer:
    return _error(404, None, "Sorry, we can't find the page you are looking for.")


def _json(data: Any) -> Answer:
    return Answer(
        200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(data).encode()
    )


def _denied(message: str) -> Answer:
    """The CDN's refusal (S3's XML error)."""
    error = f"<Error><Code>AccessDenied</Code><Message>{message}</Message></Error>"
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n{error}'.encode()
    return Answer(403, {"Content-Type": "application/xml"}, xml)


def _repo_of(head: str) -> tuple[str, str]:
    """``(type, id)`` of the part of a resolve path before ``/resolve/``."""
    for prefix, repo_type in TYPE_PREFIXES.items():
        if head.startswith(prefix):
            return repo_type, head.removeprefix(prefix)
    return "model", head


class HubState:
    """The repositories and settings of a Hub, and its answers (thread-safe under ``lock``).

    Args:
        endpoint: The Hub's origin (named in the gated-repository message).
        cdn_origin: The CDN's origin (signed URLs point there).
    """

    def __init__(self, endpoint: str, cdn_origin: str) -> None:
        self.endpoint = endpoint
        self.cdn_origin = cdn_origin
        self.repos: dict[tuple[str, str], HubRepo] = {}
        self.blobs: dict[str, Body] = {}
        self.tokens: set[str] = set()
        self.expiry: tuple[int | None, float | None] = (None, None)
        self.limits: dict[str, list[int]] = {}
        self.lock = threading.RLock()
        self._signed: dict[str, _Signed] = {}
        self._served: collections.Counter[str] = collections.Counter()

    def answer_hub(self, request: Request) -> Answer:
        """The Hub's answer to ``request`` (the route of every path of the Hub's server)."""
        path = request.path
        if path == "/api/agent-harnesses":  # huggingface_hub asks once a day, for its User-Agent
            return _json({"standardEnvVars": ["AI_AGENT", "AGENT"], "harnesses": {}})
        if path.startswith("/api/resolve-cache/"):
            return self._answer_resolve_cache(request)
        if path.startswith("/api/"):
            return self._answer_api(request)
        head, found, rest = path.lstrip("/").partition("/resolve/")
        if not found:
            return _no_page()
        return self._answer_resolve(request, *_repo_of(head), rest)

    def _limited(self, bucket: str) -> Answer | None:
        with self.lock:
            self._served[bucket] += 1
            left, reset = self.limits.get(bucket, [0, 0])
            if left == 0:
                return None
            self.limits[bucket][0] = left - 1 if left > 0 else left
        return _error(
            429,
            None,
            f"You have exceeded the '{bucket}' rate limit. Retry after {reset} seconds.",
            Retry_After=str(reset),
            RateLimit=f'"{bucket}";r=0;t={reset}',
            RateLimit_Policy=f'"fixed window";"{bucket}";q={_QUOTA};w={_WINDOW}',
        )

    def _quota(self) -> dict[str, str]:
        left = max(_QUOTA - self._served["resolvers"], 0)
        policy = f'"fixed window";"resolvers";q={_QUOTA};w={_WINDOW}'
        return {"RateLimit": f'"resolvers";r={left};t={_WINDOW}', "RateLimit-Policy": policy}

    def _refusal(
        self, request: Request, repo_type: str, repo_id: str, *, files: bool
    ) -> Answer | None:
        """The Hub's answer to a request that may not see the repository (or its files)."""
        token = None
        if (authorization := request.authorization) is not None:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or token.strip() not in self.tokens:
                return _error(401, None, "Invalid credentials in Authorization header")
            token = token.strip()
        repo = self.repos.get((repo_type, repo_id))
        if repo is None or (repo.private and token not in repo.readers):
            return _error(404 if token else 401, "RepoNotFound", "Repository not found")
        if files and repo.gated and token not in repo.readers:
            restricted = f"Access to {repo_type} {repo_id} is restricted"
            if token is None:
                please = "You must have access to it and be authenticated to access it."
                return _error(401, "GatedRepo", f"{restricted}. {please} Please log in.")
            ask = f"Visit {self.endpoint}/{repo_id} to ask for access."
            return _error(
                403, "GatedRepo", f"{restricted} and you are not in the authorized list. {ask}"
            )
        return None

    def _admit(
        self, request: Request, bucket: str, repo_type: str, repo_id: str, *, files: bool
    ) -> HubRepo | Answer:
        """The repository ``request`` may read, or the Hub's refusal (429, 401, 403 or 404)."""
        if (limited := self._limited(bucket)) is not None:
            return limited
        refused = self._refusal(request, repo_type, repo_id, files=files)
        return refused if refused is not None else self.repos[repo_type, repo_id]

    def _answer_resolve(self, request: Request, repo_type: str, repo_id: str, rest: str) -> Answer:
        with self.lock:
            repo = self._admit(request, "resolvers", repo_type, repo_id, files=True)
            if isinstance(repo, Answer):
                return repo
            revision, path = repo.split_revision(rest)
            commit = repo.resolve(revision)
            if commit is None:
                return _error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
            headers = {"X-Repo-Commit": commit.id, **self._quota()}
            file = commit.files.get(path)
            if file is None:
                return _error(404, "EntryNotFound", "Entry not found", **headers)
            if file.lfs:
                location = self._sign(file)
                headers.update(
                    {
                        "Location": location,
                        "X-Linked-Etag": f'"{file.sha256}"',
                        "X-Linked-Size": str(file.size),
                        "ETag": f'"{file.blob_id}"',
                        "Content-Type": "text/plain; charset=utf-8",
                    }
                )
                return Answer(302, headers, f"Found. Redirecting to {location}".encode())
            if revision != commit.id:
                quoted = urllib.parse.quote(file.path)
                etag = urllib.parse.quote(f'"{file.blob_id}"')
                where = (
                    f"/api/resolve-cache/{repo_type}s/{repo_id}/{commit.id}/{quoted}?etag={etag}"
                )
                headers.update({"Location": where, "Content-Type": "text/plain; charset=utf-8"})
                return Answer(307, headers, f"Temporary Redirect. Redirecting to {where}".encode())
            return _direct(file, headers)

    def _answer_resolve_cache(self, request: Request) -> Answer:
        """``/api/resolve-cache/{type}s/{repo}/{commit}/{path}``: a small file at a commit."""
        parts = request.path.split("/")[3:]
        commit_at = next((i for i, p in enumerate(parts) if i > 1 and _COMMIT_ID.fullmatch(p)), 0)
        if not commit_at or parts[0] not in _PLURALS:
            return _no_page()
        repo_type, repo_id = _PLURALS[parts[0]], "/".join(parts[1:commit_at])
        path = "/".join(parts[commit_at + 1 :])
        with self.lock:
            repo = self._admit(request, "resolvers", repo_type, repo_id, files=True)
            if isinstance(repo, Answer):
                return repo
            commit = repo.commits.get(parts[commit_at])
            file = commit.files.get(path) if commit else None
            if commit is None or file is None or file.lfs:
                return _error(404, "EntryNotFound", "Entry not found")
            return _direct(file, {"X-Repo-Commit": commit.id, **self._quota()})

    def _answer_api(self, request: Request) -> Answer:
        parts = request.path.split("/")[2:]
        if not parts or parts[0] not in _PLURALS or len(parts) < 2:
            return _no_page()
        repo_type, rest = _PLURALS[parts[0]], parts[1:]
        with self.lock:
            single = len(rest) > 1 and rest[1] in _API_VERBS and (repo_type, rest[0]) in self.repos
        cut = 1 if single or len(rest) == 1 else 2
        repo_id, verb, args = (
            "/".join(rest[:cut]),
            (rest[cut:] or [""])[0],
            "/".join(rest[cut + 1 :]),
        )
        with self.lock:
            repo = self._admit(request, "api", repo_type, repo_id, files=False)
            return repo if isinstance(repo, Answer) else self._api(request, repo, verb, args)

    def _api(self, request: Request, repo: HubRepo, verb: str, args: str) -> Answer:
        query = urllib.parse.parse_qs(request.query)
        if verb == "refs":
            return _json(repo.refs())
        if verb not in ("", *_API_VERBS):
            return _no_page()
        revision, folder = repo.split_revision(args) if verb == "tree" else (args or "main", "")
        commit = repo.resolve(revision or "main")
        if commit is None:
            return _error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
        if verb == "tree":
            recursive = query.get("recursive", [""])[0] in _TRUE
            entries = repo.tree(commit, folder, recursive=recursive)
            if entries is None:
                return _error(404, "EntryNotFound", f'{folder} does not exist on "{revision}"')
            return _json(entries)
        if verb == "paths-info":
            form = urllib.parse.parse_qs(request.body.decode())
            return _json(repo.paths_info(commit, form.get("paths", [])))
        if verb == "commits":
            return _json(repo.history(commit))
        return _json(repo.info(commit, blobs=query.get("blobs", [""])[0] in _TRUE))

    def _sign(self, file: HubFile) -> str:
        """A fresh signed CDN URL for an LFS file."""
        signature = secrets.token_hex(12)
        now = time.time()
        lifetime = self.expiry[1] if self.expiry[1] is not None else 3600
        self._signed[signature] = _Signed(file.sha256, now)
        name = file.path.rsplit("/", 1)[-1]
        disposition = f"inline; filename*=UTF-8''{urllib.parse.quote(name)}; filename=\"{name}\";"
        query = {"response-content-disposition": disposition, "Expires": int(now + lifetime)}
        query["Signature"] = signature
        return f"{self.cdn_origin}{CDN_PREFIX}{file.sha256}?{urllib.parse.urlencode(query)}"

    def answer_cdn(self, request: Request) -> Answer:
        """The CDN's answer: the blob of a valid signed URL (the route of ``CDN_PREFIX``)."""
        sha256 = request.path.removeprefix(CDN_PREFIX)
        query = urllib.parse.parse_qs(request.query)
        with self.lock:
            signed = self._signed.get(query.get("Signature", [""])[0])
            if signed is None or signed.sha256 != sha256:
                return _denied("Invalid signature")
            signed.uses += 1
            uses, seconds = self.expiry
            if (uses is not None and signed.uses > uses) or (
                seconds is not None and time.time() > signed.issued + seconds
            ):
                return _denied("Request has expired")
            body = self.blobs[sha256]
        headers = {
            "ETag": f'"{sha256}"',
            "Content-Type": "binary/octet-stream",
            "Cache-Control": "public, max-age=604800, immutable",
        }
        if disposition := query.get("response-content-disposition", [""])[0]:
            headers["Content-Disposition"] = disposition
        return Answer(200, headers, body, ranged=True)


def _direct(file: HubFile, headers: dict[str, str]) -> Answer:
    """A small file answered by the Hub itself, its git blob id as ``ETag``."""
    headers = {**headers, "ETag": f'"{file.blob_id}"', "Content-Type": "text/plain; charset=utf-8"}
    return Answer(200, headers, file.body, ranged=True)
