"""Does the sea around an outline look like sea ice? A per-outline flag (``ice_like``) and the
score it thresholds (``ice_score``), from the stretched image in a ring around the outline.

Sea ice in Sentinel-1 EW HH, against open water: nearly flat in incidence where water darkens
with it, so at mid and far range pack ice is brighter than the water around it, with bright
ridges and floe edges; the dark look-alikes inside ice (leads, new ice) are what the flag is for.
In the scene's 2-sigma stretch (the image predict feeds the model, whose mean is at 128), ice
surroundings are therefore bright, and many of their pixels reach the top of the stretch.

How (bounded memory, no extra read of the scene): while predict or baseline stream the
stretched image strip by strip, ``IceField.add`` sums each BLOCK_M x BLOCK_M block's valid
pixels (count, sum of values, count at or above BRIGHT): 3 float32 per block, 1/300 of the
grid's pixels at 25 m. Pixels masked as land or by the analyst's masks are not counted. After
the last strip, ``IceField.attributes(geometry)`` takes the blocks that the outline does not
touch, lie within RING_M of it and are at least half valid, and from their pixels:

  mean   = mean stretched value / 255          (0..1; the scene's mean is about 0.5)
  bright = share of pixels at or above BRIGHT   (0..1)
  ice_score = 1 / (1 + exp(-(W0 + W_MEAN * mean + W_BRIGHT * bright)))    ice_like = ice_score >= THRESHOLD

The weights are a logistic fit, and the threshold a choice, made on simulated EW scenes against
the simulator's ice truth (benchmarks/bench_ice_flag.py); docs/outlines.md gives the measured
precision and recall and what the flag misses (ice no brighter than the water, at near range).
"""

from __future__ import annotations

import math

import numpy as np

BLOCK_M = 250.0  # block side (m)
RING_M = 3000.0  # how far around the outline the surroundings are judged
BRIGHT = 230.0  # stretched level of "bright" pixels: the scene's mean + 1.6 standard deviations
MIN_VALID = 0.5  # a block counts when at least this share of its pixels is valid
MIN_BLOCKS = 8  # fewer ring blocks than this (2 km² at 250 m): no score
W0, W_MEAN, W_BRIGHT = -4.9, 5.0, 1.8
THRESHOLD = 0.5


class IceField:
    """Block sums of the stretched image of ``grid``, fed in strips; then per-outline scores."""

    def __init__(self, grid, block_m: float = BLOCK_M) -> None:
        self.grid = grid
        from affine import Affine

        self.b = max(2, int(round(block_m / grid.pixel_size)))
        self._block = grid.affine @ Affine.scale(self.b)  # block (col, row) -> map
        self._to_block = ~self._block
        shape = (-(-grid.height // self.b), -(-grid.width // self.b))
        self.sums = np.zeros((3,) + shape, np.float32)  # valid count, sum of values, bright count
        self._next_row = 0

    def add(self, row: int, image: np.ndarray, valid: np.ndarray) -> None:
        """Rows [row, row + h) of the grid, full width: the stretched image (0..255) and validity."""
        h = valid.shape[0]
        if image is None or row != self._next_row or image.shape != (h, self.grid.width):
            raise ValueError(f"ice field: give the stretched image of each strip, in order and full width "
                             f"(row {row}, expected row {self._next_row} and width {self.grid.width})")
        self._next_row += h
        if not h:
            return
        parts = (valid, np.where(valid, image, 0), valid & (image >= BRIGHT))
        rows = np.arange(row, row + h) // self.b
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        cols = np.arange(0, self.grid.width, self.b)
        for k, a in enumerate(parts):
            blocks = np.add.reduceat(np.add.reduceat(a.astype(np.float32), starts, axis=0), cols, axis=1)
            self.sums[k, rows[starts]] += blocks

    def features(self, geom) -> dict | None:
        """``mean`` and ``bright`` of the ring around ``geom`` (map coordinates of the grid), and its
        size in ``blocks``; None when fewer than MIN_BLOCKS ring blocks are valid."""
        ring = self._ring(geom)
        if ring is None:
            return None
        n, total, bright = (float(self.sums[k][ring].sum(dtype=np.float64)) for k in range(3))
        return {"mean": total / n / 255.0, "bright": bright / n, "blocks": int(ring[0].size)}

    def _ring(self, geom):
        """Indices of the blocks outside ``geom`` (not touched by it), within RING_M of it and valid."""
        import shapely
        from scipy.ndimage import distance_transform_edt

        if geom is None or geom.is_empty:
            return None
        bh, bw = self.sums.shape[1:]
        block_m = self.b * self.grid.pixel_size
        block, to_block = self._block, self._to_block
        x0, y0, x1, y1 = geom.bounds
        cols, rows = to_block @ (np.array([x0, x1, x0, x1]), np.array([y0, y0, y1, y1]))
        pad = int(math.ceil(RING_M / block_m)) + 1
        r0, r1 = max(0, int(np.floor(rows.min())) - pad), min(bh, int(np.ceil(rows.max())) + pad)
        c0, c1 = max(0, int(np.floor(cols.min())) - pad), min(bw, int(np.ceil(cols.max())) + pad)
        if r1 <= r0 or c1 <= c0:
            return None
        # Touched: the blocks whose centre is inside, and those the boundary crosses (sampled every
        # half block), so that a slick narrower than a block still touches the blocks it lies in.
        cc, rr = np.meshgrid(np.arange(c0, c1) + 0.5, np.arange(r0, r1) + 0.5)
        shapely.prepare(geom)
        touched = shapely.contains_xy(geom, *(block @ (cc, rr)))
        xy = shapely.get_coordinates(shapely.segmentize(shapely.boundary(geom), block_m / 2))
        bc, br = to_block @ (xy[:, 0], xy[:, 1])
        br, bc = np.floor(br).astype(int) - r0, np.floor(bc).astype(int) - c0
        inside = (br >= 0) & (br < r1 - r0) & (bc >= 0) & (bc < c1 - c0)
        touched[br[inside], bc[inside]] = True
        dist = distance_transform_edt(~touched) * block_m
        valid = self.sums[0, r0:r1, c0:c1] >= MIN_VALID * self.b * self.b
        rr, cc = np.nonzero((dist > 0) & (dist <= RING_M) & valid)
        if rr.size < MIN_BLOCKS:
            return None
        return rr + r0, cc + c0

    def attributes(self, geom) -> dict:
        """``ice_score`` (0..1, 3 decimals) and ``ice_like`` (0/1); both None without enough surroundings."""
        f = self.features(geom)
        if f is None:
            return {"ice_score": None, "ice_like": None}
        score = round(score_of(f), 3)
        return {"ice_score": score, "ice_like": int(score >= THRESHOLD)}


def score_of(f: dict) -> float:
    """The logistic ice score of ring features (``features``)."""
    z = W0 + W_MEAN * f["mean"] + W_BRIGHT * f["bright"]
    return 1.0 / (1.0 + math.exp(-z))
