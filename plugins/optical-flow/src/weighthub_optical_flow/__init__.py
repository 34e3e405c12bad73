"""weighthub-optical-flow: torchvision's RAFT optical flow models for weighthub.

Registers ``raft_large`` and ``raft_small`` with their ``Raft_Large_Weights`` (6 entries) and
``Raft_Small_Weights`` (2 entries)::

    import weighthub

    weights = weighthub.get_weight("Raft_Large_Weights.DEFAULT")
    model = weighthub.get_model("raft_large", weights=weights).eval()
    img1, img2 = weights.transforms()(img1, img2)
    flows = model(img1, img2)  # a list of (N, 2, H, W) flow predictions, the last is best

Importing this package imports no torch: the builders (``weighthub_optical_flow.raft_large``
...) and enums (``weighthub_optical_flow.Raft_Large_Weights`` ...) load on first attribute access.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._plugin import MODELS

_ENUMS: frozenset[str] = frozenset(MODELS.values())

__all__ = sorted([*MODELS, *_ENUMS])


def __getattr__(name: str) -> Any:
    if name in MODELS:
        module = importlib.import_module(f"{__name__}._builders")
    elif name in _ENUMS:
        module = importlib.import_module(f"{__name__}._weights")
    else:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(module, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
