"""Running the checks over a plugin's models and collecting a :class:`ConformanceReport`."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, overload

from .._catalogue import conflict_message
from .._distributions import plugin_matches
from .._errors import MetaValidationError, MetaValidationWarning, close_matches_hint
from .._imports import resolve_reference
from .._plugins import catalogue
from .._registry import ModelEntry, WeightsAttachment
from .._weights import WeightsEnum
from . import _attached, _checks
from ._report import ConformanceReport, Failure

__all__ = ["CHECKS", "assert_plugin_conforms", "check_model", "check_plugin"]

CHECKS: tuple[str, ...] = (
    "import",
    "meta_schema",
    "naming",
    "signature",
    "num_params",
    "ops",
    "transforms",
    "get_weight",
    "copy_pickle",
    "legacy",
    "checkpoint",
)
"""The names of the checks, in the order they run; pass some as ``skip=`` to leave them out.

``checkpoint`` applies to attached enums only: their checkpoints (local, fetched, or given with
``check_plugin(..., checkpoints=...)``) must fit the architecture and the categories they declare.
"""

_BUILDING_CHECKS = frozenset({"num_params", "ops", "legacy", "checkpoint"})


def _plugin_entries(name: str) -> list[ModelEntry]:
    found = catalogue()
    return sorted(
        (e for e in found.models.values() if plugin_matches([name], e.plugin, e.distribution)),
        key=lambda e: e.name,
    )


def _smallest(
    entries: Iterable[tuple[ModelEntry, type[WeightsEnum] | None]], k: int | None
) -> set[str]:
    def size(item: tuple[ModelEntry, type[WeightsEnum] | None]) -> tuple[float, str]:
        entry, enum = item
        counts = [m.meta.get("num_params") for m in (enum or [])]
        numbers = [c for c in counts if isinstance(c, int)]
        return (min(numbers) if numbers else float("inf"), entry.name)

    ranked = sorted((item for item in entries if item[1]), key=size)
    chosen = ranked if k is None else ranked[: max(k, 0)]
    return {entry.name for entry, _ in chosen}


def _plugin_attachments(name: str) -> list[WeightsAttachment]:
    found = catalogue()
    attachments = [a for group in found.attachments.values() for a in group] + found.dangling
    return sorted(
        (a for a in attachments if plugin_matches([name], a.plugin, a.distribution)),
        key=lambda a: (a.model, a.weights_name),
    )


class _Run:
    """State shared by the checks of one report: the report itself and caches."""

    def __init__(
        self,
        report: ConformanceReport,
        *,
        build: bool,
        skip: Collection[str],
        checkpoints: Mapping[str, str | os.PathLike[str]] | None = None,
    ) -> None:
        unknown = set(skip) - set(CHECKS)
        if unknown:
            msg = f"Unknown check(s) {sorted(unknown)}; the checks are {', '.join(CHECKS)}."
            raise ValueError(msg)
        self.report = report
        self.skip = set(skip) | (set() if build else set(_BUILDING_CHECKS))
        self.transforms_cache: dict[Any, str | None] = {}
        self.checkpoints = dict(checkpoints or {})

    def run(
        self,
        entry: ModelEntry | WeightsAttachment,
        check: str,
        problems: Callable[[], Iterable[Any]],
    ) -> None:
        if check in self.skip:
            return
        model = entry.name if isinstance(entry, ModelEntry) else entry.model
        try:
            for weights, message in problems():
                self.report.failures.append(Failure(model, weights, check, message))
        except Exception as exc:
            self.report.failures.append(
                Failure(model, None, check, f"the check crashed: {type(exc).__name__}: {exc}")
            )

    def check_attached(self, attachment: WeightsAttachment, *, ops: bool) -> None:
        """Check an attached enum through its model's builder."""
        report = self.report
        model = attachment.model
        if attachment.target is None:
            report.failures.append(
                Failure(model, None, "import", catalogue().dangling_message(attachment))
            )
            return
        if catalogue().conflict("weights enum", attachment.enum_key) is not None:
            clash = catalogue().conflict("weights enum", attachment.enum_key) or []
            message = conflict_message("weights enum", attachment.enum_key, clash)
            report.failures.append(Failure(model, None, "import", message))
            return
        try:
            builder = attachment.target.load_builder()
            enum = _load_weights(attachment)
        except Exception as exc:
            report.failures.append(Failure(model, None, "import", f"{type(exc).__name__}: {exc}"))
            return
        entry, notes = attachment.target, report.notes
        report.checked_weights.extend(f"{enum.__name__}.{m.name}" for m in enum)
        self.run(
            attachment,
            "meta_schema",
            lambda: _attached.check_attached_meta_schema(attachment, enum),
        )
        self.run(attachment, "meta_schema", lambda: _checks.check_in_chans(enum))
        self.run(attachment, "naming", lambda: _attached.check_attached_naming(enum))
        self.note_default(enum)
        self.run_shared(attachment, entry, builder, enum, ops=ops)
        self.run(
            attachment,
            "checkpoint",
            lambda: _attached.check_checkpoint(attachment, builder, enum, notes, self.checkpoints),
        )

    def load(self, entry: ModelEntry) -> tuple[Callable[..., Any] | None, type[WeightsEnum] | None]:
        try:
            return entry.load_builder(), _load_weights(entry)
        except Exception as exc:
            self.report.failures.append(
                Failure(entry.name, None, "import", f"{type(exc).__name__}: {exc}")
            )
            return None, None

    def note_default(self, enum: type[WeightsEnum]) -> None:
        """Say in the report that an enum has no ``DEFAULT`` (valid, but worth knowing)."""
        note = _checks.default_note(enum)
        if note is not None and "naming" not in self.skip:
            self.report.notes.append(note)

    def check(
        self,
        entry: ModelEntry,
        builder: Callable[..., Any],
        enum: type[WeightsEnum] | None,
        *,
        ops: bool,
    ) -> None:
        report = self.report
        report.checked_models.append(entry.name)
        if enum is None:
            report.notes.append(f"{entry.name} has no weights enum: only its import was checked")
            return
        report.checked_weights.extend(f"{enum.__name__}.{m.name}" for m in enum)
        self.run(entry, "meta_schema", lambda: _checks.check_meta_schema(entry, enum))
        self.run(entry, "meta_schema", lambda: _checks.check_in_chans(enum))
        self.run(entry, "naming", lambda: _checks.check_naming(entry, enum))
        self.note_default(enum)
        self.run(entry, "signature", lambda: _checks.check_signature(builder, enum))
        self.run_shared(entry, entry, builder, enum, ops=ops)
        self.run(entry, "legacy", lambda: _checks.check_legacy(builder))

    def run_shared(
        self,
        subject: ModelEntry | WeightsAttachment,
        entry: ModelEntry,
        builder: Callable[..., Any],
        enum: type[WeightsEnum],
        *,
        ops: bool,
    ) -> None:
        """The checks an own and an attached enum share, through the model's builder."""
        notes = self.report.notes
        self.run(
            subject, "num_params", lambda: _checks.check_num_params(entry, builder, enum, notes)
        )
        if ops:
            self.run(subject, "ops", lambda: _checks.check_ops(entry, builder, enum, notes))
        self.run(
            subject,
            "transforms",
            lambda: _checks.check_transforms(entry, enum, self.transforms_cache),
        )
        self.run(subject, "get_weight", lambda: _checks.check_get_weight(enum))
        self.run(subject, "copy_pickle", lambda: _checks.check_copy_pickle(enum))


