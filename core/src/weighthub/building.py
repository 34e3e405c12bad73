"""What model builders share: the builder template, the rules weights impose, loading.

This is the one home of the helpers plugin authors build models with. A plugin describes each model
by a *build function* ``build(weights, progress, kwargs)`` that receives verified weights (or None)
and the caller's keyword arguments, and returns the model; :func:`make_builder` turns it into the
public builder, with torchvision's keyword-only signature, its legacy ``pretrained=`` handling and a
docstring. The helpers apply torchvision's rules inside a build function: :func:`set_num_classes`
(``num_classes`` from the weights' categories), :func:`resolve_num_classes` (the same for builders
that take ``num_classes`` as a parameter), :func:`set_fixed` (what a model name implies),
:func:`resolve_backbone` and :func:`load_backbone` (backbone weights given by reference, loaded
through the verified path; torchvision's default backbones are :data:`RESNET50_V1` and its
siblings), :func:`drop_auxiliary_heads` (GoogLeNet's and Inception v3's auxiliary classifiers),
:func:`apply_model_kwargs` (the architecture arguments weights declare) and :func:`load`
(:func:`checkpoint_file` when another library's loader must read the file itself).
torchvision's own helpers are here too, for builders written by hand:
:func:`handle_legacy_interface`, :func:`kwonly_to_pos_or_kw`, :func:`overwrite_named_param` and
:func:`overwrite_value_param` (code ported from torchvision finds them under its own path,
``weighthub.models._utils``). :func:`lazy_exports` gives a plugin's package ``__init__`` its lazy
``__getattr__`` and ``__dir__``. :func:`matvec_operands` and :func:`align_tensors` keep a model
whose weights were assigned from a memory-mapped file bit-identical to one whose weights were
copied (the alignment matrix-vector kernels need). :func:`close_matches_hint` words the "Did you
mean ...?" of a builder's own errors.

Importing this module imports no torch. Use it from builder modules
(``from weighthub.building import make_builder``), where using it means building a model, and
:func:`lazy_exports` from the package ``__init__``, which ``weighthub.list_models()`` imports.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from ._alignment import ALIGNMENT, MATVEC_RULE, align_tensors, is_aligned, matvec_operands
from ._construct import construct_model
from ._errors import UnsupportedModelKwargsError, close_matches_hint
from ._legacy import (
    LegacyDefault,
    handle_legacy_interface,
    kwonly_to_pos_or_kw,
    overwrite_named_param,
    overwrite_value_param,
    warn,
)
from ._loads import loads_skipped, notify_load
from ._weights import WeightsEnum, WeightsRef, resolve_weights

if TYPE_CHECKING:
    from pathlib import Path

    from torch import nn

__all__ = [
    "ALIGNMENT",
    "MATVEC_RULE",
    "TORCHVISION_SHAPED",
    "BackboneWeights",
    "BuildFn",
    "LegacyDefault",
    "VerifyFn",
    "align_tensors",
    "apply_model_kwargs",
    "checkpoint_file",
    "close_matches_hint",
    "drop_auxiliary_heads",
    "is_aligned",
    "lazy_exports",
    "load",
    "load_backbone",
    "make_builder",
    "matvec_operands",
    "refused_model_kwarg",
    "resolve_backbone",
    "resolve_num_classes",
    "set_fixed",
    "set_num_classes",
    "square_min_size",
    "torchvision_shaped_module",
    # torchvision's helpers, as weighthub.models._utils has them
    "handle_legacy_interface",
    "kwonly_to_pos_or_kw",
    "overwrite_named_param",
    "overwrite_value_param",
    # torchvision's default backbone weights, by reference
    "MOBILENET_V3_LARGE_V1",
    "RESNET50_V1",
    "RESNET101_V1",
    "VGG16_FEATURES",
]

M = TypeVar("M", bound="nn.Module")

BuildFn: TypeAlias = Callable[[WeightsEnum | None, bool, dict[str, Any]], M]
"""``build(weights, progress, kwargs) -> model``: ``weights`` is already verified."""

VerifyFn: TypeAlias = Callable[[Any, dict[str, Any]], WeightsEnum | None]
"""``verify(weights, kwargs) -> member or None``: a builder's own weights check."""

BackboneWeights: TypeAlias = WeightsEnum | WeightsRef | str | None
"""What ``weights_backbone`` accepts: a member, a reference, a name, or None."""

RESNET50_V1 = WeightsRef("ResNet50_Weights.IMAGENET1K_V1")
"""torchvision's default ``weights_backbone`` of the ResNet-50 detection, segmentation models."""

