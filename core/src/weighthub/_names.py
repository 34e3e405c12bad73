"""The grammar of catalogue names: plugin namespaces, ``Enum.MEMBER`` and ``model.tag``.

* A plugin that claims a namespace (:meth:`weighthub.Registry.claim_namespace`) names its models
  and weights enums ``"<namespace>/<name>"``: ``"timm/resnet50"``, ``"timm/resnet50_Weights"``.
  Those names always work; the part after the ``/`` works alone only when no other plugin uses it.
* A weights member is ``"Enum.MEMBER"`` (``"timm/resnet50_Weights.A1_IN1K"``) or ``"model.tag"``
  (``"timm/resnet50.a1_in1k"``): a member of the model's own enum, named by its tag.
* A tag becomes a member name upper-cased, with a leading underscore when it starts with a digit
  (``300ep_in1k`` -> ``_300EP_IN1K``); :func:`tag_of` turns a member name back into its tag.
"""

from __future__ import annotations

import re

__all__ = [
    "NAMESPACE_SEPARATOR",
    "check_plugin_namespace",
    "member_name",
    "qualify",
    "split_qualified",
    "tag_of",
]

NAMESPACE_SEPARATOR = "/"
_PLUGIN_NAMESPACE = re.compile(r"^[a-z][a-z0-9_]*$")


def check_plugin_namespace(namespace: object, plugin: str) -> str:
    """Return ``namespace`` if it is a valid plugin namespace: a lower-case identifier.

    Raises:
        ValueError: It is not (the message names the plugin and gives an example).
    """
    if not isinstance(namespace, str) or not _PLUGIN_NAMESPACE.match(namespace):
        msg = (
            f"Plugin {plugin!r} claims the namespace {namespace!r}; a namespace is a lower-case "
            "identifier such as 'timm' or 'torchgeo'."
        )
        raise ValueError(msg)
    return namespace


def qualify(namespace: str, name: str) -> str:
    """``"timm", "resnet50"`` -> ``"timm/resnet50"``; a name without a namespace is unchanged."""
    return f"{namespace}{NAMESPACE_SEPARATOR}{name}" if namespace else name


def split_qualified(name: str) -> tuple[str, str]:
    """``"timm/resnet50"`` -> ``("timm", "resnet50")``; ``"resnet50"`` -> ``("", "resnet50")``."""
    namespace, _, short = name.rpartition(NAMESPACE_SEPARATOR)
    return namespace, short


def member_name(tag: str) -> str:
    """The member name of a tag: ``"a1_in1k"`` -> ``"A1_IN1K"``, ``"300ep_in1k"`` ->
    ``"_300EP_IN1K"``. A member name is returned unchanged."""
    member = tag.upper()
    return f"_{member}" if member[:1].isdigit() else member


def tag_of(member: str) -> str:
    """The tag of a member name, the inverse of :func:`member_name` for lower-case tags:
    ``"_300EP_IN1K"`` -> ``"300ep_in1k"``."""
    if member.startswith("_") and member[1:2].isdigit():
        member = member[1:]
    return member.lower()