@overload
def _load_weights(holder: WeightsAttachment) -> type[WeightsEnum]: ...
@overload
def _load_weights(holder: ModelEntry) -> type[WeightsEnum] | None: ...
def _load_weights(holder: ModelEntry | WeightsAttachment) -> type[WeightsEnum] | None:
    """The weights enum of a model entry or an attachment, its meta problems left to report.

    Meta problems are the meta_schema check's to report: the load-time warning is silenced, and
    under WEIGHTHUB_STRICT=1 the enum is resolved without the load-time validation.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MetaValidationWarning)
        try:
            return holder.load_weights()
        except MetaValidationError:
            ref = holder.weights_ref
            return resolve_reference(ref) if isinstance(ref, str) else ref


def check_plugin(
    plugin_or_distribution: str,
    *,
    ops_sample: int | None = 2,
    build: bool = True,
    skip: Collection[str] = (),
    checkpoints: Mapping[str, str | os.PathLike[str]] | None = None,
) -> ConformanceReport:
    """Check every model and weights of an installed plugin against weighthub's conventions.

    Args:
        plugin_or_distribution: The plugin's entry-point name (``"classification"``) or its
            distribution (``"weighthub-classification"``); ``"<runtime>"`` checks the models
            registered with :func:`weighthub.register_model`.
        ops_sample: Recompute ``_ops`` for this many models, the smallest by ``num_params``
            (deterministic); None recomputes all of them, 0 none.
        build: Run the checks that build models (``num_params``, ``ops``, ``legacy``). Models are
            built on the meta device, except the ``ops`` sample.
        skip: Names of checks to leave out (see :data:`CHECKS`).
        checkpoints: For the ``checkpoint`` check of attached weights: local copies of their
            checkpoints by ``"Enum.MEMBER"``, compared instead of the member's URL. Without one,
            a remote checkpoint is fetched as loading it would (``WEIGHTHUB_MIRROR``, the cache,
            the declared hash); offline without a cached copy it is noted "not compared". A name
            that is not one of the plugin's attached weights is a failure.

    Returns:
        The report; ``report.ok`` is True when nothing failed.
    """
    report = ConformanceReport(plugin_or_distribution)
    run = _Run(report, build=build, skip=skip, checkpoints=checkpoints)
    entries = _plugin_entries(plugin_or_distribution)
    attachments = _plugin_attachments(plugin_or_distribution)
    for attachment in attachments:
        run.check_attached(attachment, ops=ops_sample is None or ops_sample > 0)
    for name in sorted(set(run.checkpoints) - set(report.checked_weights)):
        message = (
            f"checkpoints= names {name!r}, which is not among the weights "
            f"{plugin_or_distribution!r} attaches."
            f"{close_matches_hint(name, report.checked_weights)}"
        )
        report.failures.append(Failure(plugin_or_distribution, name, "checkpoint", message))
    if not entries and attachments:
        return report
    if not entries:
        status = [
            f"{p.name} ({p.distribution}): {p.status}{f', {p.error}' if p.error else ''}"
            for p in catalogue().plugins
            if plugin_matches([plugin_or_distribution], p.name, p.distribution)
        ]
        detail = "; ".join(status) if status else "no such plugin is installed"
        report.failures.append(
            Failure(plugin_or_distribution, None, "import", f"no models registered ({detail})")
        )
        return report
    loaded = [(entry, *run.load(entry)) for entry in entries]
    sample = _smallest(((e, enum) for e, _, enum in loaded), ops_sample)
    if "ops" not in run.skip and ops_sample is not None:
        report.notes.append(
            f"_ops recomputed for the {len(sample)} smallest: {', '.join(sorted(sample))}"
        )
    for entry, builder, enum in loaded:
        if builder is not None:
            run.check(entry, builder, enum, ops=entry.name in sample)
    return report


def check_model(
    name: str,
    *,
    ops_sample: int | None = 2,
    build: bool = True,
    skip: Collection[str] = (),
) -> list[Failure]:
    """Check one registered model (any plugin) and its weights; see :func:`check_plugin`.

    ``_ops`` is recomputed unless ``ops_sample`` is 0.

    Returns:
        The failures; empty when the model conforms.
    """
    from .._api import get_model_entry

    entry = get_model_entry(name)
    report = ConformanceReport(entry.plugin)
    run = _Run(report, build=build, skip=skip)
    builder, enum = run.load(entry)
    if builder is not None:
        run.check(entry, builder, enum, ops=ops_sample is None or ops_sample > 0)
    return report.failures


def assert_plugin_conforms(name: str, **kwargs: Any) -> None:
    """Run :func:`check_plugin` and raise if anything failed.

    Raises:
        AssertionError: With the readable report (:meth:`ConformanceReport.format`).
    """
    report = check_plugin(name, **kwargs)
    if not report.ok:
        raise AssertionError(report.format())