RESNET101_V1 = WeightsRef("ResNet101_Weights.IMAGENET1K_V1")
"""torchvision's default ``weights_backbone`` for the ResNet-101 segmentation models."""

MOBILENET_V3_LARGE_V1 = WeightsRef("MobileNet_V3_Large_Weights.IMAGENET1K_V1")
"""torchvision's default ``weights_backbone`` for the MobileNetV3-Large models."""

VGG16_FEATURES = WeightsRef("VGG16_Weights.IMAGENET1K_FEATURES")
"""torchvision's default ``weights_backbone`` for SSD300 (VGG-16 without its classifier)."""

_ARGS_DOC = """

Args:
    weights: The pretrained weights to load, a member of :class:`~{module}.{enum}`, its name
        (``"DEFAULT"``, ``"{first}"``) or None for random initialisation.
    progress: Show a progress bar while downloading the weights.
    **kwargs: Passed on to the model class (:class:`{model_cls}`), e.g. ``num_classes`` when
        no weights are given.
"""

_V1 = object()  # make_builder's default legacy weights: the enum's IMAGENET1K_V1 member


TORCHVISION_SHAPED = "weighthub.models.<torchvision's module>"
"""``make_builder(..., module=TORCHVISION_SHAPED)``: the builder's ``__module__`` is the
``weighthub.models`` counterpart of the torchvision module defining the builder of that name
(``weighthub.models.detection.faster_rcnn``), as torchvision's tests and tools expect; see
:func:`torchvision_shaped_module`."""


def torchvision_shaped_module(model_cls: type, name: str) -> str:
    """Return ``weighthub.models.<path>`` for the torchvision module that defines builder ``name``
    of ``model_cls``'s area: ``(ResNet, "resnet50")`` gives ``"weighthub.models.resnet"``,
    ``(SSD, "ssdlite320_mobilenet_v3_large")`` ``"weighthub.models.detection.ssdlite"``.

    Raises:
        ValueError: ``model_cls`` is not torchvision's, or its area has no builder ``name``.
    """
    from torchvision import models

    defining = model_cls.__module__
    if not defining.startswith("torchvision.models."):
        msg = f"{model_cls.__qualname__} is not a torchvision model class (it is in {defining})."
        raise ValueError(msg)
    if not inspect.isfunction(getattr(sys.modules[defining], name, None)):
        area = defining.rpartition(".")[0]
        found = {
            builder.__module__
            for builder in map(models.get_model_builder, models.list_models())
            if builder.__name__ == name and builder.__module__.rpartition(".")[0] == area
        }
        if len(found) != 1:
            msg = f"torchvision has no builder {name!r} next to {model_cls.__qualname__}."
            raise ValueError(msg)
        defining = found.pop()
    return "weighthub." + defining.removeprefix("torchvision.")


