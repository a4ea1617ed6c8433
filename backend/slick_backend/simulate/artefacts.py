"""What the sensor and the product add that is not the sea: sub-swath steps, mosaic seams,
missing-data holes, and spatially correlated speckle.

Real EW scenes show steps where sub-swaths meet (imperfect noise removal and calibration);
mosaics of several acquisitions show straight seams with different brightness on either
side, and square holes where tiles are missing (as in the real Arctic mosaics). A model that
has never seen a straight dark edge or a nodata border calls them slicks. GRD pixels are
also smaller than the radar's resolution, so speckle is correlated over ~2 pixels.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

HOLE_M = 6400.0  # the real mosaics miss whole tiles: 256 px at 25 m


def subswath_steps_db(geom, rng: np.random.Generator) -> np.ndarray:
    """Per-column dB offset: a random step at each sub-swath boundary (about half the scenes)."""
    steps = np.zeros(geom.cols, np.float32)
    if rng.random() < 0.5:
        return steps
    rng_km = geom.range_km()
    for sw in geom.mode.subswaths[1:]:
        steps[rng_km >= sw.start_km] += float(rng.normal(0.0, 0.6))
    return steps


def mosaic_seam_db(shape, rng: np.random.Generator) -> tuple[np.ndarray | None, float]:
    """A straight seam beyond which another acquisition is brighter or darker (a fifth of the scenes)."""
    if rng.random() >= 0.2:
        return None, 0.0
    h, w = shape
    angle = float(rng.uniform(-math.pi, math.pi))
    offset = float(rng.uniform(-0.35, 0.35)) * math.hypot(h, w)
    rows = np.arange(h, dtype=np.float32)[:, None] - h / 2
    cols = np.arange(w, dtype=np.float32)[None, :] - w / 2
    side = (cols * math.cos(angle) + rows * math.sin(angle)) > offset
    gain = float(rng.choice([-1, 1]) * rng.uniform(1.0, 6.0))
    return np.where(side, np.float32(gain), np.float32(0.0)), gain


def nodata_holes(geom, rng: np.random.Generator) -> np.ndarray | None:
    """Pixels (radar grid) inside missing map-aligned squares, as in the real mosaics (40 % of scenes)."""
    if rng.random() >= 0.4:
        return None
    t = geom.transform
    rows = np.arange(geom.rows, dtype=np.float64)[:, None] + 0.5
    cols = np.arange(geom.cols, dtype=np.float64)[None, :] + 0.5
    x = t.a * cols + t.b * rows + t.c
    y = t.d * cols + t.e * rows + t.f
    ox, oy = rng.uniform(0, HOLE_M, 2)
    ix = np.floor((x - ox) / HOLE_M).astype(np.int64)
    iy = np.floor((y - oy) / HOLE_M).astype(np.int64)
    cells = np.unique(np.stack([ix[::16, ::16].ravel(), iy[::16, ::16].ravel()], 1), axis=0)
    n = min(len(cells) - 1, int(rng.integers(1, 5)))
    if n < 1:
        return None
    pick = cells[rng.choice(len(cells), n, replace=False)]
    holes = np.zeros((geom.rows, geom.cols), bool)
    for cx, cy in pick:
        holes |= (ix == cx) & (iy == cy)
    return holes if holes.any() and not holes.all() else None


def correlated_speckle(shape, enl: float, corr_px: float, rng: np.random.Generator) -> np.ndarray:
    """Multiplicative speckle, mean 1 and variance 1 / ``enl`` per pixel, correlated over ``corr_px``.

    White Gamma speckle is drawn with more looks and then blurred with a Gaussian kernel of unit
    sum: the blur divides the variance by the kernel's sum of squares, which the extra looks undo.
    """
    if corr_px < 0.3:
        out = rng.standard_gamma(enl, size=shape, dtype=np.float32)
        out *= np.float32(1.0 / enl)
        return out
    kernel = np.exp(-0.5 * (np.arange(-4, 5) / corr_px) ** 2)
    kernel /= kernel.sum()
    reduction = float((kernel**2).sum()) ** 2  # separable: the 2-D kernel's sum of squares
    looks = enl * reduction
    out = rng.standard_gamma(looks, size=shape, dtype=np.float32)
    out *= np.float32(1.0 / looks)
    out = ndimage.correlate1d(out, kernel.astype(np.float32), axis=0, mode="reflect")
    out = ndimage.correlate1d(out, kernel.astype(np.float32), axis=1, mode="reflect")
    return np.maximum(out, np.float32(1e-4))
