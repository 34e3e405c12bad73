"""Where the cache lives, URL mirrors, offline mode and the numeric settings of the fetch layer.

Every setting is read when it is needed (never cached at import), so a test or a notebook can change
``os.environ`` and see the effect on the next call. Torch is never imported here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from .._settings import env_flag
from ._hub_env import hf_offline
from ._layout import checkpoints_of

__all__ = [
    "cache_dir",
    "connections",
    "env_number",
    "get_mirrors",
    "hash_checks_enabled",
    "offline_mode",
    "parallel_below",
    "parallel_min",
    "parse_mirrors",
    "rewrite_url",
    "set_mirrors",
    "set_offline",
    "verify_always",
]

_PARALLEL_MIN = 8 << 20
# None means "not set from Python": the environment variable decides.
_mirrors: dict[str, str] | None = None
_offline: bool | None = None


def cache_dir(model_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder that holds downloaded checkpoints.

    Resolution order: ``model_dir`` when given; ``$WEIGHTHUB_HOME/checkpoints``; otherwise
    torch.hub's folder ``<hub dir>/checkpoints``, so that checkpoints torchvision downloaded are
    reused (and vice versa). The hub dir follows ``torch.hub.get_dir()`` without importing torch:
    ``$TORCH_HOME/hub``, else ``$XDG_CACHE_HOME/torch/hub``, else ``~/.cache/torch/hub``. When torch
    is already imported, ``torch.hub.get_dir()`` itself is asked, so ``torch.hub.set_dir()`` is
    honoured.

    Args:
        model_dir: An explicit folder, which wins over everything else.

    Returns:
        The folder (not created).
    """
    if model_dir is not None:
        return Path(model_dir).expanduser()
    home = os.environ.get("WEIGHTHUB_HOME")
    if home:
        return checkpoints_of(Path(home).expanduser())
    torch = sys.modules.get("torch")
    hub = getattr(torch, "hub", None) if torch is not None else None
    if hub is not None:
        return checkpoints_of(Path(hub.get_dir()).expanduser())
    torch_home = os.environ.get("TORCH_HOME")
    if torch_home:
        base = Path(torch_home).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg).expanduser() if xdg else Path("~/.cache").expanduser()) / "torch"
    return checkpoints_of(base / "hub")


def parse_mirrors(spec: str) -> dict[str, str]:
    """Parse ``"<prefix>=<replacement>;<prefix>=<replacement>"`` (the ``WEIGHTHUB_MIRROR`` format).

    Raises:
        ValueError: A pair has no ``=`` or an empty prefix.
    """
    mapping: dict[str, str] = {}
    for raw in spec.split(";"):
        pair = raw.strip()
        if not pair:
            continue
        prefix, sep, replacement = pair.partition("=")
        if not sep or not prefix.strip():
            msg = (
                f"Invalid mirror {pair!r}: expected '<url prefix>=<mirror prefix>', e.g. "
                "'https://download.pytorch.org/models/=http://mirror.internal/models/'; separate "
                "several pairs with ';'."
            )
            raise ValueError(msg)
        mapping[prefix.strip()] = replacement.strip()
    return mapping


def set_mirrors(mapping: Mapping[str, str] | str | None) -> None:
    """Set the URL prefix rewrites from Python; this wins over ``WEIGHTHUB_MIRROR``.

    Args:
        mapping: ``{url prefix: mirror prefix}``, a string in the ``WEIGHTHUB_MIRROR`` format, or
            None to go back to the environment variable.
    """
    global _mirrors
    if mapping is None:
        _mirrors = None
    elif isinstance(mapping, str):
        _mirrors = parse_mirrors(mapping)
    else:
        _mirrors = {str(k): str(v) for k, v in mapping.items()}


def get_mirrors() -> dict[str, str]:
    """Return the active URL prefix rewrites (the Python setting, else ``WEIGHTHUB_MIRROR``)."""
    if _mirrors is not None:
        return dict(_mirrors)
    return parse_mirrors(os.environ.get("WEIGHTHUB_MIRROR", ""))


