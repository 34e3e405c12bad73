"""``preset()``: a torch-free, lazy constructor of preprocessing transforms.

Weights enums are plain data and importing them must not import torch, yet each entry names its
preprocessing transform. ``preset("ImageClassification", crop_size=224, resize_size=232)`` records
the transform's name and settings; calling the result imports the class and builds the transform::

    class MyNet_Weights(WeightsEnum):
        IMAGENET1K_V1 = Weights(
            url=...,
            transforms=preset("ImageClassification", crop_size=224, interpolation="bicubic"),
            meta={...},
        )

    transform = MyNet_Weights.IMAGENET1K_V1.transforms(crop_size=256)  # overrides a setting

This module must not import torch (nor torchvision) at module level.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import FrozenInstanceError
from types import MappingProxyType
from typing import Any, NoReturn

from .._errors import close_matches_hint
from ._interpolation import canonical_interpolation, interpolation_setting

__all__ = ["PresetFactory", "preset"]

# The keyword arguments each built-in preset accepts, so mistakes show up at declaration time.
_BUILTIN_PRESETS: dict[str, frozenset[str]] = {
    "ImageClassification": frozenset(
        {
            "crop_size",
            "resize_size",
            "mean",
            "std",
            "interpolation",
            "antialias",
            "crop_pct",
            "crop_mode",
            "max_value",
        }
    ),
    "ObjectDetection": frozenset(),
    "SemanticSegmentation": frozenset(
        {"resize_size", "mean", "std", "interpolation", "antialias", "max_value"}
    ),
    "VideoClassification": frozenset({"crop_size", "resize_size", "mean", "std", "interpolation"}),
    "OpticalFlow": frozenset(),
}

_IDENTIFIER = r"[A-Za-z_]\w*"
_IMPORT_SPEC = re.compile(rf"{_IDENTIFIER}(?:\.{_IDENTIFIER})*:{_IDENTIFIER}(?:\.{_IDENTIFIER})*")


def _freeze(value: Any) -> Any:
    """Return a hashable stand-in for a setting value (lists become tuples, and so on)."""
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, set | frozenset):
        return frozenset(_freeze(v) for v in value)
    return value


def _resolve(name: str) -> Callable[..., Any]:
    """Import the class (or callable) a preset name refers to.

    Args:
        name: A built-in preset name, or ``"package.module:ClassName"``.

    Returns:
        The class.

    Raises:
        ImportError: The module cannot be imported or lacks the attribute.
    """
    if name in _BUILTIN_PRESETS:
        from . import _presets

        return getattr(_presets, name)  # type: ignore[no-any-return]
    from .._imports import resolve_reference

    missing = "cannot import {attribute!r} from {module!r} (preset {reference!r})"
    obj = resolve_reference(name, missing=missing)
    if not callable(obj):
        msg = f"preset {name!r} resolves to {obj!r}, which is not callable"
        raise TypeError(msg)
    return obj  # type: ignore[no-any-return]


class PresetFactory:
    """A lazy constructor of a preprocessing transform: a name plus settings.

    Like :class:`functools.partial` it has ``func`` and ``keywords`` and builds its object when
    called, with keyword arguments overriding the settings. Unlike a partial it imports nothing
    until called, is immutable, and compares, hashes, copies and pickles by value.

    Build it with :func:`preset`.

    Args:
        name: A preset of :mod:`weighthub.transforms` (``"ImageClassification"``,
            ``"ObjectDetection"``, ``"SemanticSegmentation"``, ``"VideoClassification"``,
            ``"OpticalFlow"``), or ``"package.module:ClassName"`` for another transform class.
        settings: The keyword arguments passed to the class. An ``interpolation`` setting may be
            a string (``"bicubic"``) or an ``InterpolationMode``; it is stored as the string value.

    Raises:
        ValueError: ``name`` is neither a built-in preset nor of the ``module:Class`` form, or an
            interpolation string is unknown.
        TypeError: A setting is not a parameter of the built-in preset.
    """

    __slots__ = ("_name", "_settings")

    _name: str
    _settings: dict[str, Any]

    def __init__(self, name: str, settings: Mapping[str, Any] | None = None) -> None:
        if not isinstance(name, str):
            msg = f"preset name must be a string, got {type(name).__name__}"
            raise TypeError(msg)
        settings = dict(settings or {})
        if name in _BUILTIN_PRESETS:
            allowed = _BUILTIN_PRESETS[name]
            for key in settings:
                if key not in allowed:
                    params = ", ".join(sorted(allowed)) or "none"
                    msg = (
                        f"{name} has no parameter {key!r} (its parameters: {params})."
                        f"{close_matches_hint(key, allowed)}"
                    )
                    raise TypeError(msg)
        elif not _IMPORT_SPEC.fullmatch(name):
            msg = (
                f"Unknown preset {name!r}; expected one of {', '.join(_BUILTIN_PRESETS)}, or "
                f"'package.module:ClassName' for another transform class."
                f"{close_matches_hint(name, _BUILTIN_PRESETS, ignore_case=True)}"
            )
            raise ValueError(msg)
        if "interpolation" in settings:
            settings["interpolation"] = interpolation_setting(settings["interpolation"])
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_settings", settings)

    @property
    def name(self) -> str:
        """The preset name, or the ``"package.module:ClassName"`` string."""
        return self._name

    @property
    def keywords(self) -> Mapping[str, Any]:
        """The settings, as a read-only mapping."""
        return MappingProxyType(self._settings)

    @property
    def args(self) -> tuple[()]:
        """No positional arguments (for code that treats this like a ``functools.partial``)."""
        return ()

    @property
    def func(self) -> Callable[..., Any]:
        """The transform class, imported on access."""
        return _resolve(self._name)

    def __call__(self, **overrides: Any) -> Any:
        """Build the transform.

        Args:
            **overrides: Settings replacing (or adding to) the stored ones. ``interpolation``
                may be a string or an ``InterpolationMode``.

        Returns:
            ``func(**{**keywords, **overrides})``, with a string ``interpolation`` turned into
            a ``torchvision.transforms.InterpolationMode``.
        """
        cls = self.func
        kwargs = {**self._settings, **overrides}
        interpolation = kwargs.get("interpolation")
        if isinstance(interpolation, str):
            from torchvision.transforms import InterpolationMode

            kwargs["interpolation"] = InterpolationMode(canonical_interpolation(interpolation))
        return cls(**kwargs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PresetFactory):
            return NotImplemented
        return self._name == other._name and self._settings == other._settings

    def __hash__(self) -> int:
        return hash((self._name, _freeze(self._settings)))

    def __repr__(self) -> str:
        parts = [repr(self._name)]
        parts += [f"{key}={value!r}" for key, value in sorted(self._settings.items())]
        return f"preset({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return PresetFactory, (self._name, dict(self._settings))

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        msg = f"cannot assign to field {name!r} of a frozen PresetFactory"
        raise FrozenInstanceError(msg)

    def __delattr__(self, name: str) -> NoReturn:
        msg = f"cannot delete field {name!r} of a frozen PresetFactory"
        raise FrozenInstanceError(msg)


def preset(name: str, /, **settings: Any) -> PresetFactory:
    """Declare a preprocessing transform without importing torch.

    Args:
        name: A preset of :mod:`weighthub.transforms` (``"ImageClassification"``,
            ``"ObjectDetection"``, ``"SemanticSegmentation"``, ``"VideoClassification"``,
            ``"OpticalFlow"``), or ``"package.module:ClassName"`` for another transform class.
        **settings: Keyword arguments for the class. Write interpolation modes as strings
            (``interpolation="bicubic"``) to keep the declaration torch-free.

    Returns:
        A :class:`PresetFactory`; call it (optionally with overrides) to build the transform.

    Raises:
        ValueError: Unknown preset name (the message suggests close matches) or interpolation.
        TypeError: A setting is not a parameter of the built-in preset.

    Example::

        >>> factory = preset("ImageClassification", crop_size=224, resize_size=232)
        >>> factory
        preset('ImageClassification', crop_size=224, resize_size=232)
        >>> transform = factory(crop_size=256)  # doctest: +SKIP
    """
    return PresetFactory(name, settings)
