"""What the quantized builders share: their template, weights verification and build order.

Every builder is made by :func:`quantized_builder` on :func:`weighthub.building.make_builder`,
with torchvision's ``(*, weights=None, progress=True, quantize=False, **kwargs)`` signature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from torch import nn
from torchvision.models.quantization.utils import _replace_relu, quantize_model

import weighthub
from weighthub import WeightsEnum
from weighthub.building import BuildFn, make_builder, overwrite_named_param, set_num_classes

__all__ = [
    "build",
    "float_weights_enum",
    "legacy_default",
    "meta_config",
    "quantizable",
    "quantized_builder",
    "verify_weights",
]

M = TypeVar("M", bound=nn.Module)


def float_weights_enum(enum_name: str) -> type[WeightsEnum]:
    """Return the float weights enum ``enum_name`` of whichever plugin provides it.

    Raises:
        weighthub.UnknownWeightsError: No installed plugin provides it; the message gives the
            ``pip install`` line of ``weighthub-classification``.
    """
    return type(weighthub.get_weight(f"{enum_name}.DEFAULT"))


def verify_weights(
    weights: Any, quantize: bool, quantized_enum: type[WeightsEnum], float_enum_name: str
) -> WeightsEnum | None:
    """torchvision's ``(Q if quantize else F).verify(weights)``, with ``F`` looked up by name.

    Args:
        weights: What the caller passed as ``weights``.
        quantize: Whether a quantized model is wanted.
        quantized_enum: ``Q``, this plugin's enum.
        float_enum_name: The name of ``F``, e.g. ``"ResNet50_Weights"``.

    Returns:
        The member, or None.

    Raises:
        TypeError: ``weights`` belongs to the other enum, as in torchvision.
        weighthub.UnknownWeightsError: Float weights were asked for and no plugin provides them.
    """
    if quantize:
        return quantized_enum.verify(weights)
    if weights is None:
        return None
    if isinstance(weights, quantized_enum):
        # Same error as torchvision, without needing the float enum's plugin.
        msg = (
            f"Invalid Weight class provided; expected {float_enum_name} but received "
            f"{type(weights).__name__}."
        )
        raise TypeError(msg)
    return float_weights_enum(float_enum_name).verify(weights)


def legacy_default(
    quantized: WeightsEnum, float_name: str
) -> Callable[[dict[str, Any]], WeightsEnum]:
    """The weights ``pretrained=True`` stands for: quantized V1, or the float ``IMAGENET1K_V1``."""

    def default(kwargs: dict[str, Any]) -> WeightsEnum:
        if kwargs.get("quantize", False):
            return quantized
        return weighthub.get_weight(f"{float_name}.IMAGENET1K_V1")

    return default


def meta_config(weights: WeightsEnum | None, kwargs: dict[str, Any], default_backend: str) -> str:
    """Apply ``num_classes`` and ``backend`` from the weights; return the backend."""
    set_num_classes(weights, kwargs)
    if weights is not None and "backend" in weights.meta:
        overwrite_named_param(kwargs, "backend", weights.meta["backend"])
    backend: str = kwargs.pop("backend", default_backend)
    return backend


def build(
    make: Callable[[], M],
    weights: WeightsEnum | None,
    progress: bool,
    quantize: bool,
    backend: str,
    before_load: Callable[[M], None] | None = None,
) -> M:
    """torchvision's order: build, ``_replace_relu``, quantize if asked, then load the weights."""

    def factory() -> M:
        model = make()
        _replace_relu(model)
        if quantize:
            quantize_model(model, backend)
        if before_load is not None:
            before_load(model)
        return model

    return weighthub.construct_model(factory, weights, progress=progress, fast=False)


_ARGS_DOC = """

Args:
    weights: ``{quantized}`` when ``quantize=True``, else the float
        ``{float}`` (from ``weighthub-classification``); None for random weights.
    progress: Show a download progress bar.
    quantize: Return the quantized model (CPU inference only).
    **kwargs: Passed to ``torchvision.models.quantization.{model_cls}``;
        ``backend`` picks the quantization engine (default ``"{backend}"``, as in torchvision).
"""


def quantized_builder(
    name: str,
    quantized_enum: type[WeightsEnum],
    float_enum_name: str,
    build: BuildFn[M],
    *,
    model_cls: type[M],
    summary: str,
    module: str,
    default_backend: str = "fbgemm",
) -> Callable[..., M]:
    """Create the builder ``name(*, weights=None, progress=True, quantize=False, **kwargs)``.

    ``build`` finds ``quantize`` in ``kwargs``; ``weights`` are checked by :func:`verify_weights`
    and ``pretrained=True`` means the quantized V1 member or the float ``IMAGENET1K_V1`` one.

    Args:
        name: The builder's name, e.g. ``"resnet50"``.
        quantized_enum: This plugin's weights enum for the model.
        float_enum_name: The name of the float weights enum, e.g. ``"ResNet50_Weights"``.
        build: The build function (see :func:`quantizable`).
        model_cls: The quantizable model class.
        summary: The docstring's first line.
        module: The module that defines the builder.
        default_backend: The quantization engine when neither ``backend`` nor the weights name one.
    """

    def verify(weights: Any, kwargs: dict[str, Any]) -> WeightsEnum | None:
        return verify_weights(weights, kwargs["quantize"], quantized_enum, float_enum_name)

    args_doc = _ARGS_DOC.format(
        quantized=quantized_enum.__name__,
        float=float_enum_name,
        model_cls=model_cls.__name__,
        backend=default_backend,
    )
    return make_builder(
        name,
        quantized_enum,
        build,
        model_cls=model_cls,
        summary=summary,
        module=module,
        args_doc=args_doc,
        options={"quantize": False},
        verify=verify,
        legacy_default=legacy_default(next(iter(quantized_enum)), float_enum_name),
        weights_annotation=quantized_enum | WeightsEnum | None,
    )


def quantizable(make: Callable[..., M], default_backend: str = "fbgemm") -> BuildFn[M]:
    """The build function for ``make(**kwargs)`` in torchvision's quantized build order.

    Args:
        make: The model class (or a partial of it) given the caller's architecture options.
        default_backend: The quantization engine when neither ``backend`` nor the weights name one.
    """

    def build_fn(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> M:
        quantize: bool = kwargs.pop("quantize")
        backend = meta_config(weights, kwargs, default_backend)
        return build(lambda: make(**kwargs), weights, progress, quantize, backend)

    return build_fn
