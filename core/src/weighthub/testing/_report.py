"""The result types of the conformance kit: :class:`Failure` and :class:`ConformanceReport`."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ConformanceReport", "Failure"]


@dataclass(frozen=True)
class Failure:
    """One failed check.

    Attributes:
        model: The registered model name (or the plugin name for plugin-level problems).
        weights: The weights member as ``"Enum.MEMBER"``, or None when the check concerns the
            model or its enum as a whole.
        check: The check's name, e.g. ``"num_params"`` or ``"naming"``.
        message: What is wrong, in words.
    """

    model: str
    weights: str | None
    check: str
    message: str

    def __str__(self) -> str:
        where = self.model if self.weights is None else f"{self.model} [{self.weights}]"
        return f"{where} {self.check}: {self.message}"


@dataclass
class ConformanceReport:
    """What :func:`~weighthub.testing.check_plugin` found.

    Attributes:
        plugin: The plugin checked, as given.
        checked_models: The registered names of the models checked.
        checked_weights: The weights checked, as ``"Enum.MEMBER"``.
        failures: Every failed check; empty when the plugin conforms.
        notes: Checks skipped, and why (e.g. ``_ops`` recomputed only for a sample).
    """

    plugin: str
    checked_models: list[str] = field(default_factory=list)
    checked_weights: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return not self.failures

    def format(self) -> str:
        """Return a readable multi-line report: a summary line, then one line per failure."""
        status = "OK" if self.ok else f"FAILED ({len(self.failures)} problem(s))"
        lines = [
            f"weighthub conformance of {self.plugin!r}: {status}",
            f"  checked {len(self.checked_models)} model(s) and "
            f"{len(self.checked_weights)} weights",
        ]
        lines.extend(f"  note: {note}" for note in self.notes)
        if self.failures:
            lines.append("  failures:")
            lines.extend(f"    - {failure}" for failure in self.failures)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()
