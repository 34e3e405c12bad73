"""The names of the tensors to align, found once per model configuration and kept in the cache.

Finding them takes a forward pass on the meta device (:func:`weighthub.building.matvec_operands`),
which costs more than the rest of a fast build of a large model (0.3-0.4 s for vit_large, whose
build is otherwise 0.14 s). The names depend only on the architecture, its pretrained config and
keyword arguments, the timm and torch versions and the revision of weighthub's rule
(:data:`weighthub.building.MATVEC_RULE`), so they are kept next to the checkpoints
(``<cache>/.weighthub-timm/alignment/<timm>+<torch>+r<rule>/<digest>.json``) and read on later
builds.

Nothing here can make a model wrong: a missing, unreadable or foreign file is traced again, and a
name the model does not have is ignored by ``align_tensors``. Writes are atomic (a fresh
temporary file renamed over the entry) and a read-only cache is left alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["alignment_names"]

logger = logging.getLogger("weighthub.timm")

_FOLDER = (".weighthub-timm", "alignment")


def alignment_names(
    name: str, kwargs: Mapping[str, Any], trace: Callable[[], frozenset[str]]
) -> frozenset[str]:
    """The names ``trace()`` gives for timm's ``name`` built with ``kwargs``, traced once.

    Args:
        name: The timm name the model was built from (``"arch.tag"``).
        kwargs: What else shaped the model (``timm.create_model``'s keyword arguments, the
            pretrained config overlay ...); only JSON values make a configuration that can be
            kept, others (a module, a function) are traced every time.
        trace: Finds the names (the meta-device forward pass).
    """
    key = _key(name, kwargs)
    if key is None:
        return trace()
    path = _entry(key)
    found = _read(path, key)
    if found is not None:
        return found
    names = trace()
    _write(path, key, names)
    return names


def _key(name: str, kwargs: Mapping[str, Any]) -> str | None:
    try:
        return json.dumps([name, dict(kwargs)], sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        return None


def _entry(key: str) -> Path:
    import timm
    import torch

    # Here, not at the top: weighthub's fetch layer is no part of listing, which imports this.
    from weighthub import cache_dir
    from weighthub.building import MATVEC_RULE

    versions = f"{timm.__version__}+{torch.__version__}+r{MATVEC_RULE}".replace(os.sep, "_")
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return cache_dir().joinpath(*_FOLDER, versions, f"{digest}.json")


def _read(path: Path, key: str) -> frozenset[str] | None:
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = json.loads(stream.read(1 << 20))
    except (OSError, ValueError):
        return None
    finally:
        os.close(descriptor)
    names = data.get("names") if isinstance(data, dict) and data.get("key") == key else None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        logger.debug("%s is not an alignment entry for %s; tracing again", path, key)
        return None
    return frozenset(names)


def _write(path: Path, key: str, names: frozenset[str]) -> None:
    text = json.dumps({"key": key, "names": sorted(names)})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                stream.write(text)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:  # a read-only or full cache: the names are traced again next time
        logger.debug("alignment names not kept in %s: %s", path.parent, exc)
