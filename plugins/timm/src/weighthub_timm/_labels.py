"""The class names of timm's label sets, for ``meta["categories"]``.

ImageNet-1k is ``weighthub.categories.IMAGENET1K`` (torchvision's names, the same classes in the
same order). The larger sets timm ships (``imagenet-12k``, ``imagenet-22k``,
``imagenet-21k-goog`` ...) are files of this package, one class description a line, written by
the generator from ``timm.data.ImageNetInfo``. Each set is read once per process and shared by
every weights entry that uses it, so callers must not mutate the lists.
"""

from __future__ import annotations

import functools
from importlib.resources import files

from weighthub import categories

__all__ = ["IMAGENET1K", "label_names"]

IMAGENET1K = "imagenet-1k"
_PACKAGE = __name__.rpartition(".")[0]


@functools.cache
def label_names(label_set: str) -> list[str]:
    """The class names of ``label_set``, e.g. ``"imagenet-12k"``.

    Raises:
        FileNotFoundError: The plugin ships no such label set.
    """
    if label_set == IMAGENET1K:
        return categories.IMAGENET1K
    path = files(_PACKAGE) / "_data" / "labels" / f"{label_set}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = (
            f"weighthub-timm has no label set {label_set!r} ({path}); reinstall the plugin, or "
            f"regenerate its data: python -m weighthub_timm.generate"
        )
        raise FileNotFoundError(msg) from None
    return text.splitlines()
