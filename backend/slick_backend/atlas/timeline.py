"""Acquisition times: parse what outline fields, scene tags and the drift CSV hold; one date per scene.

A scene's time comes from its outlines' ``acq_time``, else from the coverage scene (file name or
tags, or a footprint's ``acq_time`` field), else from the drift CSV. Dates are UTC calendar days
(YYYY-MM-DD); a time without a zone is taken as UTC (Sentinel-1 times are).
"""

from __future__ import annotations

import datetime as dt
import re

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_time(value) -> dt.datetime | None:
    """An ISO 8601 time (or date) as an aware UTC datetime; None for an empty value or one that is
    not a time."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        stamp = value
    else:
        text = str(value).strip()
        if not text or text.lower() in ("nat", "nan", "none", "null"):
            return None
        if _DATE_ONLY.match(text):
            text += "T00:00:00"
        try:
            stamp = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
        except ValueError:
            return None
    if stamp.tzinfo is None:
        return stamp.replace(tzinfo=dt.timezone.utc)
    return stamp.astimezone(dt.timezone.utc)


def iso(stamp: dt.datetime) -> str:
    """UTC, seconds, no zone suffix: how outlines and manifests write acquisition times."""
    return stamp.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")


def day(stamp: dt.datetime) -> str:
    return stamp.astimezone(dt.timezone.utc).date().isoformat()
