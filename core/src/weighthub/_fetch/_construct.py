"""Fast, low-memory model construction when pretrained weights will overwrite every parameter.

The architecture is built with its *parameters* on the meta device (no allocation, ``nn.init`` is
free) while its buffers stay real, so init-time tensor computations (RegNet's configuration,
non-persistent buffers such as Swin's relative position index) still work. This is accelerate's
``init_empty_weights(include_buffers=False)`` technique: ``nn.Module.register_parameter`` is patched
for the constructing thread only. The checkpoint is then memory-mapped and assigned into the model
(``load_state_dict(assign=True)``), so the weights are read once, lazily, and never copied.

Whenever the fast path is unsafe the ordinary path runs instead (``factory()`` then
``load_state_dict``), and the reason is logged at DEBUG level on the ``weighthub`` logger.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from .._loads import notify_load
from .._weights import WeightsEnum

if TYPE_CHECKING:
    import torch
    from torch import nn

__all__ = ["construct_model", "meta_parameters"]

logger = logging.getLogger("weighthub")

M = TypeVar("M")

_patch_lock = threading.Lock()
_patch_depth = 0
_active_threads: set[int] = set()
_original_register: Any = None


def _patched_register_parameter(self: nn.Module, name: str, param: Any) -> None:
    _original_register(self, name, param)
    if param is None or threading.get_ident() not in _active_threads:
        return
    import torch

    registered = self._parameters[name]
    if (
        registered is None
        or isinstance(registered, torch.nn.parameter.UninitializedParameter)
        or registered.device.type == "meta"
    ):
        return
    kwargs = dict(registered.__dict__)
    kwargs["requires_grad"] = registered.requires_grad
    meta = registered.to(torch.device("meta"))
    self._parameters[name] = type(registered)(meta, **kwargs)


@contextlib.contextmanager
def meta_parameters() -> Iterator[None]:
    """Within this block, parameters registered by the current thread are moved to the meta device.

    Buffers stay real. Other threads are unaffected. Nested and concurrent uses are safe.
    """
    global _patch_depth, _original_register
    from torch import nn

    ident = threading.get_ident()
    with _patch_lock:
        if _patch_depth == 0:
            _original_register = nn.Module.register_parameter
            nn.Module.register_parameter = _patched_register_parameter  # type: ignore[method-assign]
        _patch_depth += 1
        nested = ident in _active_threads
        _active_threads.add(ident)
    try:
        yield
    finally:
        with _patch_lock:
            if not nested:
                _active_threads.discard(ident)
            _patch_depth -= 1
            if _patch_depth == 0:
                nn.Module.register_parameter = _original_register  # type: ignore[method-assign]
                _original_register = None


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


def _fast_path(
    factory: Callable[[], M], load: Callable[[], dict[str, torch.Tensor]]
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
    model.load_state_dict(state_dict, strict=True, assign=True)
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
    fetched.

    Args:
        factory: Builds the architecture with random weights, e.g. ``lambda: ResNet(...)``.
        weights: The weights to load, or None for a randomly initialised model.
        progress: Show a download progress bar (only when stderr is a terminal).
        fast: Allow the meta-parameter fast path.
        check_hash: Verify the checkpoint's sha256.
        model_dir: The cache folder; see :func:`cache_dir`.

    Returns:
        The model, with the weights loaded (``strict=True``).
    """
    if weights is None:
        return factory()
    if not isinstance(weights, WeightsEnum):
        # Another library's member (torchvision's): its get_state_dict does not tell listeners.
        notify_load(weights)

    def load() -> dict[str, torch.Tensor]:
        return weights.get_state_dict(
            progress=progress, check_hash=check_hash, model_dir=model_dir, mmap=True
        )

    if fast:
        model, reason = _fast_path(factory, load)
        if model is not None:
            return model
    else:
        reason = "fast=False"
    logger.debug("Building %s the ordinary way: %s.", weights, reason)
    model = factory()
    model.load_state_dict(load())  # type: ignore[attr-defined]
    return model
