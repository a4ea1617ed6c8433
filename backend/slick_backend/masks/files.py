"""The analyst's own mask: polygons in any OGR vector file (any CRS), or a raster whose
non-zero pixels are masked (any georeferenced raster; nodata is not masked). Polygons are
reprojected to the output grid once and burnt per window (all touched pixels, so nothing of a
masked area leaks at its edge); rasters are warped per window with nearest neighbour."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputError

RASTER_SUFFIXES = {".tif", ".tiff", ".vrt", ".img", ".jp2", ".png", ".nc"}


class FileMask:
    def __init__(self, path: str, grid) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise InputError(f"{path}: no such mask file; check the --mask path")
        self.kind = "raster" if self.path.suffix.lower() in RASTER_SUFFIXES else "vector"
        self.geoms, self._source = None, None
        if self.kind == "vector":
            self._load_vector(grid)
        else:
            self._check_raster()
        self.empty = self._empty(grid)

    def describe(self) -> dict:
        return {"mask": "file", "path": str(self.path.resolve()), "kind": self.kind}

    def _load_vector(self, grid) -> None:
        import shapely

        from ..labels import read_labels, reproject_geoms

        try:
            polygons = read_labels(self.path)
        except InputError as exc:
            raise InputError(str(exc).replace("label", "mask").replace("--labels", "--mask")) from None
        geoms = reproject_geoms(polygons.geoms, polygons.crs, grid.crs)
        self.geoms = shapely.union_all(geoms) if len(geoms) else None

    def _check_raster(self) -> None:
        import rasterio

        try:
            with rasterio.open(self.path) as ds:
                if ds.crs is None and not ds.gcps[0]:
                    raise InputError(f"{self.path}: the mask raster has no georeference; save it with a CRS")
                if ds.width * ds.height > 400_000_000:
                    raise InputError(f"{self.path}: {ds.width} x {ds.height} px is too big for a mask raster "
                                     "(at most 400 million pixels); crop it to the scenes or give polygons")
        except rasterio.errors.RasterioIOError as exc:
            raise InputError(f"{self.path}: cannot be read as a mask raster ({exc})") from None

    def _empty(self, grid) -> bool:
        from rasterio.windows import Window

        if self.kind == "vector":
            import shapely

            return self.geoms is None or not self.geoms.intersects(shapely.box(*grid.bounds))
        m = self.window(grid, Window(0, 0, grid.width, grid.height), step=max(1, max(grid.width, grid.height) // 1024))
        return m is None

    def window(self, grid, window, step: int = 1) -> np.ndarray | None:
        """Masked pixels of a window (``step`` > 1: a coarse look, for the overlap check)."""
        from affine import Affine

        h, w = -(-int(window.height) // step), -(-int(window.width) // step)
        transform = grid.window_transform(window) * Affine.scale(step)
        if self.kind == "vector":
            from rasterio.features import rasterize

            if self.geoms is None:
                return None
            out = rasterize([(self.geoms, 1)], out_shape=(h, w), transform=transform, fill=0, all_touched=True,
                            dtype="uint8").astype(bool)
        else:
            out = self._warp(grid, transform, h, w)
        return out if out.any() else None

    def _warp(self, grid, transform, h: int, w: int) -> np.ndarray:
        import rasterio
        from rasterio.enums import Resampling
        from rasterio.warp import reproject

        if self._source is None:  # 0/1 once (masks are small): nodata and 0 are both "not masked"
            with rasterio.open(self.path) as ds:
                band = ds.read(1, masked=True)
                self._source = (np.ma.filled(band != 0, False)).astype(np.uint8)
                self._georef = {"src_transform": ds.transform, "src_crs": ds.crs} if ds.crs else {
                    "gcps": ds.gcps[0], "src_crs": ds.gcps[1]}
        dst = np.zeros((h, w), np.uint8)
        reproject(self._source, dst, dst_transform=transform, dst_crs=grid.crs, resampling=Resampling.nearest,
                  **self._georef)
        return dst.astype(bool)
