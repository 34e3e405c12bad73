"""``torchvision.models._utils``'s helpers for builders, under the path torchvision code imports.

``from weighthub.models._utils import handle_legacy_interface`` works as torchvision's does.
"""

from __future__ import annotations

from .._legacy import (
    handle_legacy_interface,
    kwonly_to_pos_or_kw,
    overwrite_named_param,
    overwrite_value_param,
)

__all__ = [
    "handle_legacy_interface",
    "kwonly_to_pos_or_kw",
    "overwrite_named_param",
    "overwrite_value_param",
]

# torchvision's spellings, typo included.
_ovewrite_named_param = overwrite_named_param
_ovewrite_value_param = overwrite_value_param
