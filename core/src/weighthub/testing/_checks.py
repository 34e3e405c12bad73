"""The individual checks; each returns the problems it found and never raises."""

from __future__ import annotations

import copy
import inspect
import pickle
import typing
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from .._api import find_task
from .._construct import build_empty, no_weight_loading
from .._meta import validate_meta
from .._registry import ModelEntry
from .._samples import input_channels, with_channels
from .._tasks import Task
from .._weights import WeightsEnum
from ._ops import count_gmacs

__all__ = [
    "Problem",
    "check_copy_pickle",
    "check_get_weight",
    "check_in_chans",
    "check_legacy",
    "check_member_names",
    "check_meta_schema",
    "check_naming",
    "check_num_params",
    "check_ops",
    "check_signature",
    "check_transforms",
    "default_note",
    "expected_enum_name",
    "parameter_count",
]

Problem = tuple[str | None, str]
"""``(weights name or None, message)``."""


def expected_enum_name(model: str, task: str) -> str:
    """The lower-cased enum name a model's enum must have (its task's naming rule).

    A task nobody declares follows torchvision's general rule, ``<model>_Weights``.
    """
    return (find_task(task) or Task(task)).expected_enum_name(model)


def _counts_from(entry: ModelEntry) -> str | None:
    declared = find_task(entry.task)
    return None if declared is None else declared.counts_from


def _resolve_counted(member: WeightsEnum, key: str) -> tuple[Any, str | None]:
    reference = member.meta.get(key)
    if reference is None:
        return None, f"{member} has no {key!r} meta"
    resolve = getattr(reference, "resolve", None)
    try:
        return (resolve() if callable(resolve) else reference), None
    except Exception as exc:
        return None, f"{member}: {key} {reference!r} not resolvable ({exc})"


def check_meta_schema(entry: ModelEntry, enum: type[WeightsEnum]) -> Iterator[Problem]:
    """(a) every member's meta follows the schema of the model's task."""
    for member in enum:
        for field, problem in validate_meta(
            member.meta,
            entry.task,
            headless=bool(member.missing_head),
            domain_keys=entry.meta_keys,
        ):
            yield str(member), f"meta field {field!r}: {problem}"


def check_naming(entry: ModelEntry, enum: type[WeightsEnum]) -> Iterator[Problem]:
    """(b) the enum's name, upper-case member names, and a DEFAULT alias."""
    expected = expected_enum_name(entry.short_name, entry.task)
    if enum.__name__.lower() != expected:
        yield (
            None,
            (
                f"weights enum {enum.__name__!r} should be named like the model: its lower-cased "
                f"name must be {expected!r}"
            ),
        )
    yield from check_member_names(enum)


def check_member_names(enum: type[WeightsEnum]) -> Iterator[Problem]:
    """Upper-case member names, and a ``DEFAULT``, when there is one, that is an alias.

    An enum without ``DEFAULT`` is valid (torchgeo's: the best weights depend on the sensor);
    :func:`default_note` says so in the report.
    """
    for name in enum.__members__:
        if not name.isupper():
            yield None, f"member name {enum.__name__}.{name} is not upper-case"
    if "DEFAULT" in enum.__members__ and enum.__members__["DEFAULT"].name == "DEFAULT":
        yield None, f"{enum.__name__}.DEFAULT must be an alias of another member"


def default_note(enum: type[WeightsEnum]) -> str | None:
    """The report's note for an enum without ``DEFAULT``, or None when it has one."""
    if not len(enum) or "DEFAULT" in enum.__members__:
        return None
    return (
        f"{enum.__name__} has no DEFAULT alias: weights='DEFAULT' and pretrained=True do not "
        f"apply, callers name a member ({', '.join(m.name for m in list(enum)[:3])} ...)"
    )