def make_builder(
    name: str,
    weights_enum: type[WeightsEnum],
    build: BuildFn[M],
    *,
    model_cls: type[M],
    summary: str,
    module: str,
    args_doc: str | None = None,
    options: Mapping[str, Any] | None = None,
    option_types: Mapping[str, Any] | None = None,
    verify: VerifyFn | None = None,
    legacy_default: LegacyDefault | object = _V1,
    legacy_options: Mapping[str, tuple[str, LegacyDefault]] | None = None,
    weights_annotation: Any = None,
) -> Callable[..., M]:
    """Create the builder ``name(*, weights=None, progress=True, **kwargs)``.

    The builder verifies ``weights`` against ``weights_enum`` (which also accepts the members of
    enums attached to the model by weights plugins), applies their ``model_kwargs``
    (:func:`apply_model_kwargs`) and calls ``build``. As in torchvision, it accepts the
    legacy ``pretrained=`` argument and positional arguments, with torchvision's deprecation
    warnings. ``inspect.signature`` and ``__doc__`` show a keyword-only builder.

    Args:
        name: The builder's name, e.g. ``"resnet50"``.
        weights_enum: Its weights enum; also the ``weights`` annotation, which
            :func:`weighthub.get_model_weights` reads.
        build: The build function for this model.
        model_cls: The class of the model built, for the return annotation and docstring.
        summary: The first line(s) of the docstring.
        module: The builder's ``__module__``: ``__name__`` of the caller, or
            :data:`TORCHVISION_SHAPED` for a torchvision model's builder.
        args_doc: The docstring's ``Args:`` section; by default one describing ``weights``,
            ``progress`` and ``**kwargs``.
        options: Further keyword-only parameters and their defaults, between ``progress`` and
            ``**kwargs`` (``{"quantize": False}``); ``build`` finds them in ``kwargs``. The
            weights' ``model_kwargs`` are not applied to them: ``build`` reads those itself.
        option_types: Their annotations, where not the type of the default
            (``{"num_classes": int | None}``).
        verify: Checks ``weights`` instead of ``weights_enum.verify``, given the keyword
            arguments (options included).
        legacy_default: The weights ``pretrained=True`` stands for (see
            :func:`handle_legacy_interface`); by default the ``IMAGENET1K_V1`` member,
            or "no weights available" when the enum has none.
        legacy_options: Further legacy parameters, as for ``handle_legacy_interface``:
            ``{"weights_backbone": ("pretrained_backbone", WeightsRef("ResNet50_Weights.X"))}``.
        weights_annotation: The ``weights`` annotation, when not ``weights_enum | None``.

    Returns:
        The builder function.

    Example::

        def _build(weights, progress, kwargs):
            set_num_classes(weights, kwargs)
            return load(lambda: MyNet(**kwargs), weights, progress)

        mynet = make_builder(
            "mynet", MyNet_Weights, _build, model_cls=MyNet, summary="MyNet.", module=__name__
        )
    """
    defaults = dict(options or {})
    types = {option: type(default) for option, default in defaults.items()}
    types.update(option_types or {})

    def builder(*, weights: Any = None, progress: bool = True, **kwargs: Any) -> M:
        for option, default in defaults.items():
            kwargs.setdefault(option, default)
        verified = weights_enum.verify(weights) if verify is None else verify(weights, kwargs)
        apply_model_kwargs(verified, kwargs, handled=defaults)
        try:
            return build(verified, progress, kwargs)
        except TypeError as exc:
            refused = refused_model_kwarg(exc, verified, name)
            if refused is None:
                raise
            raise refused from exc

    annotation = weights_enum | None if weights_annotation is None else weights_annotation
    builder.__name__ = builder.__qualname__ = name
    builder.__module__ = (
        torchvision_shaped_module(model_cls, name) if module == TORCHVISION_SHAPED else module
    )
    builder.__annotations__ = {
        "weights": annotation,
        "progress": bool,
        **types,
        "kwargs": Any,
        "return": model_cls,
    }
    keyword = inspect.Parameter.KEYWORD_ONLY
    builder.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("weights", keyword, default=None, annotation=annotation),
            inspect.Parameter("progress", keyword, default=True, annotation=bool),
            *(
                inspect.Parameter(option, keyword, default=default, annotation=types[option])
                for option, default in defaults.items()
            ),
            inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD, annotation=Any),
        ],
        return_annotation=model_cls,
    )
    if args_doc is None:
        args_doc = _ARGS_DOC.format(
            module=weights_enum.__module__.split("._")[0],
            enum=weights_enum.__name__,
            first=next(iter(weights_enum)).name,
            model_cls=f"{model_cls.__module__}.{model_cls.__qualname__}",
        )
    builder.__doc__ = summary + args_doc
    if legacy_default is _V1:
        legacy_default = weights_enum.__members__.get("IMAGENET1K_V1")
    legacy: dict[str, Any] = {"weights": ("pretrained", legacy_default), **(legacy_options or {})}
    return handle_legacy_interface(**legacy)(builder)


def apply_model_kwargs(
    weights: WeightsEnum | None, kwargs: dict[str, Any], *, handled: Collection[str] = ()
) -> None:
    """Set the architecture arguments ``weights.model_kwargs`` declares into ``kwargs``.

    Call it in a builder right after ``weights = MyNet_Weights.verify(weights)``, next to the
    ``num_classes`` rule (:func:`set_num_classes`); :func:`make_builder`'s builders call it for
    you. Weights attached by weights plugins may need other arguments (``aux_loss=True``,
    ``num_keypoints=5``) than the model's defaults.

    Args:
        weights: The verified weights, or None (then nothing happens).
        kwargs: The builder's keyword arguments, updated in place.
        handled: Arguments the builder takes as named parameters and reads from
            ``weights.model_kwargs`` itself; they are left out of ``kwargs``.

    Raises:
        ValueError: The caller passed a different value for one of them (torchvision's message).

    Example::

        def mynet(*, weights=None, progress=True, **kwargs):
            weights = MyNet_Weights.verify(weights)
            apply_model_kwargs(weights, kwargs)
            ...
    """
    if weights is None:
        return
    # torchvision's own members (which quantized builders may be handed) have no model_kwargs.
    for param, value in getattr(weights, "model_kwargs", {}).items():
        if param not in handled:
            overwrite_named_param(kwargs, param, value)


