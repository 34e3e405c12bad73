"""``torchvision.models._utils``'s helpers for builders, under the path torchvision code imports.

``from weighthub.models._utils import handle_legacy_interface`` works as torchvision's does. The
legacy-interface helpers are weighthub's; any other name (``IntermediateLayerGetter``,
``_make_divisible`` ...) is torchvision's own, imported on first use.
"""

from __future__ import annotations

from typing import Any

from .._legacy import (
    handle_legacy_interface,
    kwonly_to_pos_or_kw,
    overwrite_named_param,
    overwrite_value_param,
    sequence_to_str,
)

__all__ = [
    "handle_legacy_interface",
    "kwonly_to_pos_or_kw",
    "overwrite_named_param",
    "overwrite_value_param",
    "sequence_to_str",
]

# torchvision's spellings, typo included.
_ovewrite_named_param = overwrite_named_param
_ovewrite_value_param = overwrite_value_param


def __getattr__(name: str) -> Any:
    from ._submodules import torchvision_attribute

    return torchvision_attribute(__name__, "_utils", name)
