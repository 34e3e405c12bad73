"""Interpolation modes named by strings: the one place that reads ``"bicubic"`` or ``"BICUBIC"``.

Torch-free, so that :mod:`._factory` (which declares transforms without torch) and :mod:`._presets`
(which builds them) both use it without importing each other.
"""

from __future__ import annotations

from typing import Any

from .._errors import close_matches_hint

__all__ = ["INTERPOLATION_MODES", "canonical_interpolation", "interpolation_setting"]

INTERPOLATION_MODES: dict[str, str] = {
    "NEAREST": "nearest",
    "NEAREST_EXACT": "nearest-exact",
    "BILINEAR": "bilinear",
    "BICUBIC": "bicubic",
    "BOX": "box",
    "HAMMING": "hamming",
    "LANCZOS": "lanczos",
}
"""torchvision's ``InterpolationMode``: member name -> value."""


def canonical_interpolation(value: str) -> str:
    """Return the ``InterpolationMode`` value that a string names.

    Accepts a value (``"bicubic"``, ``"nearest-exact"``), a member name (``"BICUBIC"``,
    ``"NEAREST_EXACT"``) or a qualified member name (``"InterpolationMode.BICUBIC"``), in any case.

    Args:
        value: The string.

    Returns:
        The lower-case value, e.g. ``"bicubic"``.

    Raises:
        ValueError: The string names no interpolation mode.
    """
    key = value.strip().removeprefix("InterpolationMode.").upper().replace("-", "_")
    if key in INTERPOLATION_MODES:
        return INTERPOLATION_MODES[key]
    values = list(INTERPOLATION_MODES.values())
    msg = (
        f"Unknown interpolation {value!r}; expected one of {', '.join(values)}."
        f"{close_matches_hint(value, values, ignore_case=True)}"
    )
    raise ValueError(msg)


def interpolation_setting(value: Any) -> Any:
    """Return an interpolation setting as its torch-free string value when it has one.

    A string or a torchvision ``InterpolationMode`` becomes its value (``"bicubic"``), so that a
    declared transform stays torch-free to compare, hash and unpickle; anything else is returned
    unchanged for the transform class to judge.

    Raises:
        ValueError: A string that names no interpolation mode.
    """
    if isinstance(value, str):
        return canonical_interpolation(value)
    if type(value).__name__ == "InterpolationMode" and isinstance(
        getattr(value, "value", None), str
    ):
        return canonical_interpolation(value.value)
    return value
