"""Model construction: fast and low-memory with pretrained weights, or without loading at all.

The architecture is built with its *parameters* on the meta device (no allocation, ``nn.init`` is
free) while its buffers stay real, so init-time tensor computations (RegNet's configuration,
non-persistent buffers such as Swin's relative position index) still work. This is accelerate's
``init_empty_weights(include_buffers=False)`` technique, done with torch's global parameter
registration hook, which moves a parameter to the meta device only inside :func:`meta_parameters`
in the constructing context (a context variable: other threads are unaffected, and nothing is
patched). The checkpoint is then memory-mapped and assigned into the model
(``load_state_dict(assign=True)``), so the weights are read once, lazily, and never copied.

Whenever the fast path is unsafe the ordinary path runs instead (``factory()`` then
``load_state_dict``), and the reason is logged at DEBUG level on the ``weighthub`` logger.

:func:`no_weight_loading` is the switch for building a model without loading its weights
(``weighthub describe``, the conformance kit): in the current context only, :func:`construct_model`
just calls its factory, ``WeightsEnum.get_state_dict`` returns an empty state dict, and a module
built there accepts a state dict with missing or unexpected keys (torchvision's builders load
``weights.get_state_dict()`` themselves). :func:`build_empty` builds that way without allocating
parameters. All of it is torch's global registration hooks reading context variables: nothing is
patched, and other threads build and load as usual.
"""

from __future__ import annotations

import contextlib
import contextvars
import fnmatch
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from . import _lookups
from ._errors import CheckpointMismatchError
from ._loads import loads_skipped, notify_load, skipping_loads
from ._weights import WeightsEnum

if TYPE_CHECKING:
    import torch
    from torch import nn
    from torch.utils.hooks import RemovableHandle

__all__ = [
    "Mismatch",
    "build_empty",
    "categories_contradiction",
    "check_shapes",
    "construct_model",
    "head_patterns",
    "load_fitted",
    "meta_parameters",
    "no_weight_loading",
    "shape_mismatches",
]

logger = logging.getLogger("weighthub")

M = TypeVar("M")

Mismatch = tuple[str, tuple[int, ...], tuple[int, ...]]
"""A key whose tensor differs in shape: (key, the checkpoint's shape, the model's shape)."""

_meta_parameters = contextvars.ContextVar("weighthub_meta_parameters", default=False)
# Inside no_weight_loading: the modules built there and their load hooks, by module id (the
# module is kept so that no other module reuses its id while the block runs).
_Tolerated = dict[int, tuple["nn.Module", "RemovableHandle"]]
_tolerant: contextvars.ContextVar[_Tolerated | None] = contextvars.ContextVar(
    "weighthub_tolerant_loads", default=None
)
_hook_lock = threading.Lock()
_hooks_installed = False


def _accept_any_keys(module: nn.Module, incompatible: Any) -> None:
    """A ``load_state_dict`` post hook: inside :func:`no_weight_loading`, no key is missing."""
    if loads_skipped():
        incompatible.missing_keys.clear()
        incompatible.unexpected_keys.clear()


def _tolerate(module: nn.Module) -> None:
    """Inside :func:`no_weight_loading`, let ``module`` load a state dict that does not fit."""
    tolerant = _tolerant.get()
    if tolerant is not None and id(module) not in tolerant:
        handle = module.register_load_state_dict_post_hook(_accept_any_keys)  # type: ignore[no-untyped-call]
        tolerant[id(module)] = (module, handle)


def _on_module(module: nn.Module, name: str, submodule: Any) -> None:
    """torch's module registration hook: a module that gets children may be loaded."""
    _tolerate(module)


def _on_buffer(module: nn.Module, name: str, buffer: Any) -> None:
    """torch's buffer registration hook: a module that gets a buffer may be loaded."""
    _tolerate(module)


def _to_meta(module: nn.Module, name: str, param: Any) -> Any:
    """torch's parameter registration hook: a new parameter on the meta device, when asked for."""
    _tolerate(module)
    if not _meta_parameters.get():
        return None
    import torch

    if isinstance(param, torch.nn.parameter.UninitializedParameter) or param.device.type == "meta":
        return None
    kwargs = dict(param.__dict__)
    kwargs["requires_grad"] = param.requires_grad
    return type(param)(param.to(torch.device("meta")), **kwargs)


