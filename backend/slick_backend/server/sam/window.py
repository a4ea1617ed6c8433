"""Where SAM looks: a square window on the scene's grid, at the model's input size.

The grid is the one training uses (slick_backend.scenes: the scene's UTM zone; a projected
UTM input keeps its exact grid). A window is ``size * scale`` grid pixels square at
(col, row); ``scale`` > 1 reads a bigger area at a coarser resolution when the user asks
for a window wider than the model's input. The pixels are the training stretch (1..255,
0 = nodata), never divided by 255.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass

import numpy as np

from ...errors import InputError

MAX_SCALE = 4  # at most 4x the input size (4096 px for ViT-B): memory stays bounded


@dataclass(frozen=True)
class Win:
    col: int
    row: int
    size: int  # model input size (px)
    scale: int  # grid pixels per input pixel

    @property
    def span(self) -> int:
        return self.size * self.scale

    def to_dict(self) -> dict:
        return asdict(self)


def transformer(src_crs, dst_crs):
    """A pyproj transformer (x, y order), cached: building one costs more than a prompt's polygons."""
    return _transformer(str(src_crs), str(dst_crs))


@functools.lru_cache(maxsize=32)
def _transformer(src_crs: str, dst_crs: str):
    from pyproj import CRS, Transformer

    try:
        return Transformer.from_crs(CRS.from_user_input(src_crs), CRS.from_user_input(dst_crs), always_xy=True)
    except Exception as exc:  # pyproj.exceptions.CRSError and friends
        raise InputError(f"CRS {src_crs!r} or {dst_crs!r} is not understood ({exc}); give e.g. 'EPSG:4326'") from None


def to_grid_px(grid, xs, ys, crs) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates in ``crs`` -> continuous (col, row) on the grid."""
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    if crs is not None:
        xs, ys = transformer(crs, grid.crs).transform(xs, ys)
    cols, rows = ~grid.affine * (xs, ys)
    cols, rows = np.asarray(cols, float), np.asarray(rows, float)
    if not (np.all(np.isfinite(cols)) and np.all(np.isfinite(rows))):
        raise InputError(f"coordinates cannot be projected to the scene's CRS {grid.crs}; check the crs of the request")
    return cols, rows


def centred(grid, col: float, row: float, size: int, scale: int = 1) -> Win:
    """The window of ``size * scale`` px centred on (col, row), kept inside the grid when it fits."""
    span = size * scale

    def place(c: float, extent: int) -> int:
        start = int(round(c - span / 2))
        if extent >= span:
            return min(max(start, 0), extent - span)
        return (extent - span) // 2  # smaller scene than the window: centre it, pad with nodata

    return Win(place(col, grid.width), place(row, grid.height), size, scale)


def covering(grid, c0: float, r0: float, c1: float, r1: float, size: int, margin: float = 0.1) -> Win:
    """The smallest window (integer scale) that holds the box (grid px) plus a margin."""
    extent = max(c1 - c0, r1 - r0) * (1 + 2 * margin)
    scale = max(1, min(MAX_SCALE, math.ceil(extent / size)))
    return centred(grid, (c0 + c1) / 2, (r0 + r1) / 2, size, scale)


def inner_edges(grid, win: Win) -> dict[str, bool]:
    """Which window edges lie inside the scene (a mask touching them may be cut)."""
    return {
        "left": win.col > 0,
        "top": win.row > 0,
        "right": win.col + win.span < grid.width,
        "bottom": win.row + win.span < grid.height,
    }


def input_transform(grid, win: Win):
    from affine import Affine

    return grid.affine * Affine.translation(win.col, win.row) * Affine.scale(win.scale)


def read_image(scene, grid, stretch, win: Win) -> np.ndarray:
    """The window as the model sees it: uint8 [size, size], 1..255, 0 = nodata."""
    from rasterio.windows import Window

    from ...scenes import apply_stretch

    values, valid = scene.read(grid, Window(win.col, win.row, win.span, win.span))
    if win.scale > 1:  # mean of the valid grid pixels in each scale x scale block
        s, n = win.scale, win.size
        v = np.where(valid, values, 0.0).reshape(n, s, n, s).sum(axis=(1, 3), dtype=np.float64)
        c = valid.reshape(n, s, n, s).sum(axis=(1, 3))
        valid = c > 0
        values = np.where(valid, v / np.maximum(c, 1), 0.0).astype(np.float32)
    return apply_stretch(values, valid, stretch)


def window_info(grid, win: Win) -> dict:
    t = input_transform(grid, win)
    x0, y0 = t * (0, 0)
    x1, y1 = t * (win.size, win.size)
    return {
        "crs": grid.crs,
        "bounds": [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)],
        "size": win.size,
        "scale": win.scale,
        "pixel_size": grid.pixel_size * win.scale,
        "col": win.col,
        "row": win.row,
    }