_TAKEN_BY = {
    "in_chans": "timm's architectures take it (timm.create_model(..., in_chans=N)): attach the "
    "weights to weighthub-timm's model of the same architecture, such as 'timm/resnet50'",
}
"""Where an option torchvision's architectures lack is taken, for the error message."""


def refused_model_kwarg(
    error: TypeError, weights: WeightsEnum | None, model: str
) -> UnsupportedModelKwargsError | None:
    """The error to raise when a builder refused an option of ``weights.model_kwargs``, or None.

    Args:
        error: What building raised (``ResNet.__init__() got an unexpected keyword argument
            'in_chans'``).
        weights: The weights being built for.
        model: The model's name.
    """
    text = str(error)
    if weights is None or "unexpected keyword argument" not in text:
        return None
    options = getattr(weights, "model_kwargs", {}) or {}
    refused = next((option for option in options if f"'{option}'" in text), None)
    if refused is None:
        return None
    where = _TAKEN_BY.get(
        refused,
        f"attach the weights to a model whose builder takes {refused!r}, or drop it from their "
        "model_kwargs",
    )
    msg = (
        f"Model {model!r} cannot take {refused}={options[refused]!r}, which weights {weights!r} "
        f"declare in model_kwargs ({text}); {where}."
    )
    return UnsupportedModelKwargsError(msg, name=refused, model=model, weights=repr(weights))


def set_fixed(kwargs: dict[str, Any], **fixed: Any) -> None:
    """Set architecture parameters the model name implies (``groups=32`` for ResNeXt-50 32x4d).

    Raises:
        ValueError: The caller passed a different value (torchvision's message).
    """
    for param, value in fixed.items():
        overwrite_named_param(kwargs, param, value)


def set_num_classes(weights: WeightsEnum | None, kwargs: dict[str, Any]) -> None:
    """Set ``kwargs["num_classes"]`` from the weights' categories, as torchvision's builders do.

    Weights whose ``meta["categories"]`` is missing or None leave ``kwargs`` alone.

    Raises:
        ValueError: ``num_classes`` was given and differs from the weights' number of classes
            (torchvision's message: ``The parameter 'num_classes' expected value 1000 but got 10
            instead.``).
    """
    categories = None if weights is None else weights.meta.get("categories")
    if categories is not None:
        overwrite_named_param(kwargs, "num_classes", len(categories))


def square_min_size(weights: WeightsEnum) -> tuple[int, int]:
    """The weights' ``meta["min_size"]``, for models built for one square input size (ViT, MaxViT).

    Raises:
        ValueError: The weights' ``min_size`` is not square.
    """
    min_size: tuple[int, int] = weights.meta["min_size"]
    if min_size[0] != min_size[1]:
        msg = f"{weights!r} needs square inputs, but its min_size is {min_size}."
        raise ValueError(msg)
    return min_size


def resolve_num_classes(weights: WeightsEnum | None, num_classes: int | None, default: int) -> int:
    """The ``num_classes`` of a builder that takes it as a parameter (detection, segmentation).

    Returns:
        The weights' number of categories; without weights, ``num_classes`` or ``default``.

    Raises:
        ValueError: ``num_classes`` was given and differs from the weights' number of classes.
    """
    if weights is None:
        return default if num_classes is None else num_classes
    return overwrite_value_param("num_classes", num_classes, len(weights.meta["categories"]))


def resolve_backbone(
    weights: WeightsEnum | None, weights_backbone: BackboneWeights, backbone_enum: str
) -> WeightsEnum | None:
    """The backbone weights to load: none with model ``weights``, else ``weights_backbone``.

    With ``weights`` the backbone weights are ignored and not even looked up, as in torchvision;
    otherwise a name or :class:`~weighthub.WeightsRef` is resolved through
    :func:`weighthub.resolve_weights`, so the plugin that owns the backbone's weights is needed
    only when they are asked for.

    Args:
        weights: The model's verified weights, or None.
        weights_backbone: What the caller passed as ``weights_backbone``.
        backbone_enum: The name of the enum the backbone weights belong to
            (``"ResNet50_Weights"``).

    Raises:
        weighthub.UnknownWeightsError: No installed plugin provides them (with the
            ``pip install`` line).
        TypeError: They belong to another enum.
    """
    if weights is not None:
        return None
    return resolve_weights(weights_backbone, backbone_enum)


def load(
    factory: Callable[[], M], weights: WeightsEnum | None, progress: bool, *, fast: bool = True
) -> M:
    """Build the model with ``factory`` and load ``weights`` into it, through weighthub's loader.

    With weights=None this is just ``factory()``; otherwise :func:`weighthub.construct_model`,
    with its ``fast`` option: False for a factory that cannot run on meta parameters (one that
    runs a forward pass, like SSDlite's).
    """
    if weights is None:
        return factory()
    return construct_model(factory, weights, progress=progress, fast=fast)


