"""Recording which weights get loaded (through :func:`weighthub.add_load_listener`), and
undoing runtime registrations at the end of a test."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .._errors import WeighthubError
from .._loads import add_load_listener

__all__ = ["LoadRecorder", "WeightsLoadStopped", "record_loads", "restore_registrations"]


class WeightsLoadStopped(WeighthubError, RuntimeError):
    """Raised by :func:`record_loads` ``(stop=True)`` in place of loading a checkpoint.

    Attributes:
        weights: The weights member whose load was stopped.
    """

    def __init__(self, weights: Any) -> None:
        super().__init__(f"Loading {weights!r} was stopped by weighthub.testing.record_loads.")
        self.weights = weights

    def __reduce__(self) -> tuple[type[WeightsLoadStopped], tuple[Any]]:
        # The constructor takes the weights, not the message in args: rebuild from them.
        return type(self), (self.weights,)


class LoadRecorder(list[Any]):
    """The weights members weighthub was asked to load, oldest first (a list).

    Attributes:
        stop: Whether each load raises :class:`WeightsLoadStopped` once recorded, so that nothing
            is fetched (to check which weights a builder picks without any checkpoint).
    """

    def __init__(self, *, stop: bool = False) -> None:
        super().__init__()
        self.stop = stop

    def __call__(self, weights: Any) -> None:
        self.append(weights)
        if self.stop:
            raise WeightsLoadStopped(weights)


@contextlib.contextmanager
def record_loads(*, stop: bool = False) -> Iterator[LoadRecorder]:
    """Record every weights member weighthub loads within the block.

    Args:
        stop: Raise :class:`WeightsLoadStopped` instead of loading (after recording), so a test can
            see which weights a builder picks without any checkpoint existing.

    Example::

        with weighthub.testing.record_loads(stop=True) as loads:
            with pytest.raises(weighthub.testing.WeightsLoadStopped):
                weighthub.get_model("resnet50", pretrained=True)
        assert loads == [weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V1")]
    """
    recorder = LoadRecorder(stop=stop)
    remove = add_load_listener(recorder)
    try:
        yield recorder
    finally:
        remove()


@contextlib.contextmanager
def restore_registrations(*, clear: bool = False) -> Iterator[None]:
    """Forget the models and tasks registered at runtime within the block
    (:func:`weighthub.register_model`, :func:`weighthub.register_task`).

    Args:
        clear: Also hide, within the block, the ones registered before it (they come back after).
    """
    from .._plugins import RUNTIME_PLUGIN, restore_runtime_registry, runtime_registry
    from .._registry import Registry

    saved = runtime_registry()
    if clear:
        restore_runtime_registry(Registry(RUNTIME_PLUGIN, None))
    try:
        yield
    finally:
        restore_runtime_registry(saved)
