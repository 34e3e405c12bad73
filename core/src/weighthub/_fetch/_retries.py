"""When a download tries again: failures without progress, exponential back-off, a time bound."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .._errors import WeightsDownloadError
from ._config import env_number
from ._stream import RetryableError

__all__ = ["Retries", "failed_message", "plural"]

_MAX_DELAY = 60.0


def plural(count: int, word: str) -> str:
    """Return ``"1 retry"`` or ``"2 retries"``."""
    return f"{count} {word}" if count == 1 else f"{count} {word.replace('y', 'ie')}s"


def failed_message(display: str, exc: BaseException) -> str:
    """Return ``"Downloading URL failed: reason"`` (once, however often it is wrapped)."""
    text = str(exc).rstrip(".")
    return text if text.startswith("Downloading ") else f"Downloading {display} failed: {text}"


# -- retries -----------------------------------------------------------------------------------


@dataclass
class Retries:
    """When to retry: a count of failures without progress, a back-off and a time bound."""

    retries: int = field(default_factory=lambda: int(env_number("WEIGHTHUB_RETRIES", 5)))
    backoff: float = field(default_factory=lambda: env_number("WEIGHTHUB_RETRY_BACKOFF", 1.0))
    max_time: float = field(default_factory=lambda: env_number("WEIGHTHUB_RETRY_MAX_TIME", 300.0))
    failures: int = 0
    stalled_since: float = 0.0

    def progress(self) -> None:
        """Bytes arrived beyond the best offset so far: the failure count starts again."""
        self.failures = 0

    def next_delay(self, display: str, exc: RetryableError | Exception) -> float:
        """Return how long to wait before the next attempt, or raise when it is time to stop.

        Raises:
            WeightsDownloadError: The retries or the retry time ran out.
        """
        now = time.monotonic()
        if self.failures == 0:
            self.stalled_since = now
        self.failures += 1
        if self.failures > self.retries:
            msg = f"{failed_message(display, exc)} (gave up after {plural(self.retries, 'retry')})."
            raise WeightsDownloadError(msg, url=display) from exc
        delay = min(_MAX_DELAY, self.backoff * 2.0 ** (self.failures - 1))
        asked = getattr(exc, "retry_after", None)
        if asked is not None:
            delay = float(asked)
        waited = now - self.stalled_since
        if waited + delay > self.max_time:
            msg = (
                f"{failed_message(display, exc)}. Gave up after {waited:.1f} s of retries "
                f"(the next one in {delay:.1f} s would pass WEIGHTHUB_RETRY_MAX_TIME="
                f"{self.max_time:g})."
            )
            raise WeightsDownloadError(msg, url=display) from exc
        return delay
