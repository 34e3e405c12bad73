"""Building models without weights or memory: the meta device, and no weight loading at all."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

__all__ = ["build_empty", "empty_parameters", "no_init", "no_weight_loading"]


@contextlib.contextmanager
def no_init() -> Iterator[None]:
    """Turn the in-place initialisers of ``torch.nn.init`` into no-ops (values are irrelevant
    when only the architecture is wanted); building is several times faster.
    """
    from torch.nn import init

    def keep(tensor: Any, *args: Any, **kwargs: Any) -> Any:
        return tensor

    names = [n for n in dir(init) if n.endswith("_") and not n.startswith("_")]
    with contextlib.ExitStack() as stack:
        for name in names:
            stack.enter_context(mock.patch.object(init, name, keep))
        yield


def empty_parameters() -> contextlib.AbstractContextManager[None]:
    """Create every parameter on the meta device; buffers and plain tensors stay real.

    For builders that cannot run under ``with torch.device("meta")`` because they compute their
    configuration with tensor operations (torchvision's RegNet). This is the fetch layer's
    :func:`~weighthub._fetch._construct.meta_parameters` (thread-safe).
    """
    from .._fetch._construct import meta_parameters

    return meta_parameters()


@contextlib.contextmanager
def no_weight_loading() -> Iterator[None]:
    """Make builders build the architecture their weights imply, without fetching anything.

    ``WeightsEnum.get_state_dict`` returns an empty dict, ``nn.Module.load_state_dict`` does
    nothing, and :func:`weighthub.construct_model` only calls its factory (the approach of
    torchvision's own ``disable_weight_loading`` test fixture).
    """
    import torch
    from torch import nn

    from .._weights import WeightsEnum

    def no_state_dict(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {}

    def no_load(module: nn.Module, *args: Any, **kwargs: Any) -> Any:
        return nn.modules.module._IncompatibleKeys([], [])

    def construct_only(factory: Callable[[], Any], *args: Any, **kwargs: Any) -> Any:
        return factory()

    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(WeightsEnum, "get_state_dict", no_state_dict))
        stack.enter_context(mock.patch.object(nn.Module, "load_state_dict", no_load))
        stack.enter_context(mock.patch.object(torch.hub, "load_state_dict_from_url", no_state_dict))
        try:
            from .. import _fetch
        except ImportError:  # pragma: no cover - the fetch layer is optional here
            _fetch = None  # type: ignore[assignment]
        if _fetch is not None:
            for name in ("construct_model",):
                if hasattr(_fetch, name):
                    stack.enter_context(mock.patch.object(_fetch, name, construct_only))
            for name in ("load_state_dict_from_url",):
                if hasattr(_fetch, name):
                    stack.enter_context(mock.patch.object(_fetch, name, no_state_dict))
        yield


def build_empty(builder: Callable[..., Any], **kwargs: Any) -> Any:
    """Call ``builder(**kwargs)`` without allocating parameters and without loading weights.

    Tries the meta device first; builders that fail there are retried with only their
    parameters on the meta device (:func:`empty_parameters`).
    """
    import torch

    with no_weight_loading(), no_init():
        try:
            with torch.device("meta"):
                return builder(**kwargs)
        except (NotImplementedError, RuntimeError):
            with empty_parameters():
                return builder(**kwargs)
