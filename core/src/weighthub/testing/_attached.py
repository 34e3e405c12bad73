"""Checks of the enums weights plugins attach to other plugins' models.

The model's own checks (``num_params``, ``ops``, ``transforms``, ``get_weight``, ``copy_pickle``)
run on attached enums unchanged, through the model's builder; these are the ones that differ.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .._api import find_task
from .._construct import build_empty
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


def _name(member: WeightsEnum) -> str:
    return f"{type(member).__name__}.{member.name}"


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
            yield _name(member), f"meta field {field!r}: {problem}"


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
    shapes = [
        f"{k} (checkpoint {tuple(state[k].shape)}, model {tuple(expected[k].shape)})"
        for k in state
        if k in expected and tuple(state[k].shape) != tuple(expected[k].shape)
    ]
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


def check_checkpoint(
    attachment: WeightsAttachment,
    builder: Callable[..., Any],
    enum: type[WeightsEnum],
    notes: list[str],
) -> Iterator[Problem]:
    """A local (file or ``pkg://``) checkpoint fits the architecture its meta and
    ``model_kwargs`` make the builder build: same keys, same shapes. Remote ones are noted."""
    from .._fetch import load_checkpoint
    from .._fetch._sources import resolve_source

    for member in enum:
        source = resolve_source(member.url)
        if source.kind != "local" or source.path is None:
            notes.append(f"checkpoint of {_name(member)} not compared: it is remote")
            continue
        state = load_checkpoint(source.path)
        try:
            expected = build_empty(builder, weights=member).state_dict()
        except Exception as exc:
            yield _name(member), f"building for these weights failed: {type(exc).__name__}: {exc}"
            continue
        problems = state_dict_misfit(
            state, expected, task=attachment.task, missing_head=member.missing_head
        )
        if problems:
            yield (
                _name(member),
                f"the checkpoint does not fit {attachment.model}: " + "; ".join(problems),
            )
