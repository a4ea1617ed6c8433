"""Shape of a slick outline: centreline, widths and the rectangle-based descriptors.

Centreline of one polygon part (see docs/outlines.md for the definitions in words):

1. The outline's rings are sampled every ``spacing`` metres (a fifth of the mean width
   2A/P, coarser when the part would need more than MAX_SAMPLES points, never finer than
   MIN_SPACING_M).
2. The Voronoi edges of the samples (from their Delaunay triangulation) that lie strictly
   inside the part approximate its medial axis (the centres of the largest inscribed disks);
   they form a graph.
3. The longest path through that graph (two Dijkstra sweeps: exact on a tree, a close
   approximation around holes) runs from end to end of the slick.
4. Its two ends are re-aimed: the medial axis of a blunt or square end forks into the corners
   (a 10 x 1 km rectangle's axis is 10.41 km corner to corner). From each end, the part of the
   path that is shorter than END_TRIM times the local half-width is dropped, and the path is
   extended straight along its remaining direction to the outline. A rectangle then gives
   its long side, a stadium or ellipse its full length, a tapering tail keeps its tip.
5. Shapes without a usable axis (a disk: all Voronoi edges cross the outline; squat shapes,
   up to about 1.6 times as long as wide: the trimming eats the whole path) get the chord
   through their widest point along the minimum rotated rectangle's long axis.
6. The line is simplified (Douglas-Peucker) at the sample spacing: the medial axis of a
   pixel staircase zigzags by a few metres.

Everything is computed in coordinates relative to the part's corner: qhull (scipy's Delaunay)
and the circumcentres lose precision on UTM magnitudes.
"""

from __future__ import annotations

import math

import numpy as np

MAX_SAMPLES = 1500  # outline samples per part: bounds the cost of the Voronoi diagram
MIN_SPACING_M = 1.0  # finer than any outline from 10-25 m pixels means; keeps slivers cheap
SAMPLES_PER_WIDTH = 5.0  # samples across the mean width 2A/P
END_TRIM = 2.0  # path ends shorter than this many half-widths are re-aimed (see the module doc)


def rectangle_axes(geom) -> tuple[float, float, float]:
    """(long side, short side, azimuth of the long side in degrees clockwise from grid north in
    [0, 180)) of the minimum-area rotated rectangle around ``geom``."""
    import shapely

    x0, y0 = geom.bounds[:2]  # relative to the corner: at UTM magnitudes a 1 km rectangle is off by 1e-8
    rect = shapely.oriented_envelope(shapely.transform(geom, lambda xy: xy - (x0, y0)))
    coords = shapely.get_coordinates(rect)
    if len(coords) < 2:
        return 0.0, 0.0, 0.0
    sides = np.diff(coords[:3], axis=0)  # two adjacent sides (a segment when degenerate)
    lengths = np.hypot(sides[:, 0], sides[:, 1])
    k = int(np.argmax(lengths))
    dx, dy = sides[k]
    azimuth = math.degrees(math.atan2(dx, dy)) % 180.0
    if azimuth >= 180.0 - 1e-9:  # atan2 of -0.0 and rounding: keep the range half-open
        azimuth = 0.0
    return float(lengths.max()), float(lengths.min()), azimuth


def shape_attributes(geom) -> tuple[dict, object]:
    """The outline's shape attributes (metres, km2, km; see docs/outlines.md) and its centreline
    (a MultiLineString: one line per polygon part)."""
    from shapely.geometry import MultiLineString

    area, perimeter = geom.area, geom.length
    long_side, short_side, azimuth = rectangle_axes(geom)
    lines = [line for line in (centreline(p) for p in getattr(geom, "geoms", [geom])) if line is not None]
    centre = MultiLineString(lines)
    length = centre.length
    attrs = {
        "area_km2": area / 1e6,
        "perimeter_km": perimeter / 1e3,
        "length_km": long_side / 1e3,
        "centerline_km": length / 1e3,
        "mean_width_m": area / length if length > 0 else None,
        "polsby_popper": 4 * math.pi * area / perimeter**2 if perimeter > 0 else None,
        "fill_factor": area / (long_side * short_side) if long_side * short_side > 0 else None,
        "aspect_ratio": long_side / short_side if short_side > 0 else None,
        "orientation_deg": azimuth,
    }
    return attrs, centre


