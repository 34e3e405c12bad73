"""Helpers that keep pre-0.13 torchvision calls working: ``pretrained=True`` and positional args.

Plugin builders use them exactly as torchvision's builders do, so the deprecation warnings a user
sees are word for word the ones torchvision prints::

    @handle_legacy_interface(weights=("pretrained", ResNet50_Weights.IMAGENET1K_V1))
    def resnet50(*, weights=None, progress=True, **kwargs): ...
"""

from __future__ import annotations

import functools
import inspect
import sys
import warnings
from collections.abc import Callable, Sequence
from enum import Enum
from types import CodeType
from typing import Any, TypeVar

from ._weights import WeightsEnum, WeightsRef

__all__ = [
    "call_transparently",
    "handle_legacy_interface",
    "kwonly_to_pos_or_kw",
    "overwrite_named_param",
    "overwrite_value_param",
    "sequence_to_str",
    "warn",
]

F = TypeVar("F", bound=Callable[..., Any])
V = TypeVar("V")

# Frames that warnings raised through them skip, as if the caller had called the builder itself.
_transparent: set[CodeType] = set()


def call_transparently(fn: Callable[..., V], args: tuple[Any, ...], kwargs: dict[str, Any]) -> V:
    """Call ``fn(*args, **kwargs)`` for a proxy (the lazy values of ``weighthub.models``):
    warnings raised with :func:`warn` inside skip this frame and the proxy's."""
    caller = sys._getframe(1).f_code
    _transparent.add(caller)
    return fn(*args, **kwargs)


_transparent.add(call_transparently.__code__)


def warn(message: str, category: type[Warning] = UserWarning, stacklevel: int = 1) -> None:
    """:func:`warnings.warn`, counting ``stacklevel`` without the frames of proxies
    (:func:`call_transparently`) between here and the user's call."""
    frame = sys._getframe(1)
    extra, remaining = 0, stacklevel - 1
    while remaining > 0 and frame.f_back is not None:
        frame = frame.f_back
        if frame.f_code in _transparent:
            extra += 1
        else:
            remaining -= 1
    warnings.warn(message, category, stacklevel=stacklevel + extra + 1)


LegacyDefault = (
    WeightsEnum | WeightsRef | None | Callable[[dict[str, Any]], WeightsEnum | WeightsRef | None]
)


def sequence_to_str(items: Sequence[str], separate_last: str = "") -> str:
    """Render ``["a", "b", "c"]`` as ``'a', 'b', and 'c'`` (with ``separate_last="and "``)."""
    quoted = [f"'{item}'" for item in items]
    if len(quoted) <= 1:
        return "".join(quoted)
    if len(quoted) == 2:
        return f"{quoted[0]} {separate_last}{quoted[1]}"
    return ", ".join(quoted[:-1]) + f", {separate_last}{quoted[-1]}"


