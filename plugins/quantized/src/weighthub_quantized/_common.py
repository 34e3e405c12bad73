"""Helpers shared by the quantized builders: weights verification and torchvision's build order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from torch import nn
from torchvision.models.quantization.utils import _replace_relu, quantize_model

import weighthub
from weighthub import WeightsEnum, overwrite_named_param

__all__ = ["build", "float_weights_enum", "legacy_default", "meta_config", "verify_weights"]

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
    """Apply ``num_classes``, ``backend`` and ``model_kwargs`` from the weights; return backend."""
    if weights is not None:
        overwrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
        weighthub.apply_model_kwargs(weights, kwargs)
        if "backend" in weights.meta:
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