def check_signature(builder: Callable[..., Any], enum: type[WeightsEnum]) -> Iterator[Problem]:
    """The builder takes keyword-only ``weights=None`` annotated with the enum, and ``progress``."""
    try:
        parameters = inspect.signature(builder).parameters
    except (TypeError, ValueError) as exc:
        yield None, f"cannot read the builder's signature: {exc}"
        return
    weights = parameters.get("weights")
    if weights is None or weights.kind is not inspect.Parameter.KEYWORD_ONLY:
        yield None, "the builder has no keyword-only 'weights' parameter"
        return
    if weights.default is not None:
        yield None, f"'weights' defaults to {weights.default!r} instead of None"
    annotation = weights.annotation
    if isinstance(annotation, str):
        try:
            annotation = typing.get_type_hints(builder).get("weights")
        except Exception as exc:
            yield None, f"cannot resolve the 'weights' annotation {annotation!r}: {exc}"
            return
    if enum is not annotation and enum not in typing.get_args(annotation):
        yield (
            None,
            (
                f"the 'weights' annotation {annotation!r} does not name {enum.__name__}, so "
                f"get_model_weights(builder) cannot find it"
            ),
        )
    progress = parameters.get("progress")
    if progress is None or progress.default is not True:
        yield None, "the builder has no 'progress' parameter defaulting to True"


def parameter_count(model: Any) -> int:
    """Count a model's parameters (works for meta tensors)."""
    return sum(p.numel() for p in model.parameters())


def check_num_params(
    entry: ModelEntry,
    builder: Callable[..., Any],
    enum: type[WeightsEnum],
    notes: list[str],
) -> Iterator[Problem]:
    """(c) ``num_params`` is the parameter count of the architecture, built without memory.

    The architecture is built with ``weights=None``; when a member's count differs (its meta
    changes the architecture, e.g. a ViT's ``image_size``), it is rebuilt with ``weights=member``
    and weight loading disabled. Quantized weights are compared with their ``unquantized`` float
    weights, as torchvision's own test does (whose counts this check holds in the float plugin).
    """
    members = list(enum)
    if not members:
        return
    try:
        count = parameter_count(build_empty(builder, weights=None))
    except Exception as exc:
        yield None, f"building with weights=None failed: {type(exc).__name__}: {exc}"
        return
    counts_from = _counts_from(entry)
    for member in members:
        expected = member.meta.get("num_params")
        if counts_from is not None:
            source, why = _resolve_counted(member, counts_from)
            if source is None:
                notes.append(f"num_params of {member} not compared: {why}")
            elif source.meta.get("num_params") != expected:
                yield (
                    str(member),
                    (
                        f"num_params {expected} differs from the {counts_from} "
                        f"{source!r}'s {source.meta.get('num_params')}"
                    ),
                )
            continue
        if count == expected:
            continue
        try:
            actual = parameter_count(build_empty(builder, weights=member))
        except Exception as exc:
            yield (
                str(member),
                (
                    f"meta num_params is {expected}, weights=None gives {count}, and building "
                    f"with these weights (loading disabled) failed: {type(exc).__name__}: {exc}"
                ),
            )
            continue
        if actual != expected:
            yield str(member), f"meta num_params is {expected}, the architecture has {actual}"


def check_ops(
    entry: ModelEntry,
    builder: Callable[..., Any],
    enum: type[WeightsEnum],
    notes: list[str],
) -> Iterator[Problem]:
    """(d) ``_ops`` equals the recounted GMACs of one forward pass (3 decimals).

    Builds the model for real (random values, weight loading disabled) once per distinct
    ``(transforms, num_params, _ops)`` among the members, on the sample input its task declares
    (:attr:`weighthub.Task.sample_input`); a task without one is noted, not checked.
    """
    declared = find_task(entry.task)
    counts_from = None if declared is None else declared.counts_from
    if counts_from is not None:
        for member in enum:
            source, why = _resolve_counted(member, counts_from)
            if source is None:
                notes.append(f"_ops of {member} not compared: {why}")
            elif source.meta.get("_ops") != member.meta.get("_ops"):
                yield (
                    str(member),
                    (
                        f"_ops {member.meta.get('_ops')} differs from the {counts_from} "
                        f"{source!r}'s {source.meta.get('_ops')}"
                    ),
                )
        return
    make_input = None if declared is None else declared.load_sample_input()
    if make_input is None:
        why = "is not declared" if declared is None else "declares no sample_input"
        notes.append(f"_ops of {entry.name} not recounted: its task {entry.task!r} {why}")
        return
    import torch

    seen: set[Any] = set()
    for member in enum:
        key = (
            repr(member.transforms),
            input_channels(member),
            member.meta.get("num_params"),
            member.meta.get("_ops"),
        )
        if key in seen:
            continue
        seen.add(key)
        try:
            with no_weight_loading():
                model = builder(weights=member)
            torch.manual_seed(0)
            args, as_list = with_channels(make_input, member)(entry.short_name, member.transforms())
            gmacs = round(count_gmacs(model, args, as_list=as_list), 3)
        except Exception as exc:
            yield str(member), f"counting the ops failed: {type(exc).__name__}: {exc}"
            continue
        if member.meta.get("_ops") is None:
            # Not published (the schema allows it): a measurement to report, not a mismatch.
            notes.append(f"{member}: _ops not published; counted {gmacs} GMACs")
        elif gmacs != member.meta.get("_ops"):
            yield str(member), f"meta _ops is {member.meta.get('_ops')}, counted {gmacs} GMACs"


