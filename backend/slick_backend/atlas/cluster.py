"""Seep sources: candidate origins clustered across dates (weighted DBSCAN in metres), each cluster
split into its dense places.

DBSCAN with weights, on scipy's cKDTree: the neighbours of a candidate are the candidates within
``eps`` metres (itself included). A candidate is a core point when its neighbours weigh at least
MIN_CORE_WEIGHT and come from at least min(min_dates, 2) distinct dates (two fragments of one slick
or of one date do not make a core); clusters grow from core to core, and a non-core neighbour of a
core joins its cluster without growing it. A slick whose candidates fall in two clusters stays in the
heavier one (total candidate weight).

A cluster is a chain: at ``eps`` it also links the loose ends of fragments, tails and look-alikes
around and between the seeps. A seep is a dense place in it, where slicks start within a few hundred
metres on many dates (peaks(): the candidates within ``radius`` of a mean-shift position); each dense
place with slicks on >= ``min_dates`` distinct dates is a source, and the chain's other candidates are
noise. Without a radius, each whole cluster spanning >= ``min_dates`` dates is a source.

Per source (weights w_i, positions x_i, V1 = sum w, V2 = sum w^2):

- position: the weighted mean  mu = sum w_i x_i / V1;
- standard error: the weighted covariance C = sum w_i (x_i - mu)(x_i - mu)^T / (V1 - V2 / V1)
  divided by the effective number of candidates n_eff = V1^2 / V2 (n for equal weights);
- 95 % ellipse: semi-axes sqrt(5.991 * eigenvalue) of C / n_eff (5.991: the 0.95 quantile of
  chi-square with 2 degrees of freedom), each at least half a pixel; orientation: the major axis;
- confidence = (1 - 2^-n_dates) * (0.5 + 0.5 * directed share), the directed share being the share of
  the source's candidates that are told ends (weight 1: origins.py) rather than either-end guesses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

CHI2_95_2D = 5.991464547107979
MIN_CORE_WEIGHT = 1.0


@dataclass
class Source:
    x: float  # metres, atlas CRS
    y: float
    members: np.ndarray  # candidate indices
    slicks: list[int]  # slick indices
    dates: list[str]  # distinct YYYY-MM-DD, sorted
    semi_major_m: float
    semi_minor_m: float
    azimuth_grid_deg: float  # of the major axis, clockwise from grid north, [0, 180)
    directed_share: float
    confidence: float

    @property
    def n_dates(self) -> int:
        return len(self.dates)


def weighted_dbscan(xy: np.ndarray, weight: np.ndarray, date: np.ndarray, eps: float,
                    min_core_dates: int = 2) -> np.ndarray:
    """Cluster label per point (0, 1, ...; -1: noise). ``date``: an integer code per point."""
    from scipy.spatial import cKDTree

    labels = np.full(len(xy), -1, dtype=int)
    if len(xy) == 0:
        return labels
    neighbours = cKDTree(xy).query_ball_point(xy, r=eps)
    core = np.array([weight[n].sum() >= MIN_CORE_WEIGHT - 1e-9 and len(set(date[n].tolist())) >= min_core_dates
                     for n in neighbours], dtype=bool)
    label = 0
    for seed in np.flatnonzero(core):
        if labels[seed] != -1:
            continue
        labels[seed] = label
        stack = [seed]
        while stack:
            for k in neighbours[stack.pop()]:
                if labels[k] == -1:
                    labels[k] = label
                    if core[k]:
                        stack.append(k)
        label += 1
    return labels


def _groups(keys: np.ndarray, idx: np.ndarray) -> list[np.ndarray]:
    """``idx`` split into groups of equal ``keys[idx]``, by ascending key (one sort, not a scan per key)."""
    order = idx[np.argsort(keys[idx], kind="stable")]
    return np.split(order, np.flatnonzero(np.diff(keys[order])) + 1) if len(order) else []


def one_cluster_per_slick(labels: np.ndarray, weight: np.ndarray, slick: np.ndarray) -> np.ndarray:
    """A slick's candidates in two clusters: keep those in the heavier cluster, the others become noise."""
    labels = labels.copy()
    idx = np.flatnonzero(labels >= 0)
    if not len(idx):
        return labels
    totals = np.bincount(labels[idx], weights=weight[idx])
    for group in _groups(slick, idx):
        found = np.unique(labels[group])
        if len(found) > 1:
            best = found[np.argmax(totals[found])]
            labels[group[labels[group] != best]] = -1
    return labels


