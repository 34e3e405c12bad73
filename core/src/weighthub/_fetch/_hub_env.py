"""The Hugging Face Hub's settings, read as huggingface_hub 2.x reads them, without importing it.

huggingface_hub reads its environment once, when it is imported; weighthub reads it at every call
(as it reads its own settings), so a test or a notebook that changes ``os.environ`` sees the effect
on the next load. The variables and their defaults are huggingface_hub's (``constants.py``):

- ``HF_ENDPOINT``: the Hub's origin, ``https://huggingface.co`` by default (a mirror such as
  ``https://hf-mirror.com``, or an ``olah`` server). Every Hub request goes there.
- ``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``): ``1``/``ON``/``YES``/``TRUE`` forbids Hub
  requests, as ``WEIGHTHUB_OFFLINE=1`` does.
- ``HF_TOKEN`` (or the older ``HUGGING_FACE_HUB_TOKEN``), else the file ``hf auth login`` writes:
  ``HF_TOKEN_PATH``, by default ``$HF_HOME/token``. ``HF_HUB_DISABLE_IMPLICIT_TOKEN=1`` sends none.
- ``HF_HOME`` (default ``$XDG_CACHE_HOME/huggingface``, ``~/.cache/huggingface``) and
  ``HF_HUB_CACHE`` (default ``HUGGINGFACE_HUB_CACHE``, else ``$HF_HOME/hub``): the shared cache.
- ``HF_HUB_ETAG_TIMEOUT`` (default 10 s): the timeout of the metadata request.
- ``HF_HUB_DISABLE_SYMLINKS``: snapshot files are copies instead of symlinks to their blobs.

The token is sent only to the endpoint's origin (:func:`hub_authorization`), which the HTTP
client asks for every request and every redirect; it is never logged or put into a message.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

__all__ = [
    "DEFAULT_ENDPOINT",
    "ENDPOINT_VARIABLE",
    "HUB_HOSTS",
    "hf_home",
    "hf_hub_cache",
    "hf_offline",
    "hub_authorization",
    "hub_endpoint",
    "hub_etag_timeout",
    "hub_token",
    "symlinks_disabled",
]

DEFAULT_ENDPOINT = "https://huggingface.co"
ENDPOINT_VARIABLE = "HF_ENDPOINT"
HUB_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
"""The hosts a Hub file URL may name, whatever ``HF_ENDPOINT`` says (as huggingface_hub's)."""

_TRUE = {"1", "ON", "YES", "TRUE"}  # huggingface_hub's ENV_VARS_TRUE_VALUES
_DEFAULT_ETAG_TIMEOUT = 10.0


def _flag(name: str) -> bool:
    """huggingface_hub's reading of a boolean variable: anything else than its true words is off."""
    return os.environ.get(name, "").strip().upper() in _TRUE


def _path(value: str) -> Path:
    return Path(os.path.expandvars(value)).expanduser()


def hub_endpoint() -> str:
    """Return ``HF_ENDPOINT`` without its trailing ``/`` (``https://huggingface.co`` when unset).

    Raises:
        ValueError: ``HF_ENDPOINT`` is not an ``http(s)://host`` URL (the message names it).
    """
    raw = os.environ.get(ENDPOINT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_ENDPOINT
    endpoint = raw.rstrip("/")
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        msg = (
            f"{ENDPOINT_VARIABLE}={raw!r} is not the URL of a Hub: expected 'https://host' (a "
            "mirror such as 'https://hf-mirror.com', or 'http://127.0.0.1:8090' for a local one). "
            f"Fix it, or unset {ENDPOINT_VARIABLE} to use {DEFAULT_ENDPOINT}."
        )
        raise ValueError(msg)
    return endpoint


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port


def hf_offline() -> bool:
    """Return whether ``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) asks for no Hub requests."""
    return _flag("HF_HUB_OFFLINE") or _flag("TRANSFORMERS_OFFLINE")


def hf_home() -> Path:
    """Return ``HF_HOME``: by default ``$XDG_CACHE_HOME/huggingface`` (``~/.cache/huggingface``)."""
    home = os.environ.get("HF_HOME")
    if home:
        return _path(home)
    xdg = os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    return _path(xdg) / "huggingface"


def hf_hub_cache() -> Path:
    """Return huggingface_hub's cache folder: ``HF_HUB_CACHE``, else ``$HF_HOME/hub``."""
    chosen = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    return _path(chosen) if chosen else hf_home() / "hub"


def hub_token() -> tuple[str, str] | None:
    """Return the Hub token and where it came from (for messages), or None when there is none.

    ``HF_TOKEN`` (or ``HUGGING_FACE_HUB_TOKEN``), else the first line of ``HF_TOKEN_PATH`` (default
    ``$HF_HOME/token``, written by ``hf auth login``); none at all under
    ``HF_HUB_DISABLE_IMPLICIT_TOKEN=1``.
    """
    if _flag("HF_HUB_DISABLE_IMPLICIT_TOKEN"):
        return None
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        token = _clean(os.environ.get(name))
        if token:
            return token, name
    path = os.environ.get("HF_TOKEN_PATH")
    token_file = _path(path) if path else hf_home() / "token"
    try:
        token = _clean(token_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return (token, f"the token file {token_file}") if token else None


def _clean(token: str | None) -> str | None:
    return (token or "").replace("\r", "").replace("\n", "").strip() or None


def hub_authorization(url: str) -> dict[str, str]:
    """Return ``{"Authorization": "Bearer <token>"}`` for a request to the Hub's origin, or ``{}``.

    The origin is the scheme, host and port of ``HF_ENDPOINT``: a redirect to the CDN, a mirror
    of ``WEIGHTHUB_MIRROR`` or any other host never receives the token. A malformed
    ``HF_ENDPOINT`` sends it nowhere (the Hub source reports the setting).
    """
    try:
        endpoint = hub_endpoint()
    except ValueError:
        return {}
    if _origin(url) != _origin(endpoint):
        return {}
    found = hub_token()
    return {"Authorization": f"Bearer {found[0]}"} if found else {}


def hub_etag_timeout() -> float:
    """Return ``HF_HUB_ETAG_TIMEOUT`` in seconds (default 10): the metadata request's timeout.

    Raises:
        ValueError: It is not a positive number.
    """
    raw = os.environ.get("HF_HUB_ETAG_TIMEOUT", "").strip()
    if not raw:
        return _DEFAULT_ETAG_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        msg = f"HF_HUB_ETAG_TIMEOUT={raw!r} is not a positive number of seconds."
        raise ValueError(msg)
    return value


def symlinks_disabled() -> bool:
    """Return whether ``HF_HUB_DISABLE_SYMLINKS=1`` asks for copies instead of symlinks."""
    return _flag("HF_HUB_DISABLE_SYMLINKS")
