"""weighthub-timm: timm's pretrained weights for weighthub, listed without timm or torch.

Every tag of ``timm.list_pretrained()`` is a member of its architecture's weights enum, made from
a manifest generated from timm (``python -m weighthub_timm.generate``)::

    import weighthub_timm

    weights = weighthub_timm.weights_of("resnet50.a1_in1k")   # resnet50_Weights.A1_IN1K
    weights_enum = weighthub_timm.weights_enum("resnet50")    # DEFAULT: timm's default tag
    weighthub_timm.manifest().timm_version                    # '1.0.31'

Models: the registered builders (``weighthub.get_model(...)``) build them fast, as
``timm.create_model(arch, pretrained=True)`` would (``pip install 'weighthub-timm[timm]'``);
:func:`build_model` does it for any timm name and checkpoint file, :func:`empty_model` builds an
architecture without allocating its parameters.

Names: the enum of ``arch`` is ``<arch>_Weights``; the member of a tag is the tag upper-cased,
with a leading underscore when it starts with a digit (:func:`member_name`, :func:`tag_of`).
"""

from __future__ import annotations

from ._create import build_model, empty_model
from ._manifest import Manifest, manifest
from ._names import enum_name, member_name, tag_of
from ._plugin import register_catalogue
from ._weights import weights_enum, weights_of

__all__ = [
    "Manifest",
    "build_model",
    "empty_model",
    "enum_name",
    "manifest",
    "member_name",
    "register_catalogue",
    "tag_of",
    "weights_enum",
    "weights_of",
]
