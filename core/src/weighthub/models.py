"""Every installed plugin's builders and weights enums as one namespace, resolved lazily.

Example::

    from weighthub import models as M

    model = M.resnet50(weights=M.ResNet50_Weights.DEFAULT)

Attribute access imports only the module that defines the requested object; ``dir(M)`` lists every
model and weights enum for tab completion.
"""

from __future__ import annotations

from typing import Any

from ._api import get_model, get_model_builder, get_model_weights, get_weight, list_models
from ._errors import close_matches_hint
from ._plugins import catalogue

__all__ = ["get_model", "get_model_builder", "get_model_weights", "get_weight", "list_models"]


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    found = catalogue()
    entry = found.models.get(name.lower()) if name == name.lower() else None
    if entry is not None and found.conflict("model", name.lower()) is None:
        return entry.load_builder()
    provider = found.enums.get(name)  # a model's own enum, or one attached to it
    if provider is not None and found.conflict("weights enum", name) is None:
        return provider.load_weights()
    known = [e.name for e in found.models.values()] + list(found.enums)
    msg = (
        f"weighthub.models has no model or weights enum {name!r}.{close_matches_hint(name, known)}"
        " Run `weighthub list` to see what the installed plugins provide."
    )
    raise AttributeError(msg, name=name)


def __dir__() -> list[str]:
    found = catalogue()
    return sorted({*globals(), *(e.name for e in found.models.values()), *found.enums})