class _BandMismatch(Exception):
    """The transforms normalise another number of bands than the weights take."""


def _check_bands(transform: Any, member: WeightsEnum) -> None:
    """Refuse per-band statistics whose count is not the weights' ``in_chans``.

    Raises:
        _BandMismatch: The message names both counts and the fix.
    """
    in_chans = input_channels(member)
    for name in ("mean", "std"):
        values = getattr(transform, name, None)
        if isinstance(values, list | tuple) and len(values) > 1 and len(values) != in_chans:
            msg = (
                f"the transforms' {name} has {len(values)} values but the weights take "
                f"in_chans={in_chans} bands: give one mean and std per band (statistics reused "
                f"from other bands skew every input)"
            )
            raise _BandMismatch(msg)


def check_in_chans(enum: type[WeightsEnum]) -> Iterator[Problem]:
    """``meta["in_chans"]`` and ``model_kwargs["in_chans"]`` agree where both are given."""
    for member in enum:
        said, built = member.meta.get("in_chans"), member.model_kwargs.get("in_chans")
        if said is not None and built is not None and said != built:
            yield (
                str(member),
                f"meta in_chans is {said!r} but model_kwargs build in_chans={built!r}: make them "
                f"the checkpoint's number of input bands",
            )


class _Unjudged(Exception):
    """The task declares no transforms check: scripting the transforms was all to check."""


def check_transforms(
    entry: ModelEntry, enum: type[WeightsEnum], cache: dict[Any, str | None]
) -> Iterator[Problem]:
    """(e) ``torch.jit.script(weights.transforms())`` works and its output has the task's shape.

    The task's :attr:`~weighthub.Task.transforms_check` gives the input and judges the output; a
    task without one (or not declared) only has its transforms scripted. Results are cached per
    distinct transforms constructor (many weights share one).
    """
    import torch

    declared = find_task(entry.task)

    for member in enum:
        in_chans = input_channels(member)
        try:
            key: Any = (entry.task, member.transforms, in_chans)
            hash(key)
        except TypeError:
            key = None
        if key is not None and key in cache:
            problem = cache[key]
        else:
            problem = None
            try:
                transform = member.transforms()
                _check_bands(transform, member)
                with warnings.catch_warnings():
                    # torch.jit.script is deprecated in recent torch; checking it is the point.
                    warnings.simplefilter("ignore", FutureWarning)
                    scripted = torch.jit.script(transform)
                make_check = None if declared is None else declared.load_transforms_check()
                if make_check is None:
                    raise _Unjudged
                args, judge = with_channels(make_check, member)(transform)
                eager_out = transform(*args)
                problem = judge(eager_out)
                script_out = scripted(*args)
                pairs = zip(
                    eager_out if isinstance(eager_out, tuple) else (eager_out,),
                    script_out if isinstance(script_out, tuple) else (script_out,),
                    strict=True,
                )
                if problem is None and not all(
                    torch.allclose(a, b, atol=1e-4, rtol=1e-4) for a, b in pairs
                ):
                    problem = "the scripted transform's output differs from the eager one"
            except _Unjudged:
                pass
            except _BandMismatch as exc:
                problem = str(exc)
            except Exception as exc:
                problem = f"{type(exc).__name__}: {exc}"
            if key is not None:
                cache[key] = problem
        if problem is not None:
            yield str(member), problem