def centreline(part):
    """Centreline of one Polygon (module doc) as a LineString; None for an empty part."""
    import shapely

    if part.is_empty or part.area <= 0:
        return None
    x0, y0 = part.bounds[:2]
    local = shapely.transform(part, lambda xy: xy - (x0, y0))
    shapely.prepare(local)
    spacing = max(2 * local.area / local.length / SAMPLES_PER_WIDTH, local.length / MAX_SAMPLES, MIN_SPACING_M)
    samples = _ring_samples(local, spacing)
    path, radius = _medial_path(local, samples)
    coords = _re_aim(local, path, radius, spacing)
    if coords is None:
        coords = _fallback_chord(local, path, radius)
    if len(coords) < 2:
        return None
    # The zigzag of a staircase's medial axis adds 2-4 % to the length of a thin oblique slick.
    return shapely.LineString(np.asarray(coords) + (x0, y0)).simplify(spacing)


def _ring_samples(local, spacing: float) -> np.ndarray:
    """Points along the rings: every vertex plus points at most ``spacing`` apart; when that
    is more than MAX_SAMPLES (outlines with thousands of vertices), evenly spaced points only."""
    import shapely

    dense = shapely.segmentize(local, spacing)
    if shapely.get_num_coordinates(dense) <= MAX_SAMPLES:
        rings = [dense.exterior, *dense.interiors]
        points = np.concatenate([shapely.get_coordinates(r)[:-1] for r in rings])  # closing point once
    else:
        step = local.length / MAX_SAMPLES
        points = np.concatenate([_even_points(r, step) for r in (local.exterior, *local.interiors)])
    return np.unique(points, axis=0)  # rings touching at a vertex: qhull wants distinct points


def _even_points(ring, step: float) -> np.ndarray:
    """About ring.length / step points evenly spaced along the ring (at least 3: a pinhole
    still gets a triangle); linear in the vertex count, unlike GEOS's point-by-point interpolation."""
    import shapely

    xy = shapely.get_coordinates(ring)
    along = np.r_[0.0, np.cumsum(np.hypot(*np.diff(xy, axis=0).T))]
    n = max(3, round(along[-1] / step))
    at = np.arange(n) * (along[-1] / n)
    return np.column_stack([np.interp(at, along, xy[:, 0]), np.interp(at, along, xy[:, 1])])