def peaks(xy: np.ndarray, weight: np.ndarray, date: np.ndarray, radius: float, min_dates: int) -> list[np.ndarray]:
    """The dense places of one cluster, densest first (indices into ``xy``). A place starts at the
    candidate with the most distinct dates within ``radius`` (then the most weight) and moves to the
    weighted mean of the candidates within ``radius`` of it (a flat-kernel mean shift) while that keeps
    as many dates; its members are the candidates within ``radius`` of where it stops. Members are out
    of the search for the next place; the search ends when no place gathers ``min_dates`` dates."""
    import heapq

    from scipy.spatial import cKDTree

    tree = cKDTree(xy)
    around = [np.asarray(n, int) for n in tree.query_ball_point(xy, r=radius)]
    left = np.ones(len(xy), bool)

    def near(members: np.ndarray) -> tuple[int, float]:
        return len(set(date[members].tolist())), float(weight[members].sum())

    def key(i: int) -> tuple[int, float, int]:
        dates, total = near(around[i][left[around[i]]])
        return -dates, -total, i

    # a max-heap of the starts, updated lazily: taking members only lowers the others' counts, so an
    # entry that is still right when popped is the best start
    heap = [key(i) for i in range(len(xy))]
    heapq.heapify(heap)
    found = []
    while heap:
        entry = heapq.heappop(heap)
        start = entry[2]
        if not left[start]:
            continue
        now = key(start)
        if now != entry:
            heapq.heappush(heap, now)
            continue
        if -now[0] < min_dates:
            break
        members = around[start][left[around[start]]]
        for _ in range(50):
            centre = (weight[members, None] * xy[members]).sum(axis=0) / weight[members].sum()
            moved = np.asarray(tree.query_ball_point(centre, r=radius), int)
            moved = np.sort(moved[left[moved]])
            if near(moved)[0] < near(members)[0] or np.array_equal(moved, np.sort(members)):
                break
            members = moved
        found.append(members)
        left[members] = False
    return found


def ellipse(xy: np.ndarray, weight: np.ndarray, floor: float) -> tuple[float, float, float, float, float]:
    """(x, y, semi-major, semi-minor, grid azimuth of the major axis) of the 95 % ellipse of the
    weighted mean of ``xy`` (module doc); semi-axes at least ``floor``."""
    v1, v2 = float(weight.sum()), float((weight**2).sum())
    mu = (weight[:, None] * xy).sum(axis=0) / v1
    d = xy - mu
    denom = v1 - v2 / v1
    cov = (weight[:, None, None] * d[:, :, None] * d[:, None, :]).sum(axis=0) / denom if denom > 1e-12 \
        else np.zeros((2, 2))
    values, vectors = np.linalg.eigh(cov / (v1**2 / v2))
    major = math.sqrt(CHI2_95_2D * max(float(values[1]), 0.0))
    minor = math.sqrt(CHI2_95_2D * max(float(values[0]), 0.0))
    azimuth = math.degrees(math.atan2(vectors[0, 1], vectors[1, 1])) % 180.0 if major > floor else 0.0
    return float(mu[0]), float(mu[1]), max(major, floor), max(minor, floor), azimuth


def confidence(n_dates: int, directed_share: float) -> float:
    return (1.0 - 2.0 ** -n_dates) * (0.5 + 0.5 * directed_share)


def attach_fragments(sources: list[Source], links: np.ndarray, has_origin: set[int] = frozenset()) -> None:
    """Add to each source the slicks that reach one of its slicks through the fragment links
    (fragments.continued_ends) and belong to no source: the other pieces of its plumes. A slick
    with a candidate origin of its own (``has_origin``) starts somewhere else, maybe at another
    seep whose plume touches this one: it is never attached, nor reached through."""
    owner = {i: k for k, src in enumerate(sources) for i in src.slicks}
    neighbours: dict[int, set] = {}
    for i, ends in enumerate(links):
        for j in ends[ends >= 0].tolist():
            neighbours.setdefault(i, set()).add(j)
            neighbours.setdefault(j, set()).add(i)
    frontier = list(owner)
    while frontier:  # breadth first: a piece joins the source of the nearest owned piece in its chain
        nxt = []
        for i in frontier:
            for j in sorted(neighbours.get(i, ())):
                if j not in owner and j not in has_origin:
                    owner[j] = owner[i]
                    sources[owner[i]].slicks.append(j)
                    nxt.append(j)
        frontier = nxt
    for src in sources:
        src.slicks.sort()


def find_sources(cand, slick_dates: list[str], eps: float, min_dates: int, floor: float,
                 links: np.ndarray | None = None, radius: float | None = None) -> list[Source]:
    """Sources from candidates (origins.Candidates), sorted by descending n_dates, then n_slicks,
    confidence, and position (for a stable order); with ``links``, each source also gets the plume
    pieces linked to its slicks (attach_fragments)."""
    codes = {d: k for k, d in enumerate(sorted(set(slick_dates)))}
    date = np.array([codes[slick_dates[s]] for s in cand.slick], dtype=int)
    labels = weighted_dbscan(cand.xy, cand.weight, date, eps, min(min_dates, 2))
    labels = one_cluster_per_slick(labels, cand.weight, cand.slick)
    if radius is not None:  # each cluster split into its dense places (peaks); the rest is noise
        split, count = np.full(len(labels), -1), 0
        for inside in _groups(labels, np.flatnonzero(labels >= 0)):
            for members in peaks(cand.xy[inside], cand.weight[inside], date[inside], radius, min_dates):
                split[inside[members]] = count
                count += 1
        labels = one_cluster_per_slick(split, cand.weight, cand.slick)
    sources = []
    for members in _groups(labels, np.flatnonzero(labels >= 0)):
        slicks = sorted(set(cand.slick[members].tolist()))
        dates = sorted({slick_dates[s] for s in slicks})
        if len(dates) < min_dates:
            continue
        x, y, major, minor, azimuth = ellipse(cand.xy[members], cand.weight[members], floor)
        share = float(cand.directed[members].mean())
        sources.append(Source(x, y, members, slicks, dates, major, minor, azimuth, share,
                              confidence(len(dates), share)))
    if links is not None:
        attach_fragments(sources, links, set(cand.slick.tolist()))
    sources.sort(key=lambda s: (-s.n_dates, -len(s.slicks), -s.confidence, s.x, s.y))
    return sources
