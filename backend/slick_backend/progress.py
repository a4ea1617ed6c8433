"""The small progress and cancel protocol passed into every long library call.

Library code calls ``progress.update(fraction, message)`` and ``progress.check()`` (which
raises :class:`Cancelled` once cancel was requested). The CLI, the server's worker
processes and tests each provide an implementation; ``sub()`` maps a stage of a job onto a
slice of the parent's 0..1 range so nested steps need not know where they sit.
"""

from __future__ import annotations

import sys
import threading
import time

from .errors import Cancelled


class Progress:
    """Base implementation: remembers the last state; subclasses publish it."""

    def __init__(self) -> None:
        self.fraction = 0.0
        self.message = ""
        self._cancel = threading.Event()

    # --- reporting -------------------------------------------------------------------
    def update(self, fraction: float | None = None, message: str | None = None) -> None:
        if fraction is not None:
            self.fraction = min(1.0, max(0.0, float(fraction)))
        if message is not None:
            self.message = message
        self.publish()

    def publish(self) -> None:  # overridden by adapters
        pass

    def log(self, message: str) -> None:
        """A line for the job log that does not move the progress bar."""

    # --- cancel ----------------------------------------------------------------------
    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self.cancelled():
            raise Cancelled("cancelled by the user; earlier outputs were left untouched")

    # --- nesting ---------------------------------------------------------------------
    def sub(self, start: float, end: float) -> Progress:
        return SubProgress(self, start, end)


class NullProgress(Progress):
    """For library use and tests where nobody watches."""


class SubProgress(Progress):
    """Maps 0..1 of a stage onto ``start..end`` of its parent; shares the parent's cancel."""

    def __init__(self, parent: Progress, start: float, end: float) -> None:
        super().__init__()
        self.parent, self.start, self.end = parent, start, end

    def update(self, fraction: float | None = None, message: str | None = None) -> None:
        mapped = None if fraction is None else self.start + (self.end - self.start) * min(1.0, max(0.0, fraction))
        self.parent.update(mapped, message)

    def log(self, message: str) -> None:
        self.parent.log(message)

    def cancel(self) -> None:
        self.parent.cancel()

    def cancelled(self) -> bool:
        return self.parent.cancelled()


class ConsoleProgress(Progress):
    """CLI adapter: progress lines on stderr, at most a few per second."""

    def __init__(self, stream=None, min_interval: float = 0.5, quiet: bool = False) -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self.min_interval = min_interval
        self.quiet = quiet
        self._last = 0.0
        self._last_message = None

    def publish(self) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        if self.message == self._last_message and now - self._last < self.min_interval and self.fraction < 1.0:
            return
        self._last, self._last_message = now, self.message
        print(f"[{self.fraction * 100:5.1f}%] {self.message}", file=self.stream, flush=True)

    def log(self, message: str) -> None:
        if not self.quiet:
            print(message, file=self.stream, flush=True)
