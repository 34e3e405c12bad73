"""What weighthub's weights do when torchvision's own builders test them as a legacy flag.

torchvision wraps its builders in ``torchvision.models._utils.handle_legacy_interface``: a
``weights=`` value that is none of torchvision's ``WeightsEnum`` members, a string or None is
taken for the pre-0.13 ``pretrained`` flag, tested with ``if pretrained_arg:`` and, when true,
replaced by the builder's legacy weights (``*_V1``). A weighthub member would pass that test and
load other weights than the ones given, silently. So weighthub's members and references are true
everywhere but in that wrapper's frame, where the test raises
:class:`~weighthub.TorchvisionLegacyWeightsError` before anything is fetched. The frame is
recognised by its module's name, and read only to word the message; torchvision is not imported.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from types import FrameType
from typing import Any

from ._errors import TorchvisionLegacyWeightsError
from ._lookups import installed
from ._names import split_qualified, tag_of

__all__ = ["refuse_torchvision_legacy_test"]

# handle_legacy_interface's wrapper, as torchvision 0.29 names it (tests pin and check it).
_LEGACY_WRAPPER_MODULE = "torchvision.models._utils"
_LEGACY_WRAPPER_FUNCTION = "inner_wrapper"


def refuse_torchvision_legacy_test(weights: Any, caller: FrameType) -> None:
    """Raise when ``caller`` is torchvision's legacy wrapper testing ``weights`` for truth.

    Args:
        weights: The weighthub member or :class:`~weighthub.WeightsRef` tested.
        caller: The frame that called ``bool(weights)``.

    Raises:
        TorchvisionLegacyWeightsError: It is; the message names the builder and the fixes.
    """
    if (
        caller.f_code.co_name == _LEGACY_WRAPPER_FUNCTION
        and caller.f_globals.get("__name__") == _LEGACY_WRAPPER_MODULE
    ):
        raise _legacy_error(weights, caller.f_locals)


def _legacy_error(weights: Any, wrapper: Mapping[str, Any]) -> TorchvisionLegacyWeightsError:
    """The error for ``weights`` met by the legacy wrapper whose local variables are ``wrapper``."""
    shown = repr(weights)
    member = _member(weights)
    name = shown if member is None else _weight_name(member, shown)
    builder = wrapper.get("builder")
    path, model = _builder_path(builder)
    weights_param = str(wrapper.get("weights_param", "weights"))
    given_as = (
        weights_param
        if wrapper.get("pretrained_positional", True)
        else wrapper.get("pretrained_param", "pretrained")
    )
    legacy = _legacy_default(wrapper)
    outcome = (
        f"it would have loaded its legacy {legacy} instead of the weights given"
        if legacy
        else "it has no legacy weights to load for it"
    )
    fixes = [_weighthub_fix(name, member, model, weights_param)]
    twin = _torchvision_twin(shown, member)
    if twin is not None:
        fixes.append(
            f"pass torchvision's own member, the same file: {path}({weights_param}="
            f'torchvision.models.get_weight("{twin}"))'
        )
    # A whole model's float weights, outside any plugin namespace, fit the model torchvision builds.
    quantized = model != path.rpartition(".")[2]
    if weights_param == "weights" and member is not None and "/" not in name and not quantized:
        fixes.append(
            f"load them into torchvision's model: model = {path}({_architecture(member)}); "
            f"model.load_state_dict(weights.get_state_dict()"
            f"{', strict=False' if member.missing_head else ''}), with weights = "
            f'weighthub.get_weight("{name}")'
        )
    msg = (
        f"{path} was given weighthub's {shown} as {given_as}=. torchvision's "
        f"builders take only torchvision's own weights enums and read any other value as the "
        f"legacy pretrained=True flag: {outcome}. Instead, {'; or '.join(fixes)}."
    )
    return TorchvisionLegacyWeightsError(msg, weights=name, builder=path)


def _member(weights: Any) -> Any:
    """The member ``weights`` is or refers to (a ``WeightsRef`` is resolved), or None."""
    if hasattr(type(weights), "__members__"):
        return weights
    try:
        return weights.resolve()
    except Exception:  # the message names the reference alone
        return None


def _weight_name(member: Any, shown: str) -> str:
    try:
        return installed().weight_name(member)
    except Exception:  # a plugin that is no longer installed: its repr is all there is
        return shown


def _builder_path(builder: Any) -> tuple[str, str]:
    """torchvision's public path of ``builder`` and the model name ``get_model`` takes for it.

    ``torchvision.models.resnet50`` (defined in ``torchvision.models.resnet``), and
    ``torchvision.models.quantization.resnet50``, which ``get_model`` calls
    ``quantized_resnet50``.
    """
    name = str(getattr(builder, "__name__", "<builder>"))
    module = str(getattr(builder, "__module__", "torchvision.models"))
    area = module.rpartition(".")[0]
    if not hasattr(sys.modules.get(area), name):
        area = module
    model = f"quantized_{name}" if area.endswith(".quantization") else name
    return f"{area}.{name}", model


def _legacy_default(wrapper: Mapping[str, Any]) -> str | None:
    """The ``Enum.MEMBER`` that torchvision's ``pretrained=True`` means here, or None."""
    default, kwargs = wrapper.get("default"), wrapper.get("kwargs")
    try:
        chosen = default(dict(kwargs or {})) if callable(default) else default
    except Exception:  # torchvision's own callable failed: leave it unnamed
        return None
    if chosen is None or not hasattr(chosen, "name"):
        return None
    return f"{type(chosen).__name__}.{chosen.name}"


def _weighthub_fix(name: str, member: Any, model: str, weights_param: str) -> str:
    """How to build the model with weighthub, checked against the catalogue when it can be."""
    namespace, _ = split_qualified(name.partition(".")[0])
    if not namespace:
        return f'build it with weighthub: weighthub.get_model("{model}", {weights_param}="{name}")'
    tagged = f"{namespace}/{model}.{tag_of(member.name)}" if member is not None else ""
    try:
        if tagged and installed().weight(tagged) is member:
            return f'build it with weighthub: weighthub.get_model("{tagged}")'
    except Exception:  # no such model in that namespace: point at the model the weights are for
        pass
    return (
        f"build the model those weights are for with weighthub (weighthub info {name} names it): "
        f'weighthub.get_model(<that model>, weights="{name}")'
    )


def _torchvision_twin(shown: str, member: Any) -> str | None:
    """``shown`` if torchvision has a member of that name with the same URL as ``member``."""
    get_weight = getattr(sys.modules.get("torchvision.models"), "get_weight", None)
    if get_weight is None or member is None:
        return None
    try:
        twin = get_weight(shown)
    except Exception:  # torchvision has no such member
        return None
    return shown if getattr(twin, "url", None) == member.url else None


def _architecture(member: Any) -> str:
    """The builder arguments the weights need: ``num_classes=3``, their ``model_kwargs``."""
    arguments = dict(member.model_kwargs)
    categories = member.meta.get("categories")
    if isinstance(categories, list | tuple):
        arguments = {"num_classes": len(categories), **arguments}
    return ", ".join(f"{key}={value!r}" for key, value in arguments.items())