def _medial_path(local, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ordered points of the longest path through the inside Voronoi edges, and their distance
    to the nearest outline sample (the local half-width); empty arrays when there is no edge."""
    import shapely
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    empty = np.empty((0, 2)), np.empty(0)
    voronoi = _voronoi_edges(samples)
    if voronoi is None:
        return empty
    centres, radius, u, v = voronoi
    inside = np.zeros(len(centres), bool)
    finite = np.isfinite(centres).all(axis=1)
    inside[finite] = shapely.contains_xy(local, centres[finite, 0], centres[finite, 1])
    keep = inside[u] & inside[v]
    u, v = u[keep], v[keep]
    if len(u):  # both ends inside is not enough in a concave bend: the edge itself must be
        keep = shapely.contains_properly(local, shapely.linestrings(np.stack([centres[u], centres[v]], axis=1)))
        u, v = u[keep], v[keep]
    if len(u) == 0:
        return empty
    weight = np.hypot(*(centres[u] - centres[v]).T) + 1e-9  # > 0: csgraph drops zero-weight edges
    n = len(centres)
    graph = sparse.coo_matrix((np.r_[weight, weight], (np.r_[u, v], np.r_[v, u])), shape=(n, n)).tocsr()
    _, label = connected_components(graph, directed=False)
    biggest = int(np.argmax(np.bincount(label[u], weights=weight)))  # the main axis, not an islet
    path = _diameter(graph, int(u[label[u] == biggest][0]))
    return centres[path], radius[path]


def _voronoi_edges(samples: np.ndarray):
    """The Voronoi diagram of the samples as the dual of their Delaunay triangulation:
    (vertices = circumcentres [n, 2], circumradii [n], edge ends u, v: triangles sharing a
    side). Faster than building the Voronoi regions; None when the samples are degenerate."""
    from scipy.spatial import Delaunay, QhullError

    try:
        tri = Delaunay(samples)
    except (QhullError, ValueError):  # too few or collinear samples
        return None
    a, b, c = samples[tri.simplices].transpose(1, 0, 2)
    ba, ca = b - a, c - a
    with np.errstate(divide="ignore", invalid="ignore"):  # flat triangles: infinite centre, dropped
        d = 2.0 * (ba[:, 0] * ca[:, 1] - ba[:, 1] * ca[:, 0])
        bb, cc = (ba**2).sum(axis=1), (ca**2).sum(axis=1)
        rel = np.column_stack([ca[:, 1] * bb - ba[:, 1] * cc, ba[:, 0] * cc - ca[:, 0] * bb]) / d[:, None]
    u = np.repeat(np.arange(len(tri.simplices)), 3)
    v = tri.neighbors.ravel()
    once = v > u  # each shared side once; -1 (the hull side) drops out too
    return a + rel, np.hypot(rel[:, 0], rel[:, 1]), u[once], v[once]


def _diameter(graph, start: int) -> list[int]:
    """Node indices of the longest shortest path found by two Dijkstra sweeps from ``start``."""
    from scipy.sparse.csgraph import dijkstra

    dist = dijkstra(graph, directed=False, indices=start)
    a = int(np.argmax(np.where(np.isfinite(dist), dist, -1.0)))
    dist, pred = dijkstra(graph, directed=False, indices=a, return_predecessors=True)
    b = int(np.argmax(np.where(np.isfinite(dist), dist, -1.0)))
    path = [b]
    while path[-1] != a:
        path.append(int(pred[path[-1]]))
    return path[::-1]


def _re_aim(local, path: np.ndarray, radius: np.ndarray, spacing: float):
    """The path with both ends trimmed and extended to the outline (module doc, step 4);
    None when the trimming leaves nothing."""
    if len(path) < 2:
        return None
    along = np.r_[0.0, np.cumsum(np.hypot(*np.diff(path, axis=0).T))]
    total = along[-1]
    first = np.flatnonzero(along >= END_TRIM * radius)
    last = np.flatnonzero(total - along >= END_TRIM * radius)
    if len(first) == 0 or len(last) == 0 or first[0] >= last[-1]:
        return None
    i0, i1 = int(first[0]), int(last[-1])
    kept = path[i0 : i1 + 1]
    # Direction at each end: over about one half-width of path, not the last Voronoi step.
    j0 = min(int(np.searchsorted(along, along[i0] + max(radius[i0], 2 * spacing))), i1)
    j1 = max(int(np.searchsorted(along, along[i1] - max(radius[i1], 2 * spacing), side="right")) - 1, i0)
    head = _ray_exit(local, path[i0], path[i0] - path[j0])
    tail = _ray_exit(local, path[i1], path[i1] - path[j1])
    return [p for p in (head,) if p is not None] + list(kept) + [p for p in (tail,) if p is not None]


def _fallback_chord(local, path: np.ndarray, radius: np.ndarray) -> list:
    """The chord along the minimum rotated rectangle's long axis through the widest point of
    the path (a point inside the part when there is no path)."""
    from shapely import get_coordinates

    centre = path[int(np.argmax(radius))] if len(path) else get_coordinates(local.point_on_surface())[0]
    azimuth = math.radians(rectangle_axes(local)[2])
    direction = np.array([math.sin(azimuth), math.cos(azimuth)])
    ends = [_ray_exit(local, centre, -direction), _ray_exit(local, centre, direction)]
    return [p for p in (ends[0], centre, ends[1]) if p is not None]


def _ray_exit(local, origin: np.ndarray, direction: np.ndarray):
    """Where a ray from ``origin`` (inside the part) first meets the outline; None if nowhere."""
    import shapely

    norm = float(np.hypot(*direction))
    if norm < 1e-12:
        return None
    x0, y0, x1, y1 = local.bounds
    far = 2.0 * math.hypot(x1 - x0, y1 - y0) + 1.0
    ray = shapely.LineString([origin, origin + direction / norm * far])
    hits = shapely.get_coordinates(shapely.intersection(local.boundary, ray))
    if len(hits) == 0:
        return None
    d = np.hypot(*(hits - origin).T)
    d[d < 1e-9] = np.inf  # the origin itself, when it lies on the outline
    return hits[int(np.argmin(d))] if np.isfinite(d.min()) else None
