"""``WeightsRef``: a reference to weights by name, resolved on first use.

Lets one plugin's meta point at another plugin's weights without importing it, e.g. a quantized
entry's ``meta["unquantized"]`` naming the float weights of the classification plugin, which may not
be installed.
"""

from __future__ import annotations

from typing import Any

from ._weights import WeightsEnum

__all__ = ["WeightsRef", "resolve_weights"]


class WeightsRef:
    """Weights known by their ``"Enum.MEMBER"`` name, looked up with :func:`weighthub.get_weight`.

    Stands in for the member: attribute access (``ref.meta``, ``ref.url``,
    ``ref.get_state_dict()``) resolves the reference and forwards to it, builders accept it as
    ``weights=``, it compares equal to the member, and ``.name`` and ``repr()`` read as the member's
    (``"IMAGENET1K_V2"`` and ``"ResNet50_Weights.IMAGENET1K_V2"``) without resolving it. Unlike a
    member it is not an instance of the enum, and a reference to an alias (``"X.DEFAULT"``) reports
    ``.name == "DEFAULT"`` until resolved.

    Args:
        reference: ``"ResNet50_Weights.IMAGENET1K_V2"``.
    """

    __slots__ = ("reference",)

    def __init__(self, reference: str) -> None:
        if reference.count(".") != 1:
            msg = f"A weights reference must look like 'Enum.MEMBER', got {reference!r}."
            raise ValueError(msg)
        self.reference = reference

    @property
    def name(self) -> str:
        """The member's name, as ``member.name`` gives it: ``"IMAGENET1K_V2"``."""
        return self.reference.partition(".")[2]

    @property
    def enum_name(self) -> str:
        """The enum's class name: ``"ResNet50_Weights"``."""
        return self.reference.partition(".")[0]

    def resolve(self) -> WeightsEnum:
        """Return the member.

        Raises:
            UnknownWeightsError: The plugin providing it is not installed; the message says which.
        """
        from ._api import get_weight

        return get_weight(self.reference)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__") or attribute == "reference":
            raise AttributeError(attribute)
        return getattr(self.resolve(), attribute)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, WeightsRef):
            return self.reference == other.reference
        if isinstance(other, WeightsEnum):
            return repr(other) == self.reference or self.resolve() is other
        return NotImplemented

    def __hash__(self) -> int:
        # As a member's (Enum hashes its name), so a reference and its member are one dict key.
        return hash(self.name)

    def __repr__(self) -> str:
        return self.reference

    def __reduce__(self) -> tuple[Any, ...]:
        return WeightsRef, (self.reference,)


def resolve_weights(
    value: WeightsEnum | WeightsRef | str | None, enum_name: str
) -> WeightsEnum | None:
    """Turn a ``weights``-style argument naming another plugin's weights into a member.

    For builders that take weights from an enum they cannot import, such as a detection
    builder's ``weights_backbone``: the enum is looked up by name only when weights are asked for,
    so the plugin that provides it is needed only then.

    Args:
        value: None; a ``WeightsEnum`` member (taken as is); a :class:`WeightsRef`; or the name of
            a member of ``enum_name``: ``"IMAGENET1K_V1"``, ``"DEFAULT"`` or
            ``"ResNet50_Weights.IMAGENET1K_V1"``.
        enum_name: The weights enum the names refer to, e.g. ``"ResNet50_Weights"``.

    Returns:
        The member, or None when ``value`` is None.

    Raises:
        UnknownWeightsError: No installed plugin provides ``enum_name`` (the message carries the
            ``pip install`` line for a first-party enum).
        UnknownWeightsMemberError: The enum has no such member.
        TypeError: A name of another enum, or a value of another type.
    """
    if value is None or isinstance(value, WeightsEnum):
        return value
    if isinstance(value, WeightsRef):
        return value.resolve()
    if isinstance(value, str):
        member = value.replace(enum_name + ".", "")
        if "." in member:
            msg = (
                f"Invalid Weight class provided; expected {enum_name} but received "
                f"{member.partition('.')[0]}."
            )
            raise TypeError(msg)
        return WeightsRef(f"{enum_name}.{member}").resolve()
    msg = f"Expected a {enum_name} member, its name or None, got {type(value).__name__}."
    raise TypeError(msg)