def check_get_weight(enum: type[WeightsEnum]) -> Iterator[Problem]:
    """(f) ``weighthub.get_weight("Enum.MEMBER")`` returns the member, for DEFAULT too; an enum
    of a plugin namespace by its full name (``"timm/resnet50_Weights.A1_IN1K"``)."""
    from .._api import get_weight, get_weight_name

    members = list(enum)
    qualified = get_weight_name(members[0]).rpartition(".")[0] if members else enum.__name__
    for name, member in enum.__members__.items():
        full = f"{qualified}.{name}"
        try:
            found = get_weight(full)
        except Exception as exc:
            yield full, f"get_weight({full!r}) failed: {type(exc).__name__}: {exc}"
            continue
        if found is not member:
            yield full, f"get_weight({full!r}) returned {found!r}"


def check_copy_pickle(enum: type[WeightsEnum]) -> Iterator[Problem]:
    """(g) copy, deepcopy and a pickle round trip return the member itself."""
    for member in enum:
        copiers: list[tuple[str, Callable[[Any], Any]]] = [
            ("copy.copy", copy.copy),
            ("copy.deepcopy", copy.deepcopy),
            ("pickle", lambda m: pickle.loads(pickle.dumps(m))),
        ]
        for how, fn in copiers:
            try:
                ok = fn(member) is member
            except Exception as exc:
                yield str(member), f"{how} failed: {type(exc).__name__}: {exc}"
                continue
            if not ok:
                yield str(member), f"{how} does not return the member itself"


class _Built(Exception):
    """Raised by the first tensor operation: the legacy handling has run by then."""


def _warnings_of(call: Callable[[], Any]) -> tuple[list[str], str | None]:
    """Call ``call``, stopping it at its first tensor operation (creating the first module's
    parameters); return the warnings it emitted and the error it raised (None if it got as far as
    building).

    The stop is a torch function mode, which holds for this thread only.
    """
    import torch
    from torch.overrides import TorchFunctionMode

    class StopAtFirstTensor(TorchFunctionMode):
        def __torch_function__(
            self, func: Any, types: Any, args: Any = (), kwargs: Any = None
        ) -> Any:
            if func is torch.device:  # naming a device (build_empty's meta device) is no work
                return func(*args, **(kwargs or {}))
            raise _Built

    with warnings.catch_warnings(record=True) as caught, StopAtFirstTensor():
        warnings.simplefilter("always")
        try:
            call()
        except _Built:
            pass
        except Exception as exc:
            return [str(w.message) for w in caught], f"{type(exc).__name__}: {exc}"
    return [str(w.message) for w in caught], None


def check_legacy(builder: Callable[..., Any]) -> Iterator[Problem]:
    """(h) ``pretrained=False`` and a positional ``False`` warn as torchvision's builders do.

    Never passes ``pretrained=True`` (that would download). The warnings come before the model
    is built, so the build is cut short at its first module.
    """
    messages, error = _warnings_of(lambda: build_empty(builder, pretrained=False))
    if error is not None:
        yield None, f"builder(pretrained=False) failed: {error}"
    else:
        if not any("'pretrained' is deprecated" in m for m in messages):
            yield None, "builder(pretrained=False) did not warn that 'pretrained' is deprecated"
        if not any("equivalent to passing `weights=None`" in m for m in messages):
            yield (
                None,
                (
                    "builder(pretrained=False) did not warn that it is equivalent to passing "
                    "`weights=None`"
                ),
            )
    messages, error = _warnings_of(lambda: build_empty(builder_positional(builder), flag=False))
    if error is not None:
        yield None, f"builder(False) failed: {error}"
    elif not any("positional" in m for m in messages):
        yield None, "builder(False) did not warn about positional parameters"


def builder_positional(builder: Callable[..., Any]) -> Callable[..., Any]:
    """Adapt ``builder`` so that ``build_empty(adapted, flag=x)`` calls ``builder(x)``."""

    def call(*, flag: bool) -> Any:
        return builder(flag)

    return call