def checkpoint_file(
    weights: WeightsEnum,
    *,
    progress: bool = True,
    check_hash: bool = True,
    model_dir: str | os.PathLike[str] | None = None,
) -> Path | None:
    """The verified local file of ``weights``' checkpoint, for a builder that reads it itself.

    What :meth:`WeightsEnum.get_state_dict` does before it loads: listeners added with
    :func:`weighthub.add_load_listener` are told, then the file is fetched (or found in the cache)
    and verified. Use it when another library's loader must read the file (timm's, a JAX
    ``.npz`` reader) or the builder memory-maps it on its own terms.

    Returns:
        The file, or None inside ``no_weight_loading()`` (``weighthub describe``, the conformance
        kit), where nothing is fetched: the builder then builds without loading.
    """
    if loads_skipped():
        return None
    notify_load(weights)
    return weights.fetch(model_dir=model_dir, progress=progress, check_hash=check_hash)


def load_backbone(
    builder: Callable[..., M], weights: WeightsEnum | None, *, progress: bool, **kwargs: Any
) -> M:
    """Build a backbone network with its builder and load backbone weights into it.

    Args:
        builder: The builder of the architecture (``torchvision.models.resnet50``); it is called
            with ``weights=None`` and the weights are loaded by weighthub's verified path.
        weights: The backbone weights (from :func:`resolve_backbone`), or None.
        progress: Show a download progress bar.
        **kwargs: Architecture options for ``builder`` (``norm_layer`` ...).

    Raises:
        ValueError: ``kwargs`` sets ``num_classes`` unlike the weights' categories.
    """
    set_num_classes(weights, kwargs)
    return load(lambda: builder(weights=None, **kwargs), weights, progress)


def drop_auxiliary_heads(
    model: nn.Module,
    heads: Sequence[str],
    *,
    keep: bool,
    untrained: str | None = None,
    stacklevel: int = 1,
) -> None:
    """torchvision's rule for the auxiliary classifiers of a pretrained GoogLeNet or Inception v3.

    Their checkpoints hold the auxiliary heads, so a builder builds them (``aux_logits=True``)
    to load the weights, then calls this with the caller's ``aux_logits``: unless ``keep``, each
    head is set to None and ``model.aux_logits`` to False. Call it only when weights were given.

    Args:
        model: The model, weights loaded.
        heads: The attribute names of its auxiliary heads: ``("aux1", "aux2")`` for GoogLeNet,
            ``("AuxLogits",)`` for Inception v3.
        keep: The caller's ``aux_logits``: keep the heads.
        untrained: For checkpoints whose heads are not trained, the model's name in torchvision's
            warning when they are kept (``"googlenet"``: "auxiliary heads in the pretrained
            googlenet model are NOT pretrained, so make sure to train them").
        stacklevel: As for :func:`warnings.warn` called where this function is called: the
            frames from there up to the user's call of the builder, plus one.
    """
    if not keep:
        for attribute, value in {"aux_logits": False, **dict.fromkeys(heads)}.items():
            setattr(model, attribute, value)
    elif untrained is not None:
        warn(
            f"auxiliary heads in the pretrained {untrained} model are NOT pretrained, so make "
            "sure to train them",
            stacklevel=stacklevel + 1,
        )


def lazy_exports(
    package: str, attributes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """A package's lazy attributes (PEP 562), in the shape of ``lazy_loader.attach``.

    A plugin's package ``__init__`` exports its builders and enums without importing them (nor
    torch): each is imported from its submodule on first access, then kept in the package::

        __getattr__, __dir__, __all__ = lazy_exports(
            __name__, {"r3d_18": "_builders", "R3D_18_Weights": "_weights"}
        )

    Args:
        package: The package's ``__name__``.
        attributes: Exported name -> the submodule defining it, relative to the package
            (``"_weights"``, ``"_models._resnet"``).

    Returns:
        ``(__getattr__, __dir__, __all__)``: ``__getattr__`` raises Python's own
        ``AttributeError`` (``module 'pkg' has no attribute 'x'``) for other names, ``__dir__``
        lists the module's attributes and the lazy ones, ``__all__`` is the lazy names, sorted.
    """
    where = dict(attributes)

    def __getattr__(name: str) -> Any:
        submodule = where.get(name)
        if submodule is None:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(f"{package}.{submodule}"), name)
        setattr(sys.modules[package], name, value)  # later lookups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *where})

    return __getattr__, __dir__, sorted(where)