def kwonly_to_pos_or_kw(fn: F) -> F:
    """Let a builder's keyword-only parameters still be passed positionally, with a warning.

    Raises:
        TypeError: ``fn`` has no keyword-only parameter.
    """
    params = inspect.signature(fn).parameters
    try:
        first = next(i for i, p in enumerate(params.values()) if p.kind is p.KEYWORD_ONLY)
    except StopIteration:
        msg = f"Found no keyword-only parameter on function '{fn.__name__}'"
        raise TypeError(msg) from None
    keyword_only = [p.name for p in params.values() if p.kind is p.KEYWORD_ONLY]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        args, extra = args[:first], args[first:]
        if extra:
            moved = dict(zip(keyword_only, extra, strict=False))
            names = sequence_to_str(tuple(moved), separate_last="and ")
            warn(
                f"Using {names} as positional parameter(s) is deprecated since 0.13 and may be "
                f"removed in the future. Please use keyword parameter(s) instead.",
                stacklevel=2,
            )
            kwargs.update(moved)
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def handle_legacy_interface(**weights: tuple[str, LegacyDefault]) -> Callable[[F], F]:
    """Map a builder's legacy boolean parameters onto its weights parameters, with warnings.

    Args:
        **weights: ``weights_param=(legacy_param, default)``. ``default`` is the member that
            ``legacy_param=True`` stands for (torchvision uses the ``*_V1`` weights here, not
            ``DEFAULT``), a :class:`~weighthub.WeightsRef` to another plugin's member (resolved
            only then), or a callable receiving the builder's kwargs and returning it.

    Returns:
        A decorator. The decorated builder also accepts its keyword-only parameters positionally
        (see :func:`kwonly_to_pos_or_kw`).

    Raises:
        ValueError: (from the builder) ``legacy_param=True`` but no weights exist for it.
    """

    def decorator(builder: F) -> F:
        @kwonly_to_pos_or_kw
        @functools.wraps(builder)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for weights_param, (pretrained_param, default) in weights.items():
                sentinel = object()
                weights_arg = kwargs.get(weights_param, sentinel)
                given_as_legacy = pretrained_param in kwargs
                if (weights_arg is sentinel and not given_as_legacy) or (
                    weights_arg is not sentinel
                    and (
                        # Any enum member, torchvision's included, is a weights choice, not legacy.
                        isinstance(weights_arg, Enum | WeightsRef)
                        or (isinstance(weights_arg, str) and weights_arg != "legacy")
                        or weights_arg is None
                    )
                ):
                    continue
                # A positional bool lands on `weights`; "legacy" is torchvision's escape hatch.
                pretrained_positional = weights_arg is not sentinel
                if pretrained_positional:
                    kwargs[pretrained_param] = kwargs.pop(weights_param)
                pretrained_arg = kwargs[pretrained_param]
                default_weights: WeightsEnum | WeightsRef | None = None
                if isinstance(pretrained_arg, Enum | WeightsRef):
                    # pretrained=<a member>: those weights, never the legacy default that a
                    # truth test would pick (torchvision's wrapper loads *_V1 for it).
                    default_weights = pretrained_arg  # type: ignore[assignment]
                elif pretrained_arg:
                    chosen = default(kwargs) if callable(default) else default
                    if isinstance(chosen, WeightsRef):
                        chosen = chosen.resolve()
                    default_weights = chosen
                    if not isinstance(default_weights, WeightsEnum):
                        msg = f"No weights available for model {builder.__name__}"
                        raise ValueError(msg)
                if not pretrained_positional:
                    warnings.warn(
                        f"The parameter '{pretrained_param}' is deprecated since 0.13 and may be "
                        f"removed in the future, please use '{weights_param}' instead.",
                        stacklevel=_callers_level(),
                    )
                message = (
                    f"Arguments other than a weight enum or `None` for '{weights_param}' are "
                    f"deprecated since 0.13 and may be removed in the future. The current behavior "
                    f"is equivalent to passing `{weights_param}={default_weights}`."
                )
                if pretrained_arg and default_weights is not pretrained_arg:
                    message += (
                        f" You can also use `{weights_param}="
                        f"{type(default_weights).__name__}.DEFAULT` to get the most up-to-date "
                        f"weights."
                    )
                warnings.warn(message, stacklevel=_callers_level())
                del kwargs[pretrained_param]
                kwargs[weights_param] = default_weights
            return builder(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def _callers_level() -> int:
    """The ``stacklevel`` that makes a warning of the legacy wrapper name its caller's line.

    That is the first frame outside weighthub's core, so that ``weighthub.get_model(name,
    pretrained=True)`` points at the user's line, not at ``get_model`` itself.
    """
    frame = sys._getframe(2)  # 0: here, 1: the wrapper that warns, 2: its caller
    level = 2
    while frame.f_back is not None and frame.f_globals.get("__name__", "").partition(".")[0] == (
        "weighthub"
    ):
        frame = frame.f_back
        level += 1
    return level


def overwrite_named_param(kwargs: dict[str, Any], param: str, new_value: Any) -> None:
    """Set ``kwargs[param]`` to what the weights require, or fail if the caller asked otherwise.

    Raises:
        ValueError: ``kwargs[param]`` was given and differs from ``new_value``.
    """
    if param in kwargs:
        if kwargs[param] != new_value:
            msg = (
                f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} "
                f"instead."
            )
            raise ValueError(msg)
    else:
        kwargs[param] = new_value


def overwrite_value_param(param: str, actual: V | None, expected: V) -> V:
    """Return ``expected``, failing if the caller gave a different, non-None ``actual``.

    Raises:
        ValueError: ``actual`` is neither None nor ``expected``.
    """
    if actual is not None and actual != expected:
        msg = f"The parameter '{param}' expected value {expected} but got {actual} instead."
        raise ValueError(msg)
    return expected
