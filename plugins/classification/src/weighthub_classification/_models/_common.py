"""What every builder shares: the builder template, meta-driven settings and weight loading.

A family module describes each model by a *build function* ``build(weights, progress, kwargs)``
that receives verified weights (or None) and the caller's keyword arguments, and returns the model.
:func:`make_builder` turns it into the public builder, with torchvision's signature and legacy
``pretrained=`` handling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from torch import nn

from weighthub import (
    WeightsEnum,
    apply_model_kwargs,
    handle_legacy_interface,
    overwrite_named_param,
)

__all__ = ["BuildFn", "load", "make_builder", "set_fixed", "set_num_classes"]

M = TypeVar("M", bound=nn.Module)

BuildFn = Callable[[WeightsEnum | None, bool, dict[str, Any]], M]
"""``build(weights, progress, kwargs) -> model``: ``weights`` is already verified."""

_ARGS_DOC = """

Args:
    weights: The pretrained weights to load, a member of :class:`~{module}.{enum}`, its name
        (``"DEFAULT"``, ``"{first}"``) or None for random initialisation.
    progress: Show a progress bar while downloading the weights.
    **kwargs: Passed on to the model class (:class:`{model_cls}`), e.g. ``num_classes`` when
        no weights are given.
"""


def make_builder(
    name: str,
    weights_enum: type[WeightsEnum],
    build: BuildFn[M],
    *,
    model_cls: type[M],
    summary: str,
    module: str,
) -> Callable[..., M]:
    """Create the builder ``name(*, weights=None, progress=True, **kwargs)``.

    The builder verifies ``weights`` against ``weights_enum`` (which also accepts the members of
    enums attached to the model by weights plugins), applies their ``model_kwargs`` and calls
    ``build``. As in
    torchvision, it accepts the legacy ``pretrained=`` argument (True meaning the
    ``IMAGENET1K_V1`` member, or "no weights available" when the enum has none) and positional
    arguments, with torchvision's deprecation warnings.

    Args:
        name: The builder's name, e.g. ``"resnet50"``.
        weights_enum: Its weights enum; also the ``weights`` annotation, which
            :func:`weighthub.get_model_weights` reads.
        build: The family's build function for this model.
        model_cls: The class of the model built, for the return annotation and docstring.
        summary: The first line(s) of the docstring.
        module: The module that defines the builder (``__name__`` of the caller).

    Returns:
        The builder function.
    """

    def builder(*, weights: Any = None, progress: bool = True, **kwargs: Any) -> M:
        verified = weights_enum.verify(weights)
        apply_model_kwargs(verified, kwargs)
        return build(verified, progress, kwargs)

    builder.__name__ = builder.__qualname__ = name
    builder.__module__ = module
    builder.__annotations__ = {
        "weights": weights_enum | None,
        "progress": bool,
        "kwargs": Any,
        "return": model_cls,
    }
    first = next(iter(weights_enum)).name
    builder.__doc__ = summary + _ARGS_DOC.format(
        module=weights_enum.__module__.split("._")[0],
        enum=weights_enum.__name__,
        first=first,
        model_cls=f"{model_cls.__module__}.{model_cls.__qualname__}",
    )
    legacy_default = weights_enum.__members__.get("IMAGENET1K_V1")
    return handle_legacy_interface(weights=("pretrained", legacy_default))(builder)


def set_fixed(kwargs: dict[str, Any], **fixed: Any) -> None:
    """Set architecture parameters the model name implies (``groups=32`` for ResNeXt-50 32x4d).

    Raises:
        ValueError: The caller passed a different value (torchvision's message).
    """
    for param, value in fixed.items():
        overwrite_named_param(kwargs, param, value)


def set_num_classes(weights: WeightsEnum | None, kwargs: dict[str, Any]) -> None:
    """Set ``num_classes`` from the weights' categories, as torchvision's builders do.

    Raises:
        ValueError: ``num_classes`` was given and differs from the weights' number of classes.
    """
    if weights is not None and weights.meta["categories"] is not None:
        overwrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))


def load(factory: Callable[[], M], weights: WeightsEnum | None, progress: bool) -> M:
    """Build the model with ``factory`` and load ``weights`` into it, through weighthub's loader.

    With weights=None this is just ``factory()``.
    """
    if weights is None:
        return factory()
    from weighthub import construct_model

    model: M = construct_model(factory, weights, progress=progress)
    return model