def _install_hooks() -> None:
    """Register weighthub's global registration hooks with torch, once; they act only inside
    :func:`meta_parameters` and :func:`no_weight_loading`."""
    global _hooks_installed
    with _hook_lock:
        if not _hooks_installed:
            from torch.nn.modules import module

            module.register_module_parameter_registration_hook(_to_meta)
            module.register_module_module_registration_hook(_on_module)
            module.register_module_buffer_registration_hook(_on_buffer)
            _hooks_installed = True


@contextlib.contextmanager
def meta_parameters() -> Iterator[None]:
    """Within this block, parameters registered in this context are created on the meta device.

    Buffers stay real. Other threads (and asyncio tasks started outside the block) are
    unaffected. Nested and concurrent uses are safe.
    """
    _install_hooks()
    token = _meta_parameters.set(True)
    try:
        yield
    finally:
        _meta_parameters.reset(token)


def _quantized_module(model: nn.Module) -> str | None:
    for name, module in model.named_modules():
        kind = type(module).__module__
        if kind.startswith(
            ("torch.ao.nn.quantized", "torch.nn.quantized", "torch.ao.nn.intrinsic.quantized")
        ):
            return f"{name or 'the model'} is a quantized module ({type(module).__qualname__})"
    return None


def _tied_parameters(model: nn.Module) -> list[list[str]]:
    groups: dict[int, list[str]] = {}
    for name, param in model.named_parameters(remove_duplicate=False):
        groups.setdefault(id(param), []).append(name)
    return [names for names in groups.values() if len(names) > 1]


def _set_tensor(model: nn.Module, dotted: str, value: Any) -> None:
    owner_name, _, attr = dotted.rpartition(".")
    owner = model.get_submodule(owner_name) if owner_name else model
    owner._parameters[attr] = value


def _meta_leftovers(model: nn.Module) -> list[str]:
    names = [n for n, p in model.named_parameters(remove_duplicate=False) if p.is_meta]
    names += [n for n, b in model.named_buffers(remove_duplicate=False) if b.is_meta]
    return names


def _match_dtypes(model: nn.Module, state_dict: dict[str, torch.Tensor]) -> dict[str, Any]:
    """Cast checkpoint tensors to the dtype the model declares, as the ordinary copy would."""
    current = {**dict(model.named_parameters()), **dict(model.named_buffers())}
    out: dict[str, Any] = {}
    for key, value in state_dict.items():
        target = current.get(key)
        if target is not None and hasattr(value, "dtype") and value.dtype != target.dtype:
            value = value.to(target.dtype)
        out[key] = value
    return out


def head_patterns(weights: Any) -> tuple[str, ...]:
    """The keys ``weights`` declare their checkpoint lacks (``missing_head``); ``()`` if none."""
    return tuple(getattr(weights, "missing_head", ()) or ())


def _fitted(weights: Any) -> bool:
    """Whether loading ``weights`` is checked key by key (:func:`load_fitted`), not strictly."""
    return bool(head_patterns(weights) or getattr(weights, "model_kwargs", None))


def _listed(keys: list[str], shown: int = 5) -> str:
    more = f" and {len(keys) - shown} more" if len(keys) > shown else ""
    return ", ".join(keys[:shown]) + more


def _suggested_head(keys: list[str]) -> str:
    patterns = sorted({f"{key.rpartition('.')[0]}.*" if "." in key else key for key in keys})
    return f"missing_head=({', '.join(repr(p) for p in patterns)},)"


def shape_mismatches(state_dict: Mapping[str, Any], expected: Mapping[str, Any]) -> list[Mismatch]:
    """The keys of ``state_dict`` that ``expected`` (a model's state dict) has in another shape."""
    return [
        (key, tuple(value.shape), tuple(expected[key].shape))
        for key, value in state_dict.items()
        if key in expected
        and hasattr(value, "shape")
        and hasattr(expected[key], "shape")
        and tuple(value.shape) != tuple(expected[key].shape)
    ]


