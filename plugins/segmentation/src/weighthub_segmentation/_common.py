"""The segmentation builder template (:func:`segmentation_builder`) and its ``aux_loss`` rule.

Backbone weights are references into the classification plugin, resolved and loaded by
:mod:`weighthub.building` only when used (see :func:`weighthub.building.resolve_backbone`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from torch import nn

from weighthub import WeightsEnum, WeightsRef
from weighthub.building import (
    BackboneWeights,
    load,
    load_backbone,
    make_builder,
    overwrite_value_param,
    resolve_backbone,
    resolve_num_classes,
)

__all__ = [
    "configure",
    "segmentation_builder",
]

M = TypeVar("M", bound=nn.Module)


def configure(
    weights: WeightsEnum | None,
    num_classes: int | None,
    aux_loss: bool | None,
    weights_backbone: BackboneWeights,
    *,
    backbone_enum: str,
) -> tuple[int, bool | None, WeightsEnum | None]:
    """Apply torchvision's rules for ``weights``, ``num_classes``, ``aux_loss`` and the backbone.

    With ``weights``, the backbone weights are ignored (and not even looked up), ``num_classes``
    must match the weights' categories and ``aux_loss`` must be True or None (the checkpoints hold
    the auxiliary classifier, unless the weights' ``model_kwargs`` say ``aux_loss=False``).
    Without, ``num_classes`` defaults to 21.

    Returns:
        ``(num_classes, aux_loss, backbone weights)``.

    Raises:
        ValueError: ``num_classes`` or ``aux_loss`` conflicts with the weights.
    """
    classes = resolve_num_classes(weights, num_classes, default=21)
    if weights is None:
        return classes, aux_loss, resolve_backbone(weights, weights_backbone, backbone_enum)
    expected_aux = bool(getattr(weights, "model_kwargs", {}).get("aux_loss", True))
    return classes, overwrite_value_param("aux_loss", aux_loss, expected_aux), None


_ARGS_DOC = """

Args:
    weights: The weights to load (a member, its name or ``"DEFAULT"``), or None.
    progress: Show a download progress bar.
    num_classes: Output classes, background included (21 without weights).{aux_doc}
    weights_backbone: ImageNet weights of the {backbone} backbone,
        used when ``weights`` is None: a member or ``"{enum}.X"``/``"X"``/``"DEFAULT"``,
        looked up through weighthub (needs the classification plugin). None for a random
        backbone.
    **kwargs: Ignored, as by torchvision{kwargs_doc}
"""
_AUX_DOC = "\n    aux_loss: Add the auxiliary classifier (forced on by ``weights``)."
_NO_AUX_DOC = """; a true ``aux_loss`` raises.

Raises:
    NotImplementedError: ``aux_loss=True``: the model has no auxiliary classifier."""


def segmentation_builder(
    name: str,
    weights_enum: type[WeightsEnum],
    head: Callable[[nn.Module, int, bool | None], M],
    *,
    backbone: Callable[..., nn.Module],
    backbone_default: WeightsRef,
    backbone_options: dict[str, Any],
    backbone_doc: str,
    model_cls: type[M],
    summary: str,
    module: str,
    has_aux: bool = True,
) -> Callable[..., M]:
    """Create a torchvision segmentation builder: a head on a dilated classification backbone.

    The builder takes ``num_classes``, ``aux_loss`` (unless ``has_aux=False``: then a true
    ``aux_loss`` raises ``NotImplementedError``, as in torchvision) and ``weights_backbone``, a
    :class:`~weighthub.WeightsRef` by default, so the classification plugin is needed only when
    the backbone weights are used.

    Args:
        name: The builder's name.
        weights_enum: Its weights enum.
        head: ``head(backbone, num_classes, aux_loss)`` builds the model on the backbone.
        backbone: torchvision's builder of the backbone (``torchvision.models.resnet50``).
        backbone_default: The ``weights_backbone`` default, also what ``pretrained_backbone=True``
            means.
        backbone_options: The backbone's architecture options (``dilated=True``).
        backbone_doc: The backbone's name in the docstring (``"ResNet-50"``).
        model_cls: The model class.
        summary: The docstring's first line.
        module: The module that defines the builder.
        has_aux: Whether the model takes ``aux_loss``.
    """
    backbone_enum = backbone_default.reference.partition(".")[0]

    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> M:
        classes, aux, backbone_weights = configure(
            weights,
            kwargs.pop("num_classes"),
            kwargs.pop("aux_loss") if has_aux else None,
            kwargs.pop("weights_backbone"),
            backbone_enum=backbone_enum,
        )

        def factory() -> M:
            features = load_backbone(
                backbone, backbone_weights, progress=progress, **backbone_options
            )
            return head(features, classes, aux)

        return load(factory, weights, progress)

    def verify(weights: Any, kwargs: dict[str, Any]) -> WeightsEnum | None:
        if not has_aux and kwargs.pop("aux_loss", False):
            msg = "This model does not use auxiliary loss"
            raise NotImplementedError(msg)
        return weights_enum.verify(weights)

    options: dict[str, Any] = {"num_classes": None}
    types: dict[str, Any] = {"num_classes": int | None, "weights_backbone": BackboneWeights}
    if has_aux:
        options["aux_loss"] = None
        types["aux_loss"] = bool | None
    options["weights_backbone"] = backbone_default
    args_doc = _ARGS_DOC.format(
        aux_doc=_AUX_DOC if has_aux else "",
        backbone=backbone_doc,
        enum=backbone_enum,
        kwargs_doc="." if has_aux else _NO_AUX_DOC,
    )
    return make_builder(
        name,
        weights_enum,
        build,
        model_cls=model_cls,
        summary=summary,
        module=module,
        args_doc=args_doc,
        options=options,
        option_types=types,
        verify=verify,
        legacy_default=next(iter(weights_enum)),
        legacy_options={"weights_backbone": ("pretrained_backbone", backbone_default)},
    )
