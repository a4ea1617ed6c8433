"""Fragments: a slick that continues another slick of the same scene is not a seep's end.

Thresholding breaks a plume into pieces and a branched plume is often outlined as a trunk plus
branches. The end of a piece's axis that another slick of the same scene continues (beyond the end,
along the axis: that slick meets the disc of radius GAP_M / 2 centred 0.6 GAP_M past the end) is a
junction, not an extremity of the plume: it is no candidate origin. The piece is linked to the slick
that continues it and supports the same source (origins.py, cluster.py).
"""

from __future__ import annotations

import numpy as np

GAP_M = 500.0  # a gap up to about this wide between two pieces of one plume still joins them


def continued_ends(geoms: list, lines: list, scene: np.ndarray, gap: float = GAP_M) -> np.ndarray:
    """[n, 2] index of the slick (same scene) that continues each axis end (first, last vertex); -1 if none."""
    import shapely

    links = np.full((len(geoms), 2), -1, dtype=int)
    for s in np.unique(scene):
        members = np.flatnonzero(scene == s)
        if len(members) < 2:
            continue
        tree = shapely.STRtree([geoms[i] for i in members])
        for i in members:
            for end, disc in enumerate(_end_discs(lines[i], gap)):
                if disc is None:
                    continue
                hits = [members[k] for k in tree.query(disc, predicate="intersects") if members[k] != i]
                if hits:
                    links[i, end] = min(hits, key=lambda k: geoms[k].distance(disc.centroid))
    return links


def _end_discs(line, gap: float) -> list:
    """The discs past each end of an axis (None where the axis is too short to give a direction)."""
    from shapely.geometry import Point

    if line is None or line.length <= 0:
        return [None, None]
    discs = []
    for end, along in ((0, min(gap, line.length / 2)), (-1, max(line.length - gap, line.length / 2))):
        tip = np.asarray(line.coords[end], float)
        inner = np.asarray(line.interpolate(along).coords[0], float)
        out = tip - inner
        norm = float(np.hypot(*out))
        discs.append(None if norm <= 0 else Point(*(tip + 0.6 * gap * out / norm)).buffer(gap / 2, 16))
    return discs
