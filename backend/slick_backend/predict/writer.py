"""Tiled, compressed GeoTIFF output written strip by strip, with overviews, atomically.

Rows arrive top to bottom in strips of any height; they are buffered up to whole block rows
so GDAL never rewrites a compressed block (which would bloat the file). Overviews are built
once the base image is complete, still under the temporary name; the file only gets its
final name when everything is in it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

BLOCK = 256
GDAL_CACHE_MB = 128


class StripWriter:
    """Sequential row writer for one band of an open rasterio dataset."""

    def __init__(self, ds, dtype, block: int = BLOCK):
        self.ds, self.dtype, self.block = ds, np.dtype(dtype), block
        self.next_row = 0
        self._buf: list[np.ndarray] = []
        self._buffered = 0

    def write(self, row: int, data: np.ndarray) -> None:
        if row != self.next_row + self._buffered:
            raise ValueError(f"rows must come in order: expected {self.next_row + self._buffered}, got {row}")
        self._buf.append(np.asarray(data, self.dtype))
        self._buffered += data.shape[0]
        if self._buffered >= self.block:
            self._flush(whole_blocks=True)

    def close(self) -> None:
        self._flush(whole_blocks=False)
        if self.next_row != self.ds.height:
            raise ValueError(f"only {self.next_row} of {self.ds.height} rows were written")

    def _flush(self, whole_blocks: bool) -> None:
        from rasterio.windows import Window

        if not self._buffered:
            return
        data = np.concatenate(self._buf, axis=0) if len(self._buf) > 1 else self._buf[0]
        n = (self._buffered // self.block) * self.block if whole_blocks else self._buffered
        self.ds.write(data[:n], 1, window=Window(0, self.next_row, self.ds.width, n))
        self.next_row += n
        rest = data[n:]
        self._buf = [rest] if rest.shape[0] else []
        self._buffered = rest.shape[0]


def overview_factors(width: int, height: int, smallest: int = 256) -> list[int]:
    factors, f = [], 2
    while max(width, height) / f >= smallest / 2 and f <= 1024:
        factors.append(f)
        f *= 2
    return factors


def geotiff_profile(grid, dtype, nodata) -> dict:
    from rasterio.transform import Affine

    dtype = np.dtype(dtype)
    block = BLOCK
    return dict(
        driver="GTiff", width=grid.width, height=grid.height, count=1, dtype=dtype.name,
        crs=grid.crs, transform=Affine(*grid.transform[:6]), nodata=nodata,
        tiled=True, blockxsize=block, blockysize=block, compress="deflate",
        predictor=3 if dtype.kind == "f" else 2, zlevel=3, bigtiff="if_safer", num_threads="all_cpus",
    )


@contextlib.contextmanager
def open_strip_writer(tmp_path: str | Path, grid, dtype, nodata, resampling: str = "nearest",
                      tags: dict | None = None, description: str | None = None) -> Iterator[StripWriter]:
    """Create ``tmp_path`` (the caller renames it), yield a StripWriter, then add overviews."""
    import rasterio
    from rasterio.enums import Resampling

    profile = geotiff_profile(grid, dtype, nodata)
    # GDAL keeps written blocks in its cache (default 5 % of RAM) until close: cap it, so the
    # memory of a run does not grow with the scene up to that limit.
    with rasterio.Env(GDAL_NUM_THREADS="ALL_CPUS", GDAL_CACHEMAX=GDAL_CACHE_MB):
        with rasterio.open(tmp_path, "w", **profile) as ds:
            if tags:
                ds.update_tags(**{k: str(v) for k, v in tags.items() if v is not None})
            if description:
                ds.set_band_description(1, description)
            writer = StripWriter(ds, dtype)
            yield writer
            writer.close()
        factors = overview_factors(grid.width, grid.height)
        if factors:
            with rasterio.open(tmp_path, "r+") as ds:
                ds.build_overviews(factors, getattr(Resampling, resampling))
                ds.update_tags(ns="rio_overview", resampling=resampling)
