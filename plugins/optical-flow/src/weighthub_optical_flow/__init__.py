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

from weighthub.building import lazy_exports

from ._plugin import MODELS

_LAZY = dict.fromkeys(MODELS, "_builders") | dict.fromkeys(MODELS.values(), "_weights")
__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
