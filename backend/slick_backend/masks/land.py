"""Land from GSHHG, the Global Self-consistent Hierarchical High-resolution Shoreline database
(Wessel & Smith 1996), full resolution, through the ``roaring-landmask`` package (PyPI, MIT):
its bitmap of 15 arc-second cells that touch land (about 460 m north-south; narrower east-west
towards the poles). A cell touching land counts as land, so the mask can reach up to one cell
beyond the shoreline and never leaves land unmasked. The buffer (default 1 km) is added on the
output grid with a Euclidean distance transform, and a window is padded by the buffer so that
land just outside it still masks its edge. The bitmap loads once per process (~1.5 s, ~0.4 GB).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ..errors import SlickError

CELL_DEG = 1 / 240  # the bitmap's cell size


@lru_cache(maxsize=1)
def _bitmap():
    try:
        import roaring_landmask
    except ImportError as exc:  # pragma: no cover - installed by make install
        raise SlickError("the land mask needs the roaring-landmask package (run make install), or turn the "
                         "land mask off") from exc
    return roaring_landmask.RoaringMask.new(roaring_landmask.LandmaskProvider.Gshhg)


def land_at(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """True where a point (degrees) is in a GSHHG cell that touches land."""
    lon = ((np.asarray(lon, np.float64) + 180.0) % 360.0) - 180.0
    lat = np.asarray(lat, np.float64)
    out = np.zeros(lon.shape, bool)
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) < 90)
    if ok.any():
        out[ok] = np.asarray(_bitmap().contains_many(lon[ok].ravel(), lat[ok].ravel()), bool)
    return out


class LandMask:
    def __init__(self, buffer_m: float = 1000.0) -> None:
        if not (math.isfinite(buffer_m) and 0 <= buffer_m <= 50_000):
            raise ValueError(f"land buffer {buffer_m} m out of 0..50 km")
        self.buffer_m = buffer_m

    def describe(self) -> dict:
        return {"mask": "land", "source": "GSHHG full resolution (roaring-landmask)", "buffer_m": self.buffer_m}

    def _lonlat(self, grid, row0: float, col0: float, rows: int, cols: int, step: float = 1.0):
        from pyproj import Transformer

        r = row0 + (np.arange(rows) + 0.5) * step
        c = col0 + (np.arange(cols) + 0.5) * step
        cc, rr = np.meshgrid(c, r)
        x, y = grid.affine @ (cc, rr)
        return Transformer.from_crs(grid.crs, "EPSG:4326", always_xy=True).transform(x, y)

    def touches(self, grid) -> bool:
        """Any land within the grid plus the buffer, on a lattice finer than a bitmap cell."""
        spacing_m = min(400.0, max(grid.pixel_size, 1.0) * 16)
        step = max(1.0, spacing_m / grid.pixel_size)
        pad = (self.buffer_m + 2 * spacing_m) / grid.pixel_size
        rows = int((grid.height + 2 * pad) / step) + 1
        cols = int((grid.width + 2 * pad) / step) + 1
        for r0 in range(0, rows, 512):  # in bands: a big scene's lattice is millions of points
            lon, lat = self._lonlat(grid, -pad + r0 * step, -pad, min(512, rows - r0), cols, step)
            if land_at(lon, lat).any():
                return True
        return False

    def window(self, grid, window) -> np.ndarray | None:
        from scipy.ndimage import distance_transform_edt

        pad = int(math.ceil(self.buffer_m / grid.pixel_size)) + 1
        h, w = int(window.height), int(window.width)
        lon, lat = self._lonlat(grid, window.row_off - pad, window.col_off - pad, h + 2 * pad, w + 2 * pad)
        land = land_at(lon, lat)
        if not land.any():
            return None
        if self.buffer_m > 0:
            land = distance_transform_edt(~land) * grid.pixel_size <= self.buffer_m
        return land[pad : pad + h, pad : pad + w]


COAST_MARGIN_M = 50_000.0  # farther than this from any land: distance not given (None)
COAST_STEP_M = 400.0  # lattice of the distance field: about a bitmap cell north-south


class CoastDistance:
    """Distance (km) from an outline to the nearest GSHHG land: a Euclidean distance field on a
    400 m lattice over the grid plus 50 km, measured at the outline's boundary points. Good to
    about half a lattice step plus a bitmap cell (~0.7 km); None beyond 50 km. Built on the
    first call (a scene without outlines costs nothing)."""

    def __init__(self, grid) -> None:
        self.grid, self.field, self._built = grid, None, False

    def _build(self) -> None:
        from scipy.ndimage import distance_transform_edt

        grid, self._built = self.grid, True
        step = COAST_STEP_M / grid.pixel_size  # in grid pixels
        pad = COAST_MARGIN_M / grid.pixel_size
        self.origin, self.step = -pad, step
        rows = int((grid.height + 2 * pad) / step) + 1
        cols = int((grid.width + 2 * pad) / step) + 1
        land = np.zeros((rows, cols), bool)
        lm = LandMask(0.0)
        for r0 in range(0, rows, 512):
            lon, lat = lm._lonlat(grid, -pad + r0 * step, -pad, min(512, rows - r0), cols, step)
            land[r0 : r0 + lon.shape[0]] = land_at(lon, lat)
        self.field = None if not land.any() else distance_transform_edt(~land) * COAST_STEP_M

    def km(self, geom) -> float | None:
        """``geom`` in the grid's CRS."""
        import shapely

        if not self._built:
            self._build()
        if self.field is None or geom is None or geom.is_empty:
            return None
        xy = shapely.get_coordinates(shapely.segmentize(shapely.boundary(geom), COAST_STEP_M / 2))
        col, row = ~self.grid.affine @ (xy[:, 0], xy[:, 1])
        i = np.clip(np.floor((np.asarray(row) - self.origin) / self.step).astype(int), 0, self.field.shape[0] - 1)
        j = np.clip(np.floor((np.asarray(col) - self.origin) / self.step).astype(int), 0, self.field.shape[1] - 1)
        d = float(self.field[i, j].min())
        return None if d > COAST_MARGIN_M else round(d / 1000.0, 2)
