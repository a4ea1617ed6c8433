"""Recurrence: per pixel, the share of the scenes covering it in which it was slick.

Scene by scene, the footprint and the slicks (clipped to the footprint) are burnt into the atlas grid
(a pixel is in a polygon when its centre is) and added to two running 16-bit counts, so memory is
two grid-sized arrays whatever the number of scenes::

    coverage(p)   = number of scenes whose footprint holds p
    recurrence(p) = (scenes with a slick on p) / coverage(p),  -1 (nodata) where coverage(p) = 0
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..errors import InputError

NODATA = -1.0
MAX_SCENES = np.iinfo(np.uint16).max


def _burn(shapes: list, grid, window) -> np.ndarray:
    from rasterio.features import rasterize

    shapes = [g for g in shapes if g is not None and not g.is_empty]
    if not shapes:
        return np.zeros((window.height, window.width), dtype=bool)
    return rasterize(shapes, out_shape=(window.height, window.width), transform=grid.window_transform(window),
                     fill=0, default_value=1, dtype="uint8").astype(bool)


def accumulate(grid, scenes: Iterable[tuple[object, list]], progress=None) -> tuple[np.ndarray, np.ndarray]:
    """(slick count, coverage count) per pixel, uint16, from (footprint, slick polygons) per scene."""
    scenes = list(scenes)
    if len(scenes) > MAX_SCENES:
        raise InputError(f"--coverage: {len(scenes)} scenes; the atlas counts at most {MAX_SCENES} per pixel: "
                         "split them into several atlases")
    hits = np.zeros((grid.height, grid.width), dtype=np.uint16)
    count = np.zeros((grid.height, grid.width), dtype=np.uint16)
    for k, (footprint, slicks) in enumerate(scenes):
        if progress is not None:
            progress.check()
            progress.update(k / max(1, len(scenes)), f"recurrence: scene {k + 1} of {len(scenes)}")
        if footprint is None or footprint.is_empty:
            continue
        window = grid.window_of_bounds(footprint.bounds)
        if window is None:
            continue
        seen = _burn([footprint], grid, window)
        slick = _burn(list(slicks), grid, window) & seen
        rows, cols = window.toslices()
        count[rows, cols] += seen
        hits[rows, cols] += slick
    return hits, count


def share(hits: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Band 1: hits / count, NODATA where no scene covers the pixel (float32)."""
    out = np.full(hits.shape, NODATA, dtype=np.float32)
    seen = count > 0
    out[seen] = hits[seen].astype(np.float32) / count[seen]
    return out


def write_recurrence(path, grid, hits: np.ndarray, count: np.ndarray, strip: int = 512) -> None:
    """recurrence.tif: band 1 'recurrence' (0..1, nodata -1), band 2 'coverage' (scene count), float32,
    written by strips of rows."""
    import rasterio
    from rasterio.windows import Window

    profile = {"driver": "GTiff", "width": grid.width, "height": grid.height, "count": 2, "dtype": "float32",
               "crs": grid.crs, "transform": grid.affine, "nodata": NODATA, "compress": "deflate",
               "tiled": True, "blockxsize": 256, "blockysize": 256}
    if grid.width < 256 or grid.height < 256:
        profile.update(tiled=False, blockxsize=None, blockysize=None)
        profile = {k: v for k, v in profile.items() if v is not None}
    with rasterio.open(path, "w", **profile) as dst:
        dst.set_band_description(1, "recurrence")
        dst.set_band_description(2, "coverage")
        dst.update_tags(1, meaning="share of the covering scenes with slick on the pixel (0..1); -1: not covered")
        dst.update_tags(2, meaning="number of scenes covering the pixel")
        for r0 in range(0, grid.height, strip):
            rows = slice(r0, min(grid.height, r0 + strip))
            window = Window(0, r0, grid.width, rows.stop - r0)
            dst.write(share(hits[rows], count[rows]), 1, window=window)
            dst.write(count[rows].astype(np.float32), 2, window=window)
