"""Time series per source: one row per source x covering scene.

A scene covers a source when the source's position lies in the scene's footprint (or the scene holds
one of the source's slicks, should the position fall just outside it). ``detected`` is 1 when the
scene holds a slick of the source; area_km2 and length_km are then the sums over those slicks of the
outline's area and its centreline length (both measured in the atlas UTM grid), empty otherwise.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np

COLUMNS = ["source_id", "scene", "date", "detected", "area_km2", "length_km"]


@dataclass
class Row:
    source_id: int
    scene: str
    date: str
    detected: int
    area_km2: float | None
    length_km: float | None


def covering(source, observations) -> list[int]:
    """Indices of the observations covering the source, by date then scene id."""
    import shapely

    held = {k for k, obs in enumerate(observations) if set(obs.slicks) & set(source.slicks)}
    found = [k for k, obs in enumerate(observations)
             if k in held or (not obs.footprint.is_empty and shapely.intersects_xy(obs.footprint, source.x, source.y))]
    return sorted(found, key=lambda k: (observations[k].date, observations[k].acq_time, observations[k].scene))


def source_rows(source_id: int, source, observations, area_m2: np.ndarray, length_m: np.ndarray) -> list[Row]:
    rows = []
    mine = set(source.slicks)
    for k in covering(source, observations):
        obs = observations[k]
        here = [i for i in obs.slicks if i in mine]
        if here:
            rows.append(Row(source_id, obs.scene, obs.date, 1, float(area_m2[here].sum()) / 1e6,
                            float(length_m[here].sum()) / 1e3))
        else:
            rows.append(Row(source_id, obs.scene, obs.date, 0, None, None))
    return rows


def write_timeseries(path, rows: list[Row]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for r in rows:
            out.writerow([r.source_id, r.scene, r.date, r.detected, "" if r.area_km2 is None else f"{r.area_km2:.6f}",
                          "" if r.length_km is None else f"{r.length_km:.4f}"])
