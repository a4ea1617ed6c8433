"""Burn label polygons into windows of a grid (1 = slick, 0 = not), window by window."""

from __future__ import annotations

import numpy as np


class LabelRasterizer:
    """Polygons already in the grid's CRS; ``window(win)`` returns that window's uint8 mask.

    A spatial index keeps each window's work to the polygons that touch it, so cost follows
    the window, not the number of labels in the file.
    """

    def __init__(self, geoms: np.ndarray, grid) -> None:
        import shapely

        geoms = np.asarray([g for g in geoms if g is not None and not g.is_empty], dtype=object)
        self.grid = grid
        self.geoms = geoms
        self.tree = shapely.STRtree(geoms) if len(geoms) else None

    def __len__(self) -> int:
        return len(self.geoms)

    @property
    def bounds(self) -> tuple[float, float, float, float] | None:
        import shapely

        if not len(self.geoms):
            return None
        return tuple(float(v) for v in shapely.total_bounds(self.geoms))

    def window(self, window) -> np.ndarray:
        """Pixel centres inside a polygon -> 1 (rasterio's default, not all_touched, so the
        slick area is not inflated by a pixel all round)."""
        import shapely
        from rasterio.features import rasterize

        shape = (int(window.height), int(window.width))
        if self.tree is None:
            return np.zeros(shape, np.uint8)
        box = shapely.box(*self.grid.window_bounds(window))
        hits = self.tree.query(box, predicate="intersects")
        if hits.size == 0:
            return np.zeros(shape, np.uint8)
        return rasterize(
            ((g, 1) for g in self.geoms[hits]),
            out_shape=shape,
            transform=self.grid.window_transform(window),
            fill=0,
            dtype="uint8",
        )
