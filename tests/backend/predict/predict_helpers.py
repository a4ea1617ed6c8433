"""Helpers of the prediction tests (imported by name: conftest puts this folder on sys.path)."""

from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import from_origin

CARD = {"name": "analytic", "tile": 64, "pixel_size": 25, "bands": 1, "modes": ["EW"], "polarisations": ["HH"]}


def pointwise(x: np.ndarray) -> np.ndarray:
    """A 'model' that is a smooth function of each input pixel (0 on nodata, like the contract)."""
    return np.where(x > 0, 1.0 / (1.0 + np.exp((x - 100.0) / 15.0)), 0.0).astype(np.float32)


class CountingEngine:
    def __init__(self, fn=pointwise):
        self.fn, self.windows, self.calls = fn, 0, 0

    def __call__(self, batch):
        self.calls += 1
        self.windows += batch.shape[0]
        return self.fn(batch)


def write_raster(path, arr, transform, crs="EPSG:32633", nodata=None):
    with rasterio.open(path, "w", driver="GTiff", width=arr.shape[1], height=arr.shape[0], count=1,
                       dtype=arr.dtype, crs=crs, transform=transform, nodata=nodata) as ds:
        ds.write(arr, 1)
    return Path(path)


def utm_transform(x=500000.0, y=8000000.0, px=25.0):  # open sea (72 N, 15 E): no land mask
    return from_origin(x, y, px, px)
