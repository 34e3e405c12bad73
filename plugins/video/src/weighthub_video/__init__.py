"""weighthub-video: torchvision's video classification models for weighthub.

Registers ``r3d_18``, ``mc3_18``, ``r2plus1d_18``, ``s3d``, ``mvit_v1_b``, ``mvit_v2_s``,
``swin3d_t``, ``swin3d_s`` and ``swin3d_b`` with their Kinetics-400 weights::

    import weighthub

    weights = weighthub.get_weight("R3D_18_Weights.DEFAULT")
    model = weighthub.get_model("r3d_18", weights=weights).eval()
    batch = weights.transforms()(frames)  # (T, C, H, W) uint8 frames -> (1, C, T, h, w)

Importing this package imports no torch: the builders (``weighthub_video.r3d_18`` ...) and
enums (``weighthub_video.R3D_18_Weights`` ...) load on first attribute access.
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
