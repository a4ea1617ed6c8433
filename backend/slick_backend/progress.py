"""The small progress and cancel protocol passed into every long library call.

Library code calls ``progress.update(fraction, message)`` and ``progress.check()`` (which
raises :class:`Cancelled` once cancel was requested). The CLI, the server's worker
processes and tests each provide an implementation; ``sub()`` maps a stage of a job onto a
slice of the parent's 0..1 range so nested steps need not know where they sit.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
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


def format_duration(seconds: float) -> str:
    """"40s", "3m20s", "1h05m"."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Eta:
    """Time left from the progress made since the first report: (1 - f) / rate, once there is
    enough to go on (some seconds and some progress), else None."""

    def __init__(self, min_seconds: float = 5.0, min_progress: float = 0.005) -> None:
        self.min_seconds, self.min_progress = min_seconds, min_progress
        self._start: tuple[float, float] | None = None

    def __call__(self, fraction: float, now: float | None = None) -> float | None:
        now = time.monotonic() if now is None else now
        if self._start is None or fraction < self._start[1]:  # first report, or a restart from lower
            self._start = (now, fraction)
            return None
        t0, f0 = self._start
        if now - t0 < self.min_seconds or fraction - f0 < self.min_progress or fraction >= 1.0:
            return None
        return (1.0 - fraction) * (now - t0) / (fraction - f0)


class ConsoleProgress(Progress):
    """CLI adapter, on stderr. On a terminal: one live line (bar, percent, message, ETA) redrawn
    in place at most 10 times a second, with log lines printed above it. Otherwise (a pipe, a
    log file, make): plain lines, one when the message changes (at most every ``min_interval``
    seconds) and at least every ``heartbeat`` seconds while progress is reported."""

    BAR = 24

    def __init__(self, stream=None, min_interval: float = 0.5, quiet: bool = False, live: bool | None = None,
                 heartbeat: float = 30.0) -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self.min_interval = min_interval
        self.quiet = quiet
        self.heartbeat = heartbeat
        if live is None:
            isatty = getattr(self.stream, "isatty", None)
            live = bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
        self.live = live
        self.eta = Eta()
        self._lock = threading.Lock()
        self._last = 0.0
        self._last_message = None
        self._drawn = ""  # the live line on screen ("" when none)

    def text(self, now: float | None = None) -> str:
        """The message with the time left, once it can be estimated."""
        eta = self.eta(self.fraction, now)
        return self.message + (f" · ETA {format_duration(eta)}" if eta is not None else "")

    def publish(self) -> None:
        if self.quiet:
            return
        with self._lock:
            now = time.monotonic()
            text = self.text(now)
            if self.live:
                if now - self._last < 0.1 and self.fraction < 1.0:
                    return
                self._last = now
                self._draw(text)
                if self.fraction >= 1.0:
                    self._end_line()
                return
            changed = self.message != self._last_message
            due = (changed and now - self._last >= self.min_interval) or now - self._last >= self.heartbeat
            if not due and not (self.fraction >= 1.0 and changed):
                return
            self._last, self._last_message = now, self.message
            print(f"[{self.fraction * 100:5.1f}%] {text}", file=self.stream, flush=True)

    def _draw(self, text: str) -> None:
        width = shutil.get_terminal_size((100, 20)).columns
        filled = int(round(self.BAR * self.fraction))
        bar = "#" * filled + "-" * (self.BAR - filled)
        line = f"[{bar}] {self.fraction * 100:5.1f}% {text}"[: max(20, width - 1)]
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
        self._drawn = line

    def _end_line(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = ""

    def log(self, message: str) -> None:
        if self.quiet:
            return
        with self._lock:
            if self.live and self._drawn:
                line = self._drawn
                self.stream.write("\r\x1b[K" + message + "\n" + line)
                self.stream.flush()
            else:
                print(message, file=self.stream, flush=True)

    def close(self) -> None:
        """End the live line (the CLI calls this before printing its result)."""
        with self._lock:
            self._end_line()


@contextlib.contextmanager
def quiet_logger(name: str):
    """Raise a library's logger to WARNING for a while: pyogrio logs "Created N records" at INFO
    for every write, one line per scene of noise on the console."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)
