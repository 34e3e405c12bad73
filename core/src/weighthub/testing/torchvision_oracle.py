"""Oracle checks for plugins that re-publish torchvision's weights: compare with torchvision itself.

A plugin that registers torchvision's builders and weights (as every first-party plugin does) can
hold each of them to torchvision's own objects, installed next to it::

    import torchvision.models as tvm
    from weighthub.testing import torchvision_oracle as oracle

    def test_enum(name):
        builder, ours = oracle.assert_builder_matches(name)
        oracle.assert_enum_matches(ours, tvm.get_model_weights(name))

    def test_member(tv_member, member):
        oracle.assert_member_matches(member, tv_member)
        oracle.assert_transforms_match(member, tv_member)

Each ``assert_*`` function raises :class:`AssertionError` naming what differs; checks particular
to a plugin (its categories, its extra meta) stay in the plugin's tests. :func:`member_pairs` lists
the members side by side, :func:`state_dict_signature` and :func:`warnings_of` compare
architectures and legacy warnings across the two implementations.

This module imports torch and torchvision; :mod:`weighthub.testing` does not import it.
"""

from __future__ import annotations

import enum
import functools
import math
import warnings
from collections.abc import Callable, Collection, Iterable
from typing import Any

import torch
import torchvision.models as tvm

from .._api import get_model_builder, get_model_weights, get_weight
from .._weights import WeightsEnum
from ..transforms import PresetFactory

__all__ = [
    "assert_builder_matches",
    "assert_enum_matches",
    "assert_member_matches",
    "assert_transforms_match",
    "member_pairs",
    "meta_value_equal",
    "state_dict_signature",
    "warnings_of",
]


def assert_builder_matches(name: str) -> tuple[Callable[..., Any], type[WeightsEnum]]:
    """Check that weighthub's builder ``name`` is named and typed like torchvision's.

    Asserts that ``weighthub.get_model_builder(name)`` has the ``__name__`` of
    ``torchvision.models.get_model_builder(name)``, and that its weights enum (found by name and
    from the builder's ``weights`` annotation alike) has the name of torchvision's enum.

    Args:
        name: A model name registered in both torchvision and weighthub (``"resnet50"``).

    Returns:
        weighthub's builder and its weights enum.
    """
    builder = get_model_builder(name)
    assert builder.__name__ == tvm.get_model_builder(name).__name__, (builder, name)
    ours = get_model_weights(name)
    assert get_model_weights(builder) is ours, (builder, ours)
    assert ours.__name__ == tvm.get_model_weights(name).__name__, (ours, name)
    return builder, ours


def assert_enum_matches(ours: type[WeightsEnum], theirs: type[enum.Enum]) -> None:
    """Check a weights enum against torchvision's: name, members, aliases and ``DEFAULT``.

    Asserts the same enum name, the same members in the same order (aliases such as ``DEFAULT``
    included), ``DEFAULT`` standing for the same member, and that
    ``weighthub.get_weight("<Enum>.DEFAULT")`` finds it.

    Args:
        ours: The weighthub enum (``ResNet50_Weights``).
        theirs: torchvision's enum of the same name.
    """
    assert ours.__name__ == theirs.__name__
    assert [m.name for m in ours] == [m.name for m in theirs]
    assert list(ours.__members__) == list(theirs.__members__)
    default: Any = ours.DEFAULT  # type: ignore[attr-defined]
    assert default.name == theirs.DEFAULT.name  # type: ignore[attr-defined]
    assert get_weight(f"{theirs.__name__}.DEFAULT") is default


