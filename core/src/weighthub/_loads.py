"""Watching weights loads, and the context variable that skips them.

weighthub calls every listener with the weights member it is about to load, before anything is
fetched, so a test can check which weights a builder picked without patching weighthub, and a tool
can log or audit loads.

:func:`skipping_loads` sets, for the current context (thread or task) only, the variable that
``WeightsEnum.get_state_dict`` and :func:`weighthub.construct_model` read: they then fetch and load
nothing. It is held here, below both; the switch builders are called under is
:func:`weighthub._construct.no_weight_loading`. Torch is never imported here.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Callable, Iterator
from typing import Any

__all__ = [
    "LoadListener",
    "add_load_listener",
    "install_url_loader",
    "loads_skipped",
    "notify_load",
    "skipping_loads",
    "url_loader",
]

_skipped = contextvars.ContextVar("weighthub_loads_skipped", default=False)


@contextlib.contextmanager
def skipping_loads() -> Iterator[None]:
    """Within this block, in this context only, weights are not loaded.

    ``WeightsEnum.get_state_dict`` returns ``{}`` without telling listeners or fetching, and
    :func:`weighthub.construct_model` returns ``factory()``. Other threads (and asyncio tasks
    started outside the block) load as usual; nesting is fine.
    """
    token = _skipped.set(True)
    try:
        yield
    finally:
        _skipped.reset(token)


def loads_skipped() -> bool:
    """Whether weights loads are skipped in this context (inside :func:`skipping_loads`)."""
    return _skipped.get()


LoadListener = Callable[[Any], None]
"""A function called with the weights member (a ``WeightsEnum`` member) about to be loaded."""

_listeners: list[LoadListener] = []
_lock = threading.Lock()


def add_load_listener(listener: LoadListener) -> Callable[[], None]:
    """Call ``listener(weights)`` each time weighthub is about to load a checkpoint.

    It is called, in the loading thread and before anything is fetched, once per load: by
    :meth:`WeightsEnum.get_state_dict <weighthub.WeightsEnum.get_state_dict>` (which
    :func:`weighthub.construct_model` uses), and by :func:`weighthub.construct_model` for a member
    of another library's enum (torchvision's, say). An exception raised by a listener propagates to
    the caller, and the checkpoint is then not loaded.

    Args:
        listener: Called with the weights member.

    Returns:
        A function that removes the listener (calling it again does nothing).

    Example::

        loaded = []
        remove = weighthub.add_load_listener(loaded.append)
        try:
            model = weighthub.get_model("resnet50", weights="DEFAULT")
        finally:
            remove()
        assert loaded == [weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V2")]
    """
    with _lock:
        _listeners.append(listener)

    def remove() -> None:
        with _lock:
            # By identity: listeners may compare equal (two empty recording lists, say).
            for index, added in enumerate(_listeners):
                if added is listener:
                    del _listeners[index]
                    return

    return remove


def notify_load(weights: Any) -> None:
    """Tell every listener that ``weights`` is about to be loaded (in the order they were added)."""
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(weights)


UrlLoader = Callable[..., Any]
"""``load_state_dict_from_url(url, *args, **kwargs)``, as weighthub's own."""

_url_loader: UrlLoader | None = None


def install_url_loader(loader: UrlLoader | None) -> UrlLoader | None:
    """Route ``WeightsEnum.get_state_dict``'s downloads through ``loader``; return the previous one.

    ``weighthub.models`` installs a function that calls
    ``weighthub.models._api.load_state_dict_from_url``, looked up at call time, so that code written
    for torchvision (its tests' ``disable_weight_loading`` fixture) stubs weighthub's downloads by
    patching that attribute, as it patches torchvision's. None restores the fetch layer's own.
    """
    global _url_loader
    previous, _url_loader = _url_loader, loader
    return previous


def url_loader() -> UrlLoader | None:
    """The loader installed by :func:`install_url_loader`, or None for the fetch layer's own."""
    return _url_loader