def _declared_categories(weights: Any) -> int | None:
    meta = getattr(weights, "meta", None)
    categories = meta.get("categories") if isinstance(meta, Mapping) else None
    return len(categories) if isinstance(categories, (list, tuple)) and categories else None


def _provided_by(weights: Any) -> str:
    """``" (provided by plugin 'x' (distribution 'y'))"``, or ``""`` when no plugin is known."""
    if not isinstance(weights, WeightsEnum):
        return ""
    provider = _lookups.installed().provider(type(weights))
    return f" (provided by {provider})" if provider else ""


def categories_contradiction(mismatches: list[Mismatch], weights: Any) -> str | None:
    """Explain ``mismatches`` when they are all the classifier's: the checkpoint was trained for
    another number of categories than ``weights``' meta declares. None when they are not.

    A key counts as the classifier's when the model's first dimension is a multiple ``k`` of the
    declared categories (``k`` is 1 for a classifier, 4 for a detector's box regressor), the
    checkpoint's is ``k`` times one other number, and the other dimensions agree.
    """
    declared = _declared_categories(weights)
    if declared is None or not mismatches:
        return None
    trained: set[int] = set()
    for _, checkpoint, model in mismatches:
        if not checkpoint or not model or checkpoint[1:] != model[1:] or model[0] % declared:
            return None
        per_category = model[0] // declared
        if per_category == 0 or checkpoint[0] % per_category:
            return None
        trained.add(checkpoint[0] // per_category)
    if len(trained) != 1:
        return None
    (count,) = trained
    shown = [
        f"{key} is {ckpt} in the checkpoint, {model} in the model"
        for key, ckpt, model in mismatches
    ]
    shapes = "; ".join(shown[:5]) + (f"; and {len(shown) - 5} more" if len(shown) > 5 else "")
    return (
        f"its meta declares {declared} categor{'y' if declared == 1 else 'ies'}, so the model is "
        f"built with {declared} outputs, but the checkpoint was trained for {count}: {shapes}. "
        f"Declare the checkpoint's {count} categories in the weights' meta['categories'] (one "
        f"name per output), or point the weights at a checkpoint trained for these {declared}."
    )


def check_shapes(
    model: nn.Module,
    state_dict: Mapping[str, Any],
    weights: Any,
    expected: Mapping[str, Any] | None = None,
) -> None:
    """Refuse a checkpoint whose tensors differ in shape from ``model``'s, naming the weights,
    the plugin that provides them, the keys and both shapes, and the fix.

    Args:
        model: The model built for the weights.
        state_dict: The checkpoint's tensors.
        weights: The weights member (named in the message).
        expected: ``model.state_dict()``, when the caller has it already.

    Raises:
        CheckpointMismatchError: A shape differs. When the classifier's do, for a number of
            categories other than the weights' meta declares, the message says so.
    """
    mismatches = shape_mismatches(state_dict, model.state_dict() if expected is None else expected)
    if not mismatches:
        return
    name = repr(weights)
    keys = [key for key, _, _ in mismatches]
    contradiction = categories_contradiction(mismatches, weights)
    if contradiction is not None:
        msg = (
            f"The checkpoint of {name}{_provided_by(weights)} contradicts its categories: "
            f"{contradiction}"
        )
        raise CheckpointMismatchError(msg, name=name, keys=keys)
    kwargs = getattr(weights, "model_kwargs", None)
    built = f" built with the weights' model_kwargs {kwargs!r}" if kwargs else ""
    shapes = _listed(
        [f"{key} (checkpoint {ckpt}, model {shape})" for key, ckpt, shape in mismatches]
    )
    msg = (
        f"The checkpoint of {name}{_provided_by(weights)} does not fit {type(model).__name__}"
        f"{built}: shape mismatches: {shapes}. Make model_kwargs describe the checkpoint (a first "
        f"layer's input channels are its in_chans), or point the weights at a checkpoint of this "
        f"architecture."
    )
    raise CheckpointMismatchError(msg, name=name, keys=keys)


def load_fitted(
    model: nn.Module, state_dict: Mapping[str, Any], weights: Any, *, assign: bool = False
) -> None:
    """Load ``weights``' checkpoint into ``model``: strictly, except the head they declare missing.

    The keys matching ``weights.missing_head`` keep the values the model was built with (freshly
    initialised); every other key must be in the checkpoint, with the model's shape.

    Raises:
        CheckpointMismatchError: A shape differs (a first layer of another number of input
            channels than ``model_kwargs`` build), a key is missing outside the declared head or
            unexpected, the checkpoint carries a key of the declared head, or a declared pattern
            names no key of the model. The message names the weights, the keys and the fix.
    """
    head = head_patterns(weights)
    name = repr(weights)
    expected = model.state_dict()

    def in_head(key: str) -> bool:
        return any(fnmatch.fnmatchcase(key, pattern) for pattern in head)

    check_shapes(model, state_dict, weights, expected)
    unmatched = [p for p in head if not any(fnmatch.fnmatchcase(k, p) for k in expected)]
    carried = [key for key in state_dict if in_head(key)]
    result = model.load_state_dict(state_dict, strict=False, assign=assign)
    missing = [key for key in result.missing_keys if not in_head(key)]
    unexpected = list(result.unexpected_keys)
    problems, keys = [], []
    if unmatched:
        problems.append(
            f"its missing_head pattern{'s' if len(unmatched) > 1 else ''} "
            f"{_listed([repr(p) for p in unmatched])} name{'' if len(unmatched) > 1 else 's'} "
            f"no key of the model"
        )
        keys += unmatched
    if missing:
        problems.append(f"missing keys outside its declared head: {_listed(missing)}")
        keys += missing
    if unexpected:
        problems.append(f"unexpected keys: {_listed(unexpected)}")
        keys += unexpected
    if carried:
        problems.append(
            f"keys of its declared missing head that the checkpoint carries: {_listed(carried)}"
        )
        keys += carried
    if problems:
        absent = [key for key in expected if key not in state_dict]
        fix = (
            f"declare the keys the checkpoint lacks: {_suggested_head(absent)}"
            if absent and not unexpected
            else "declare missing_head as the keys the checkpoint lacks"
        )
        msg = (
            f"The checkpoint of {name} does not fit {type(model).__name__}: "
            f"{'; '.join(problems)}. Fix the weights' entry: {fix}."
        )
        raise CheckpointMismatchError(msg, name=name, keys=keys)


def _fast_path(
    factory: Callable[[], M], load: Callable[[], dict[str, torch.Tensor]], weights: Any
) -> tuple[M | None, str]:
    """Try the meta-parameter construction; return (model, "") or (None, why it was skipped)."""
    from torch import nn

    try:
        with meta_parameters():
            model = factory()
    except (NotImplementedError, RuntimeError, ValueError, TypeError) as exc:
        return None, f"the factory failed with meta parameters ({type(exc).__name__}: {exc})"
    if not isinstance(model, nn.Module):
        return None, f"the factory returned a {type(model).__name__}, not an nn.Module"
    quantized = _quantized_module(model)
    if quantized is not None:
        return None, quantized
    tied = _tied_parameters(model)
    state_dict = _match_dtypes(model, load())
    if _fitted(weights):
        load_fitted(model, state_dict, weights, assign=True)
    else:
        _load_strictly(model, state_dict, weights, assign=True)
    for names in tied:
        first = model.get_parameter(names[0])
        for other in names[1:]:
            _set_tensor(model, other, first)
    leftovers = _meta_leftovers(model)
    if leftovers:
        return None, f"{', '.join(leftovers[:5])} stayed on the meta device after loading"
    return model, ""


def construct_model(
    factory: Callable[[], M],
    weights: WeightsEnum | None,
    *,
    progress: bool = True,
    fast: bool = True,
    check_hash: bool = True,
    model_dir: str | os.PathLike[str] | None = None,
) -> M:
    """Build a model and load its pretrained weights, fast and with little memory when possible.

    With weights, the architecture is built with meta parameters (no allocation, no random init)
    and the memory-mapped checkpoint is assigned into it; the outputs are bit-identical to
    ``factory()`` followed by ``load_state_dict``. That ordinary path runs instead when ``fast`` is
    False, when the factory fails under meta parameters, when the model has quantized modules, or
    when a tensor is left on the meta device; the reason is logged at DEBUG level. Listeners added
    with :func:`weighthub.add_load_listener` are told of the load once, before the checkpoint is
    fetched. Inside ``no_weight_loading()`` (``weighthub describe``, the conformance kit) it only
    calls ``factory()``.

    Args:
        factory: Builds the architecture with random weights, e.g. ``lambda: ResNet(...)``.
        weights: The weights to load, or None for a randomly initialised model.
        progress: Show a download progress bar (only when stderr is a terminal).
        fast: Allow the meta-parameter fast path.
        check_hash: Verify the checkpoint's sha256.
        model_dir: The cache folder; see :func:`cache_dir`.

    Weights that declare a ``missing_head`` are built the ordinary way, so that the head gets
    the architecture's own initialisation; their other keys load strictly (:func:`load_fitted`),
    as do those of weights with ``model_kwargs``, whose misfits are reported by name.

    Returns:
        The model, with the weights loaded (``strict=True`` outside a declared missing head).

    Raises:
        CheckpointMismatchError: A tensor of the checkpoint differs in shape from the model's
            (:func:`check_shapes`: the message names the weights, their plugin, the keys, both
            shapes, and the categories the weights declare when the classifier's differ), or the
            checkpoint does not fit weights with ``model_kwargs`` or a ``missing_head`` (see
            :func:`load_fitted`).
    """
    if weights is None or loads_skipped():
        return factory()
    if not isinstance(weights, WeightsEnum):
        # Another library's member (torchvision's): its get_state_dict does not tell listeners.
        notify_load(weights)

    def load() -> dict[str, torch.Tensor]:
        return weights.get_state_dict(
            progress=progress, check_hash=check_hash, model_dir=model_dir, mmap=True
        )

    head = head_patterns(weights)
    if fast and not head:
        model, reason = _fast_path(factory, load, weights)
        if model is not None:
            return model
    else:
        reason = (
            f"its missing head {head} is initialised by the architecture"
            if fast
            else ("fast=False")
        )
    logger.debug("Building %s the ordinary way: %s.", weights, reason)
    model = factory()
    state_dict = load()
    if _fitted(weights):
        load_fitted(model, state_dict, weights)  # type: ignore[arg-type]
    else:
        _load_strictly(model, state_dict, weights)  # type: ignore[arg-type]
    return model


def _load_strictly(
    model: nn.Module, state_dict: Mapping[str, Any], weights: Any, *, assign: bool = False
) -> None:
    """``model.load_state_dict(strict=True)``; a refusal caused by shapes is explained by
    :func:`check_shapes`, which only runs then (a fitting load skips its state-dict walk)."""
    try:
        model.load_state_dict(state_dict, strict=True, assign=assign)
    except RuntimeError:
        check_shapes(model, state_dict, weights)
        raise


@contextlib.contextmanager
def no_weight_loading() -> Iterator[None]:
    """Within this block, in this context only, builders build without loading weights.

    :func:`construct_model` only calls its factory, ``WeightsEnum.get_state_dict`` returns ``{}``
    (fetching nothing, telling no listener), and the modules built in the block accept a state
    dict with missing or unexpected keys while in it (so torchvision's builders, which load
    ``weights.get_state_dict()`` themselves, load a torch.hub-cached empty state dict). On exit
    those modules load strictly again. Other threads are unaffected; nesting is fine.
    """
    _install_hooks()
    tolerant: _Tolerated = {}
    token = _tolerant.set(tolerant)
    try:
        with skipping_loads():
            yield
    finally:
        _tolerant.reset(token)
        for _, handle in tolerant.values():
            handle.remove()


def build_empty(builder: Callable[..., Any], **kwargs: Any) -> Any:
    """Call ``builder(**kwargs)`` without allocating parameters and without loading weights.

    Tries the meta device first; builders that fail there are retried with only their
    parameters on the meta device (:func:`meta_parameters`). Either way initialisation costs
    nothing, and weight loading is switched off (:func:`no_weight_loading`) for this context
    only.
    """
    import torch

    with no_weight_loading():
        try:
            with torch.device("meta"):
                return builder(**kwargs)
        except (NotImplementedError, RuntimeError):
            with meta_parameters():
                return builder(**kwargs)
