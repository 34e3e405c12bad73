"""``torchvision.models._api``'s names, under the path torchvision code imports them from.

``from weighthub.models._api import Weights`` works as torchvision's does, and ``__all__`` lists
the same seven names (torchvision's tests skip them when they scan a namespace for builders).

:func:`load_state_dict_from_url` is where weighthub's weights downloads go, looked up in this
module at call time: torchvision's ``disable_weight_loading`` test fixture patches every
``load_state_dict_from_url`` in the modules under ``models.__path__``, so pointed at
``weighthub.models`` it stubs weighthub's downloads as it stubs torchvision's.
"""

from __future__ import annotations

from typing import Any

from .._api import get_model, get_model_builder, get_model_weights, get_weight, list_models
from .._weights import Weights, WeightsEnum

__all__ = [
    "Weights",
    "WeightsEnum",
    "get_model",
    "get_model_builder",
    "get_model_weights",
    "get_weight",
    "list_models",
]


def load_state_dict_from_url(url: str, *args: Any, **kwargs: Any) -> Any:
    """:func:`weighthub.load_state_dict_from_url`; every weights download of a builder calls it
    here (once ``weighthub.models`` is imported), so patching this attribute stubs them."""
    from .._fetch import load_state_dict_from_url as fetch_and_load

    return fetch_and_load(url, *args, **kwargs)
