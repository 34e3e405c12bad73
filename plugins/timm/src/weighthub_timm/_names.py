"""How timm's names become weighthub names: one enum per architecture, one member per tag.

* The enum of architecture ``resnet50`` is ``resnet50_Weights`` (a task's ``"{model}_Weights"``).
* The member of tag ``a1_in1k`` is ``A1_IN1K``: weighthub's rule for tags
  (:func:`weighthub.member_name`), the tag upper-cased. A tag that starts with a digit, which no
  Python name may, gets a leading underscore: ``flexivit_base.300ep_in1k`` is
  ``flexivit_base_Weights._300EP_IN1K``. timm's tags are lower-case, so the rule is reversible
  (:func:`weighthub.tag_of`), and ``weighthub.get_weight("timm/flexivit_base.300ep_in1k")`` takes
  timm's spelling as it is.
* ``DEFAULT`` is the tag ``timm.create_model(arch, pretrained=True)`` loads: the first in timm's
  order, which is not the alphabetical first for 186 architectures of timm 1.0.31.
"""

from __future__ import annotations

from weighthub import member_name, tag_of

__all__ = ["ENUM_SUFFIX", "arch_of", "enum_name", "member_name", "tag_of"]

ENUM_SUFFIX = "_Weights"


def enum_name(arch: str) -> str:
    """The weights enum of timm architecture ``arch``: ``"resnet50"`` -> ``"resnet50_Weights"``."""
    return arch + ENUM_SUFFIX


def arch_of(enum: str) -> str | None:
    """The architecture an enum name is of, or None for a name that is not ``<arch>_Weights``."""
    return enum.removesuffix(ENUM_SUFFIX) if enum.endswith(ENUM_SUFFIX) else None