def assert_member_matches(
    member: Any, tv_member: Any, *, checked_by_caller: Collection[str] = ()
) -> None:
    """Check a weights member against torchvision's: repr, URL, and every meta value and type.

    Args:
        member: The weighthub member.
        tv_member: torchvision's member of the same name.
        checked_by_caller: Meta keys whose values the caller compares itself (a reference to other
            weights, categories held as a weighthub constant); their presence is still checked.
    """
    assert repr(member) == repr(tv_member)
    assert member.url == tv_member.url, member
    assert set(member.meta) == set(tv_member.meta), member
    for key, value in tv_member.meta.items():
        if key not in checked_by_caller:
            assert meta_value_equal(member.meta[key], value), (member, key)


def meta_value_equal(ours: Any, theirs: Any) -> bool:
    """Whether two meta values are equal and of the same type, dictionaries compared key by key.

    ``nan`` equals ``nan`` (torchvision records unknown metrics so).
    """
    if isinstance(theirs, float) and math.isnan(theirs):
        return isinstance(ours, float) and math.isnan(ours)
    if isinstance(theirs, dict):
        return (
            isinstance(ours, dict)
            and ours.keys() == theirs.keys()
            and all(meta_value_equal(ours[k], theirs[k]) for k in theirs)
        )
    return type(ours) is type(theirs) and bool(ours == theirs)


def assert_transforms_match(member: Any, tv_member: Any, **settings: Any) -> tuple[Any, Any]:
    """Check that a member's transforms are torchvision's: the same preset and settings.

    Asserts that ``member.transforms`` is a :class:`~weighthub.transforms.PresetFactory` naming
    torchvision's transform class, with torchvision's keywords (enum values, such as an
    ``InterpolationMode``, compared by value), and that both build objects with the same ``repr``
    and ``describe()``.

    Args:
        member: The weighthub member.
        tv_member: torchvision's member of the same name.
        **settings: Passed to both factories when building (``resize_size=300``).

    Returns:
        The two built transforms, weighthub's first, to compare their outputs.
    """
    factory, tv_factory = member.transforms, tv_member.transforms
    assert isinstance(factory, PresetFactory), member
    if isinstance(tv_factory, functools.partial):
        tv_name, tv_keywords = tv_factory.func.__name__, tv_factory.keywords
    else:
        tv_name, tv_keywords = tv_factory.__name__, {}
    assert factory.name == tv_name, member
    expected = {k: v.value if isinstance(v, enum.Enum) else v for k, v in tv_keywords.items()}
    assert dict(factory.keywords) == expected, member
    ours, theirs = factory(**settings), tv_factory(**settings)
    assert repr(ours) == repr(theirs), member
    assert ours.describe() == theirs.describe(), member
    return ours, theirs


def member_pairs(names: Iterable[str]) -> list[tuple[Any, Any]]:
    """``(torchvision member, weighthub member)`` for every weights member of these models.

    Aliases are left out; members come in torchvision's order.
    """
    return [
        (tv_member, get_model_weights(name)[tv_member.name])
        for name in names
        for tv_member in tvm.get_model_weights(name)
    ]


def state_dict_signature(model: torch.nn.Module) -> dict[str, object]:
    """Each state-dict entry's shape and dtype (the type name of non-tensor entries).

    Two architectures with equal signatures load the same checkpoints. Build on the meta device
    (``with torch.device("meta"):``) to compare without allocating.
    """
    signature: dict[str, object] = {}
    for key, value in model.state_dict().items():
        if isinstance(value, torch.Tensor):
            signature[key] = (tuple(value.shape), value.dtype)
        else:  # packed quantized parameters and the like
            signature[key] = type(value).__name__
    return signature


def warnings_of(call: Callable[[], object]) -> tuple[list[str], str | None]:
    """Run ``call`` and return the messages of every warning it gave, and its error if any.

    The error is ``"<ExceptionType>: <message>"``, so that two implementations can be compared on
    both: ``assert warnings_of(lambda: ours(False)) == warnings_of(lambda: theirs(False))``.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
        except Exception as exc:  # compared across implementations, whatever it is
            return [str(w.message) for w in caught], f"{type(exc).__name__}: {exc}"
    return [str(w.message) for w in caught], None
