"""Observations: every coverage scene with its footprint, date and drift, and the slicks seen in it.

Slicks are matched to coverage scenes by scene id, without regard to case (an outline file without a
``scene`` field is matched by its file name, or that name less a ``_slicks`` suffix, as predict names
its outputs). A slick whose scene is in no coverage entry is an error: its scene was looked at, but
where it was looked at is unknown. A scene's time: its outlines' ``acq_time``, else the coverage
scene's own (file name, tags, footprint field), else the drift CSV's; none of them is an error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from .timeline import day, iso

log = logging.getLogger(__name__)


@dataclass
class Observation:
    scene: str
    source: str  # the coverage file the footprint came from
    footprint: object  # shapely geometry, atlas CRS
    acq_time: str  # ISO 8601, UTC
    date: str  # YYYY-MM-DD
    drift_to_deg: float | None
    slicks: list[int] = field(default_factory=list)  # indices of the slicks seen in the scene


def _index(footprints) -> dict[str, int]:
    index: dict[str, int] = {}
    for k, fp in enumerate(footprints):
        key = fp.scene.lower()
        if key in index:
            raise InputError(f"--coverage: scene {fp.scene} is given twice ({footprints[index[key]].source} and "
                             f"{fp.source}); give each scene once")
        index[key] = k
    return index


def match_slicks(slicks, footprints) -> np.ndarray:
    """The coverage index of each slick's scene; InputError naming the scenes no coverage entry covers."""
    index = _index(footprints)
    found = np.empty(len(slicks), dtype=int)
    missing: dict[str, str] = {}
    for i, s in enumerate(slicks):
        key = s.scene.lower()
        if key not in index and not s.named and key.endswith("_slicks"):
            key = key[: -len("_slicks")]
        if key in index:
            found[i] = index[key]
        else:
            missing.setdefault(s.scene, s.file)
    if missing:
        names = sorted(missing)
        shown = ", ".join(f"{n} (in {missing[n]})" for n in names[:5]) + (f" and {len(names) - 5} more"
                                                                          if len(names) > 5 else "")
        raise InputError(f"--coverage covers no scene named {shown}: add those scenes (or their footprints) to "
                         "--coverage, so that where they were looked at is known")
    return found


def observations(footprints, slicks, slick_scene: np.ndarray, drift: dict) -> list:
    """One Observation per footprint (in the order given), with the time chain of the module doc."""
    out = []
    for k, fp in enumerate(footprints):
        seen = np.flatnonzero(slick_scene == k).tolist()
        row = drift.get(fp.scene.lower())
        stamp = next((slicks[i].acq_time for i in seen if slicks[i].acq_time is not None), None)
        stamp = stamp or fp.acq_time or (row.acq_time if row else None)
        if stamp is None:
            where = slicks[seen[0]].file if seen else fp.source
            raise InputError(f"{where}: no acquisition time for scene {fp.scene} (no acq_time in its outlines, "
                             "none in the scene's name, tags or footprint); add an acq_time column to the --drift "
                             "CSV (or to the outlines)")
        direction = row.drift_to_deg if row else None
        out.append(Observation(fp.scene, fp.source, fp.geom, iso(stamp), day(stamp), direction, seen))
    unused = sorted(set(drift) - {fp.scene.lower() for fp in footprints})
    if unused:
        log.warning("--drift: %d row(s) name scenes not in --coverage (e.g. %s); they are not used",
                    len(unused), unused[0])
    return out
