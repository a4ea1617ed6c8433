"""Candidate origins: where each slick may have left its seep, from its centreline.

The centreline is outline_shape.centreline (the medial axis, longest path, re-aimed ends) of each
polygon part; a slick's axis is the longest of its parts' lines, its length the sum of them. Oil
drifts away from the seep and spreads as it goes, so the seep is at the up-drift end, and at the
narrow end. Two cues tell the ends apart:

- drift: the scene has a drift direction d (degrees the drift goes towards, on the grid: the true
  bearing plus the grid azimuth of true north): the up-drift end has the smaller projection on
  (sin d, cos d); none when there is no drift or the axis is within PERPENDICULAR_DEG of square to it;
- shape: the outline's area within END_RADIUS_M of each end; the end with less area is the narrow end
  when its area is below NARROW_RATIO of the other's; none otherwise, and none for an axis shorter
  than 3 END_RADIUS_M (its end discs overlap too much to compare).

The cues that answer decide: one end (weight 1, "directed") when they agree or only one answers;
both ends (weight 0.5 each) when they disagree or neither answers. A slick with no axis (a speck too
small for one) gives a point inside its outline, weight 1, not directed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

PERPENDICULAR_DEG = 15.0
END_RADIUS_M = 600.0
NARROW_RATIO = 0.8


@dataclass
class Candidates:
    xy: np.ndarray  # [n, 2] metres, atlas CRS
    weight: np.ndarray  # [n]
    slick: np.ndarray  # [n] index of the slick each candidate comes from
    directed: np.ndarray  # [n] bool: the up-drift end of a slick with a drift direction


def axis(geom):
    """(the slick's axis: the longest centreline of its parts or None, total centreline length in m)."""
    from ..outline_shape import centreline

    lines = [line for line in (centreline(p) for p in getattr(geom, "geoms", [geom])) if line is not None]
    if not lines:
        return None, 0.0
    return max(lines, key=lambda line: line.length), float(sum(line.length for line in lines))


def candidate_origins(lines: list, inside: np.ndarray, drift_grid_deg: np.ndarray,
                      links: np.ndarray | None = None, narrow: np.ndarray | None = None) -> Candidates:
    """Candidates of every slick: ``lines`` its axis (or None), ``inside`` [n, 2] a point inside each
    outline, ``drift_grid_deg`` [n] the drift direction on the grid (NaN: none), ``links`` [n, 2] the
    slick continuing each axis end (fragments.continued_ends; -1: none): a continued end is no candidate;
    ``narrow`` [n] the narrow end (narrow_end: 0, 1; -1 when it cannot be told)."""
    xy, weight, slick, directed = [], [], [], []
    links = np.full((len(lines), 2), -1) if links is None else links
    narrow = np.full(len(lines), -1) if narrow is None else narrow

    def add(point, w: float, i: int, up: bool) -> None:
        xy.append(point)
        weight.append(w)
        slick.append(i)
        directed.append(up)

    for i, line in enumerate(lines):
        if line is None or line.length <= 0:
            add(inside[i], 1.0, i, False)
            continue
        ends = [np.asarray(line.coords[0], float), np.asarray(line.coords[-1], float)]
        told = {cue for cue in (_up_drift(ends[0], ends[1], drift_grid_deg[i]), int(narrow[i])) if cue in (0, 1)}
        if len(told) == 1:
            end = told.pop()
            if links[i, end] < 0:
                add(ends[end], 1.0, i, True)
            continue
        for k in (0, 1):
            if links[i, k] < 0:
                add(ends[k], 0.5, i, False)
    return Candidates(np.array(xy, float).reshape(-1, 2), np.array(weight, float), np.array(slick, int),
                      np.array(directed, bool))


def narrow_end(geom, line) -> int:
    """The narrow end of the axis ``line`` of ``geom`` (0: first vertex, 1: last; -1: not told apart)."""
    from shapely.geometry import Point

    if line is None or line.length < 3 * END_RADIUS_M:
        return -1  # the ends of a short slick are too close to compare
    area = [geom.intersection(Point(*line.coords[k]).buffer(END_RADIUS_M, 16)).area for k in (0, -1)]
    small = int(np.argmin(area))
    return small if area[small] < NARROW_RATIO * area[1 - small] else -1


def _up_drift(a: np.ndarray, b: np.ndarray, drift_deg: float) -> int | None:
    """Which end of the axis a-b (0: a, 1: b) the drift comes from; None when it cannot be told."""
    if not math.isfinite(drift_deg):
        return None
    u = np.array([math.sin(math.radians(drift_deg)), math.cos(math.radians(drift_deg))])
    along = b - a
    length = float(np.hypot(*along))
    if length <= 0 or abs(float(along @ u)) / length < math.sin(math.radians(PERPENDICULAR_DEG)):
        return None
    return 0 if a @ u < b @ u else 1
