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

from weighthub.building import lazy_exports

from ._plugin import MODELS

_LAZY = dict.fromkeys(MODELS, "_builders") | dict.fromkeys(MODELS.values(), "_weights")
__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
