"""weighthub-timm: timm's pretrained weights for weighthub, listed without timm or torch.

Every tag of ``timm.list_pretrained()`` is a member of its architecture's weights enum, made from
a manifest generated from timm (``python -m weighthub_timm.generate``)::

    import weighthub_timm

    weights = weighthub_timm.weights_of("resnet50.a1_in1k")   # resnet50_Weights.A1_IN1K
    weights_enum = weighthub_timm.weights_enum("resnet50")    # DEFAULT: timm's default tag
    weighthub_timm.manifest().timm_version                    # '1.0.31'

Names: the enum of ``arch`` is ``<arch>_Weights``; the member of a tag is the tag upper-cased,
with a leading underscore when it starts with a digit (:func:`member_name`, :func:`tag_of`).
"""

from __future__ import annotations

from ._manifest import Manifest, manifest
from ._names import enum_name, member_name, tag_of
from ._plugin import register_catalogue
from ._weights import weights_enum, weights_of

__all__ = [
    "Manifest",
    "enum_name",
    "manifest",
    "member_name",
    "register_catalogue",
    "tag_of",
    "weights_enum",
    "weights_of",
]
