"""Checks of the enums weights plugins attach to other plugins' models.

The model's own checks (``num_params``, ``ops``, ``transforms``, ``get_weight``, ``copy_pickle``)
run on attached enums unchanged, through the model's builder; these are the ones that differ.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .._api import find_task
from .._construct import build_empty, categories_contradiction, shape_mismatches
from .._meta import validate_meta
from .._registry import WeightsAttachment
from .._weights import WeightsEnum
from ._checks import check_member_names

__all__ = [
    "check_attached_meta_schema",
    "check_attached_naming",
    "check_checkpoint",
    "state_dict_misfit",
]

Problem = tuple[str | None, str]
_SHOWN = 5


def check_attached_meta_schema(
    attachment: WeightsAttachment, enum: type[WeightsEnum]
) -> Iterator[Problem]:
    """Each member's meta follows the model's task schema, metrics keyed by any dataset."""
    for member in enum:
        for field, problem in validate_meta(
            member.meta,
            attachment.task,
            attached=True,
            headless=bool(member.missing_head),
            domain_keys=attachment.meta_keys,
        ):
            yield str(member), f"meta field {field!r}: {problem}"


def check_attached_naming(enum: type[WeightsEnum]) -> Iterator[Problem]:
    """Upper-case member names and an aliased ``DEFAULT`` if any (the enum's name is the plugin's
    choice)."""
    return check_member_names(enum)


def state_dict_misfit(
    state: Mapping[str, Any],
    expected: Mapping[str, Any],
    *,
    task: str,
    missing_head: tuple[str, ...] = (),
) -> list[str]:
    """Name the missing, unexpected and mis-shaped keys of ``state``; empty when it fits.

    Args:
        state: The checkpoint's tensors.
        expected: The architecture's state dict (meta tensors are fine).
        task: The model's task: when it declares ``frozen_batch_norm`` (detection), trained
            models freeze their batch norms, so their checkpoints carry no
            ``num_batches_tracked``.
        missing_head: The weights' declared missing head (``fnmatch`` patterns): its keys may be
            missing, and must be.
    """
    declared = find_task(task)
    frozen = declared is not None and declared.frozen_batch_norm

    def in_head(key: str) -> bool:
        return any(fnmatch.fnmatchcase(key, pattern) for pattern in missing_head)

    def optional(key: str) -> bool:
        return (frozen and key.endswith("num_batches_tracked")) or in_head(key)

    missing = [k for k in expected if k not in state and not optional(k)]
    unexpected = [k for k in state if k not in expected]
    shapes = [f"{k} (checkpoint {c}, model {m})" for k, c, m in shape_mismatches(state, expected)]
    carried = [k for k in state if in_head(k)]
    unmatched = [p for p in missing_head if not any(fnmatch.fnmatchcase(k, p) for k in expected)]
    problems = []
    for label, keys in (
        ("missing keys", missing),
        ("unexpected keys", unexpected),
        ("shape mismatches", shapes),
        ("keys of the declared missing head in the checkpoint", carried),
        ("missing_head patterns matching no key of the model", unmatched),
    ):
        if keys:
            more = f" and {len(keys) - _SHOWN} more" if len(keys) > _SHOWN else ""
            problems.append(f"{label}: {', '.join(keys[:_SHOWN])}{more}")
    return problems


def _local_checkpoint(
    member: WeightsEnum, checkpoints: Mapping[str, str | os.PathLike[str]], notes: list[str]
) -> Path | None:
    """The file to compare for ``member``: the one given, the local one, or the fetched one.

    Fetched as a load would (mirrors, the cache, ``WEIGHTHUB_OFFLINE``, the declared hash); None,
    with a note saying why and how to supply it, when offline without a cached copy.
    """
    from .._errors import OfflineModeError
    from .._fetch._sources import resolve_source

    given = checkpoints.get(str(member))
    if given is not None:
        return Path(given)
    source = resolve_source(member.url)
    if source.kind == "local" and source.path is not None:
        return Path(source.path)
    try:
        return member.fetch(progress=False)
    except OfflineModeError:
        notes.append(
            f"checkpoint of {member} not compared: it is at {member.url}, WEIGHTHUB_OFFLINE "
            "is set and the cache holds no copy; fetch it (unset WEIGHTHUB_OFFLINE), or pass "
            f"checkpoints={{{str(member)!r}: <path of a local copy>}}"
        )
        return None


def check_checkpoint(
    attachment: WeightsAttachment,
    builder: Callable[..., Any],
    enum: type[WeightsEnum],
    notes: list[str],
    checkpoints: Mapping[str, str | os.PathLike[str]] | None = None,
) -> Iterator[Problem]:
    """Each member's checkpoint fits the architecture its meta and ``model_kwargs`` make the
    builder build: same keys, same shapes, a classifier for the categories the meta declares.

    Args:
        attachment: The attachment of ``enum``.
        builder: The model's builder.
        enum: The attached enum.
        notes: The report's notes: a checkpoint that cannot be fetched (offline, not cached) is
            noted there.
        checkpoints: Local copies by ``"Enum.MEMBER"``, compared instead of fetching the member's
            URL. Other remote checkpoints are fetched as a load fetches them (mirrors, cache,
            ``WEIGHTHUB_OFFLINE``); a failed download is a failure.
    """
    from .._fetch import load_checkpoint

    for member in enum:
        try:
            path = _local_checkpoint(member, checkpoints or {}, notes)
        except Exception as exc:
            yield str(member), f"fetching the checkpoint failed: {type(exc).__name__}: {exc}"
            continue
        if path is None:
            continue
        state = load_checkpoint(path)
        try:
            expected = build_empty(builder, weights=member).state_dict()
        except Exception as exc:
            yield str(member), f"building for these weights failed: {type(exc).__name__}: {exc}"
            continue
        contradiction = categories_contradiction(shape_mismatches(state, expected), member)
        if contradiction is not None:
            yield str(member), f"the checkpoint contradicts the categories: {contradiction}"
            continue
        problems = state_dict_misfit(
            state, expected, task=attachment.task, missing_head=member.missing_head
        )
        if problems:
            yield (
                str(member),
                f"the checkpoint does not fit {attachment.model}: " + "; ".join(problems),
            )
