"""Time left of a job, from the progress made since its first report (as the backend's CLI does)."""

from __future__ import annotations

import time

from ..i18n import tr


class Eta:
    """``eta(fraction)`` -> seconds left, or None while there is too little to go on."""

    def __init__(self, min_seconds: float = 5.0, min_progress: float = 0.005) -> None:
        self.min_seconds, self.min_progress = min_seconds, min_progress
        self._start: tuple[float, float] | None = None

    def __call__(self, fraction: float, now: float | None = None) -> float | None:
        now = time.monotonic() if now is None else now
        if self._start is None or fraction < self._start[1]:
            self._start = (now, fraction)
            return None
        t0, f0 = self._start
        if now - t0 < self.min_seconds or fraction - f0 < self.min_progress or fraction >= 1.0:
            return None
        return (1.0 - fraction) * (now - t0) / (fraction - f0)


def eta_text(seconds: float | None) -> str:
    """"about 3 min left"; "" when unknown."""
    if seconds is None:
        return ""
    if seconds < 60:
        return tr("about {n} s left").format(n=max(5, int(round(seconds / 5.0)) * 5))
    if seconds < 3600:
        return tr("about {n} min left").format(n=int(round(seconds / 60.0)))
    minutes = int(round(seconds / 60.0))
    return tr("about {h} h {m:02d} min left").format(h=minutes // 60, m=minutes % 60)
