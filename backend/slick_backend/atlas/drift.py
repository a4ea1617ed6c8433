"""The drift CSV: per scene, the direction the surface drift carries oil towards.

Columns (header row, any order, any case): ``scene``, ``drift_to_deg`` (degrees clockwise from
true north; an empty cell: no direction for that scene), optional ``acq_time`` (ISO 8601). Other
columns (the simulator's ``wind_to_deg``) are ignored. A bad row is an error that names FILE:LINE.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .timeline import parse_time

REQUIRED = ("scene", "drift_to_deg")


@dataclass(frozen=True)
class DriftRow:
    scene: str
    drift_to_deg: float | None  # None: no direction given for this scene
    acq_time: object = None  # datetime (UTC) or None


def read_drift(path: str) -> dict[str, DriftRow]:
    """{scene id in lower case: row}; {} when no path is given."""
    if not path:
        return {}
    file = Path(path)
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            return _rows(file, csv.reader(handle))
    except FileNotFoundError:
        raise InputError(f"--drift {file}: no such file; give a CSV with columns scene, drift_to_deg") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"--drift {file}: cannot be read as CSV ({exc}); save it as UTF-8 text with a header "
                         "row scene,drift_to_deg[,acq_time]") from None


def _rows(file: Path, reader) -> dict[str, DriftRow]:
    header = next(reader, None)
    names = [h.strip().lower() for h in header or []]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(f"{file}:1: no column {', '.join(missing)} in the header ({', '.join(names) or 'empty'}); "
                         "the drift CSV needs scene and drift_to_deg (degrees the drift goes towards)")
    col = {name: names.index(name) for name in (*REQUIRED, "acq_time") if name in names}
    rows: dict[str, DriftRow] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        row = _row(file, line, col, cells)
        key = row.scene.lower()
        if key in rows:
            raise InputError(f"{file}:{line}: scene {row.scene} is listed twice; give one row per scene")
        rows[key] = row
    return rows


def _row(file: Path, line: int, col: dict[str, int], cells: list[str]) -> DriftRow:
    def cell(name: str) -> str:
        i = col.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    scene = cell("scene")
    if not scene:
        raise InputError(f"{file}:{line}: no scene id in this row; every row names the scene it is for")
    text, direction = cell("drift_to_deg"), None
    if text:
        try:
            direction = float(text)
        except ValueError:
            direction = math.nan
        if not math.isfinite(direction):
            raise InputError(f"{file}:{line}: drift_to_deg {text!r} is not a number; give degrees clockwise from "
                             "north that the drift goes towards (0..360), or leave the cell empty")
        direction %= 360.0
    stamp = None
    if cell("acq_time"):
        stamp = parse_time(cell("acq_time"))
        if stamp is None:
            raise InputError(f"{file}:{line}: acq_time {cell('acq_time')!r} is not an ISO 8601 time "
                             "(e.g. 2021-06-01T07:12:30); fix it or leave the cell empty")
    return DriftRow(scene, direction, stamp)