def rewrite_url(url: str) -> str:
    """Apply the mirror whose prefix is the longest one matching ``url``; unchanged if none does."""
    best = ""
    for prefix in get_mirrors():
        if url.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    if not best:
        return url
    return get_mirrors()[best] + url[len(best) :]


def set_offline(value: bool | None) -> None:
    """Turn offline mode on or off from Python; None goes back to ``WEIGHTHUB_OFFLINE``."""
    global _offline
    _offline = value


def offline_mode(*, hub: bool = False) -> bool:
    """Return whether the network must not be used (``set_offline`` or ``WEIGHTHUB_OFFLINE=1``).

    Args:
        hub: For a Hugging Face Hub file: huggingface_hub's ``HF_HUB_OFFLINE=1`` counts too.
    """
    if _offline is not None:
        return _offline
    return env_flag("WEIGHTHUB_OFFLINE") or (hub and hf_offline())


def hash_checks_enabled() -> bool:
    """Return whether sha256 checks are on: ``WEIGHTHUB_CHECK_HASH=0`` turns them off everywhere.

    Off, every checkpoint is treated as if ``check_hash=False`` were passed (torch.hub's default):
    declared sizes are still checked, and an unverified download warns with its sha256.
    """
    if not os.environ.get("WEIGHTHUB_CHECK_HASH", "").strip():
        return True
    return env_flag("WEIGHTHUB_CHECK_HASH")


def env_number(name: str, default: float) -> float:
    """Return the non-negative number in environment variable ``name``, or ``default`` if unset.

    Raises:
        ValueError: The variable is not a non-negative number.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        msg = f"{name}={raw!r} is not a non-negative number."
        raise ValueError(msg)
    return value


_VERIFY_MODES = ("record", "always")


def verify_always() -> bool:
    """Return whether ``WEIGHTHUB_VERIFY=always`` asks to re-hash every cached file on every load.

    Raises:
        ValueError: The variable is neither ``record`` (the default) nor ``always``.
    """
    raw = os.environ.get("WEIGHTHUB_VERIFY", "").strip().lower()
    if raw in ("", "record"):
        return False
    if raw == "always":
        return True
    msg = (
        f"WEIGHTHUB_VERIFY={raw!r} is not a verification mode: use 'record' (the default: one stat "
        "against the file's record) or 'always' (re-hash the file on every load)."
    )
    raise ValueError(msg)


def connections() -> int:
    """Return ``WEIGHTHUB_CONNECTIONS`` (default 8).

    Raises:
        ValueError: It is not a whole number of at least 1.
    """
    raw = os.environ.get("WEIGHTHUB_CONNECTIONS", "").strip()
    if not raw:
        return 8
    if not raw.isdigit() or int(raw) < 1:
        msg = f"WEIGHTHUB_CONNECTIONS={raw!r} is not a whole number of at least 1 (1 disables)."
        raise ValueError(msg)
    return int(raw)


def parallel_min() -> int:
    """Return ``WEIGHTHUB_PARALLEL_MIN``: the smallest file that may use several connections.

    8 MiB by default.

    Such a file starts as one stream all the same; it hands over only when that stream runs slow
    and the rest would take more than a second (:mod:`._download`), so a fast link loses nothing.
    """
    return int(env_number("WEIGHTHUB_PARALLEL_MIN", float(_PARALLEL_MIN)))


def parallel_below() -> float:
    """Return ``WEIGHTHUB_PARALLEL_BELOW`` in bytes per second (default 200 MB/s).

    A single stream slower than this switches to several connections; ``inf`` starts them at once
    and ``0`` never switches.

    Raises:
        ValueError: It is not a non-negative number.
    """
    return env_number("WEIGHTHUB_PARALLEL_BELOW", 200.0) * 1e6
