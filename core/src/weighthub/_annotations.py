"""A builder's weights enum read from its ``weights`` annotation, as torchvision finds it.

For :func:`weighthub.get_model_weights` given a builder nobody registered.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from typing import Any

from ._errors import describe_value
from ._weights import WeightsEnum

__all__ = ["enum_from_annotation"]


def _describe_function(fn: Callable[..., Any]) -> str:
    module = getattr(fn, "__module__", None)
    name = getattr(fn, "__qualname__", None) or describe_value(fn)
    return f"{module}.{name}" if module else str(name)


def _evaluate_annotation(fn: Callable[..., Any], annotation: str) -> Any:
    """Evaluate the string annotation of ``weights`` alone, in ``fn``'s module.

    ``typing.get_type_hints(fn)`` would evaluate every annotation of ``fn``, and fail on one that
    has nothing to do with ``weights``.
    """
    namespace = getattr(inspect.unwrap(fn), "__globals__", None) or {}
    holder = types.SimpleNamespace(__annotations__={"weights": annotation})
    return typing.get_type_hints(holder, globalns=namespace)["weights"]


def enum_from_annotation(fn: Callable[..., Any]) -> type[WeightsEnum]:
    """Return the :class:`~weighthub.WeightsEnum` the ``weights`` parameter of ``fn`` names.

    Raises:
        ValueError: ``fn`` has no ``weights`` parameter, or its annotation names no enum (the
            messages are torchvision's, with what was found instead).
    """
    shown = _describe_function(fn)
    try:
        parameter = inspect.signature(fn).parameters.get("weights")
    except (TypeError, ValueError) as exc:
        msg = f"Cannot read the signature of {shown} to find its weights enum: {exc}."
        raise ValueError(msg) from None
    if parameter is None:
        msg = (
            f"The method is missing the 'weights' argument: {shown} is not a registered model "
            "builder and has no 'weights' parameter."
        )
        raise ValueError(msg)
    annotation = parameter.annotation
    if isinstance(annotation, str):
        try:
            annotation = _evaluate_annotation(fn, annotation)
        except Exception as exc:  # evaluating an annotation runs arbitrary code
            msg = (
                f"The WeightsEnum class for the specific method couldn't be retrieved: the "
                f"'weights' annotation {annotation!r} of {shown} cannot be resolved "
                f"({type(exc).__name__}: {exc}). Import the enum in the builder's module, or "
                "register the builder with its weights (weighthub.register_model)."
            )
            raise ValueError(msg) from None
    candidates = [annotation, *typing.get_args(annotation)]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, WeightsEnum):
            return candidate
    msg = (
        "The WeightsEnum class for the specific method couldn't be retrieved. Make sure the "
        f"typing info is correct: the 'weights' annotation of {shown} is {annotation!r}, not a "
        "WeightsEnum subclass."
    )
    raise ValueError(msg)
