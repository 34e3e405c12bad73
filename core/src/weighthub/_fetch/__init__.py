"""Fetching, caching, verifying and loading checkpoints.

Nothing here imports torch at import time: ``import weighthub`` stays fast. Torch is imported by the
functions that need it (loading). The fetch layer knows no models: it deals in URLs, files and
state dicts (model construction is :mod:`weighthub._construct`).
"""

from __future__ import annotations

from ._config import (
    cache_dir,
    get_mirrors,
    offline_mode,
    rewrite_url,
    set_mirrors,
    set_offline,
)
from ._distributed import distributed_mode, set_distributed
from ._fetch import fetch
from ._layers import cache_layers
from ._load import load_checkpoint, load_state_dict_from_url
from ._lockfile import use_lock
from ._manage import CacheEntry, cached_files, clear_cache, remove_cached, verify_cache

__all__ = [
    "load_state_dict_from_url",
    "fetch",
    "load_checkpoint",
    "verify_cache",
    "cached_files",
    "remove_cached",
    "clear_cache",
    "CacheEntry",
    "cache_dir",
    "cache_layers",
    "set_distributed",
    "distributed_mode",
    "set_mirrors",
    "get_mirrors",
    "rewrite_url",
    "offline_mode",
    "set_offline",
    "use_lock",
]
