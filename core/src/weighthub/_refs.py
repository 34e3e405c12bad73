"""``WeightsRef``: a reference to weights by name, resolved on first use.

Lets one plugin's meta point at another plugin's weights without importing it, e.g. a quantized
entry's ``meta["unquantized"]`` naming the float weights of the classification plugin, which may not
be installed.
"""

from __future__ import annotations

from typing import Any

from ._weights import WeightsEnum

__all__ = ["WeightsRef"]


class WeightsRef:
    """Weights known by their ``"Enum.MEMBER"`` name, looked up with :func:`weighthub.get_weight`.

    Attribute access (``ref.meta``, ``ref.url``, ``ref.get_state_dict()``) resolves the reference
    and forwards to the member, so it stands in for the member once its plugin is installed.

    Args:
        name: ``"ResNet50_Weights.IMAGENET1K_V2"``.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        if name.count(".") != 1:
            msg = f"A weights reference must look like 'Enum.MEMBER', got {name!r}."
            raise ValueError(msg)
        self.name = name

    def resolve(self) -> WeightsEnum:
        """Return the member.

        Raises:
            UnknownWeightsError: The plugin providing it is not installed; the message says which.
        """
        from ._api import get_weight

        return get_weight(self.name)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return getattr(self.resolve(), attribute)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, WeightsRef):
            return self.name == other.name
        if isinstance(other, WeightsEnum):
            return repr(other) == self.name or self.resolve() is other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return self.name

    def __reduce__(self) -> tuple[Any, ...]:
        return WeightsRef, (self.name,)
