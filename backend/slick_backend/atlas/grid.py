"""The atlas grid: the UTM zone of the outlines' centre at ``pixel_size`` metres, over the outlines.

Extent: the outlines' bounding box plus MARGIN_M on each side, cut to the footprints' bounding box
(never inside the outlines' own box), snapped outwards to whole multiples of the pixel size, so that
scenes read onto grids of the same zone and pixel size (scenes.choose_grid) share its pixel edges.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import InputError
from ..scenes.grid import Grid, utm_crs, utm_zone_of

MARGIN_M = 5000.0  # around the outlines: room for the coverage around a source
MAX_PIXELS = 25_000_000  # two 16-bit counters of this size: 100 MB


def atlas_zone(lonlat_bounds: tuple[float, float, float, float]) -> tuple[str, str]:
    """(CRS 'EPSG:326zz', zone '32N') of the UTM zone at the centre of the bounds."""
    west, south, east, north = lonlat_bounds
    zone, is_north = utm_zone_of((west + east) / 2, (south + north) / 2)
    return utm_crs(zone, is_north), f"{zone}{'N' if is_north else 'S'}"


def atlas_grid(crs: str, outline_bounds, footprint_bounds, pixel_size: float) -> Grid:
    """The grid over ``outline_bounds`` (+ margin, cut to ``footprint_bounds``; both in ``crs``)."""
    x0, y0, x1, y1 = outline_bounds
    box = [x0 - MARGIN_M, y0 - MARGIN_M, x1 + MARGIN_M, y1 + MARGIN_M]
    if footprint_bounds is not None:
        fx0, fy0, fx1, fy1 = footprint_bounds
        box = [max(box[0], min(fx0, x0)), max(box[1], min(fy0, y0)), min(box[2], max(fx1, x1)),
               min(box[3], max(fy1, y1))]
    left = math.floor(box[0] / pixel_size) * pixel_size
    top = math.ceil(box[3] / pixel_size) * pixel_size
    width = max(1, math.ceil((box[2] - left) / pixel_size - 1e-9))
    height = max(1, math.ceil((top - box[1]) / pixel_size - 1e-9))
    if width * height > MAX_PIXELS:
        need = pixel_size * math.ceil(math.sqrt(width * height / MAX_PIXELS))
        raise InputError(f"--pixel-size {pixel_size:g}: the atlas grid over the outlines would be {width} x {height} "
                         f"pixels (more than {MAX_PIXELS:,}); give --pixel-size {need:g} or more, or fewer, closer "
                         "outlines")
    return Grid(crs, (float(pixel_size), 0.0, float(left), 0.0, -float(pixel_size), float(top)), width, height)


def north_azimuth(crs: str, x, y) -> np.ndarray:
    """Grid azimuth of true north (degrees clockwise from grid north) at points (x, y) of ``crs``:
    adding it to a true bearing gives the bearing on the grid (the meridian convergence)."""
    from pyproj import Transformer

    x, y = np.atleast_1d(np.asarray(x, float)), np.atleast_1d(np.asarray(y, float))
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    to_grid = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lon, lat = to_lonlat.transform(x, y)
    nx, ny = to_grid.transform(lon, np.minimum(lat + 1e-3, 90.0))
    return np.degrees(np.arctan2(nx - x, ny - y))
