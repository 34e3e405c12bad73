"""Weights attached to models that other plugins register (``Registry.add_weights``).

Discovery collects every plugin's attachments and settles them once all models are known
(:func:`settle_attachments`): each one joins its model's list, and its enum joins the catalogue's
enums (clashes as for models). ``WeightsEnum.verify`` asks :func:`attached_member` whether a member
of another enum is attached to a model using its own enum; that is what makes every builder
accept them.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ._errors import PluginLoadError, PluginWarning
from ._registry import ModelEntry, WeightsAttachment
from ._settings import strict_mode
from ._weights import WeightsEnum

if TYPE_CHECKING:
    from ._plugins import Catalogue

__all__ = [
    "attached_enum_names",
    "attached_member",
    "attachments_of",
    "provisional_attachment",
    "settle_attachments",
]


def settle_attachments(found: Catalogue, pending: Sequence[WeightsAttachment]) -> None:
    """Attach each pending enum to its model, or warn once that the model is not installed.

    Raises:
        PluginLoadError: Under ``WEIGHTHUB_STRICT=1``, for an attachment to a missing model.
    """
    for attachment in pending:
        target = found.models.get(attachment.model.lower())
        if target is None:
            found.dangling.append(attachment)
            message = dangling_message(attachment, found)
            if strict_mode():
                raise PluginLoadError(
                    message,
                    name=attachment.plugin,
                    plugin=attachment.plugin,
                    distribution=attachment.distribution,
                )
            warnings.warn(message, PluginWarning, stacklevel=5)
            continue
        attachment.target = target
        found.attachments.setdefault(target.name.lower(), []).append(attachment)
        found.add_enum(attachment)


def dangling_message(attachment: WeightsAttachment, found: Catalogue) -> str:
    """Explain an attachment to a model no installed plugin registers, with the pip line."""
    from ._plugins import missing_plugin_hint

    hint = missing_plugin_hint(attachment.model.lower(), "models", found.plugins)
    return (
        f"{attachment.origin.capitalize()} attaches weights {attachment.weights_name!r} to "
        f"model {attachment.model!r}, which no loaded plugin registers; they are unusable "
        f"until it is installed.{hint or ' Install the plugin that provides the model.'}"
    )


def attachments_of(entry: ModelEntry) -> list[WeightsAttachment]:
    """Return the usable attachments of a model: those whose enum name nobody else claims."""
    from ._plugins import catalogue

    found = catalogue()
    return [
        attachment
        for attachment in found.attachments.get(entry.name.lower(), [])
        if found.conflict("weights enum", attachment.weights_name) is None
    ]


def _attachments_for_enum(enum: type[WeightsEnum]) -> list[WeightsAttachment]:
    """The attachments of every model whose own weights enum is ``enum``."""
    from ._plugins import catalogue

    result: list[WeightsAttachment] = []
    for entry in list(catalogue().models.values()):
        if entry.weights_name != enum.__name__:
            continue
        try:
            own = entry.load_weights()
        except Exception:  # another model's broken enum is not this call's error
            continue
        if own is enum:
            result.extend(attachments_of(entry))
    return result


def attached_member(enum: type[WeightsEnum], obj: Any) -> WeightsEnum | None:
    """Return ``obj`` as a member of an enum attached to a model that uses ``enum``, or None.

    Args:
        enum: The model's own weights enum (the one its builder verifies against).
        obj: A member of another enum, or an ``"Enum.MEMBER"`` name.

    Raises:
        UnknownWeightsMemberError: ``obj`` names an attached enum but none of its members.
    """
    enum_name = obj.partition(".")[0] if isinstance(obj, str) else type(obj).__name__
    for attachment in _attachments_for_enum(enum):
        if attachment.weights_name != enum_name:
            continue
        attached = attachment.load_weights()
        if isinstance(obj, str):
            return attached.verify(obj)
        if isinstance(obj, attached):
            return obj
    return None


def attached_enum_names(enum: type[WeightsEnum]) -> list[str]:
    """The names of the enums attached to the models that use ``enum``, sorted."""
    try:
        return sorted({a.weights_name for a in _attachments_for_enum(enum)})
    except Exception:  # only used to make an error message more helpful
        return []


@contextlib.contextmanager
def provisional_attachment(model: str, enum: type[WeightsEnum]) -> Iterator[ModelEntry]:
    """Attach ``enum`` to ``model`` for the duration of the block (``weighthub describe``).

    The model's builder then accepts its members exactly as it will once a plugin attaches them.

    Yields:
        The model's entry.

    Raises:
        UnknownModelError: No installed plugin provides ``model``.
    """
    from ._api import get_model_entry
    from ._plugins import catalogue

    entry = get_model_entry(model)
    attachment = WeightsAttachment(entry.name, "<provisional>", None, enum, target=entry)
    attached = catalogue().attachments.setdefault(entry.name.lower(), [])
    attached.append(attachment)
    try:
        yield entry
    finally:
        attached.remove(attachment)
