"""Write a simulated scene as one of the three kinds of raster that the backend accepts.

- ``gcp``: like a real GRD measurement GeoTIFF: uint16 amplitude DN in radar geometry,
  no CRS or transform, an 11 x 11 grid of ground control points in EPSG:4326, often a zero
  border (invalid near/far range samples) that is not declared as nodata, as in real files;
  sigma0 = (DN / DN_SCALE)^2.
- ``epsg4326``: terrain-corrected float32 linear sigma0 on a lat/lon grid, NaN outside the swath.
- ``utm``: float32 sigma0 in dB on a north-up grid in the site's UTM zone, nodata -9999.
Every file carries the GDAL metadata tags S1_MODE, S1_POLARISATION and ACQUISITION_TIME.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.control import GroundControlPoint
from rasterio.crs import CRS
from rasterio.errors import NotGeoreferencedWarning
from rasterio.warp import Resampling, reproject

from .geometry import SceneGeometry

DN_SCALE = 1000.0  # sigma0 = (DN / DN_SCALE)^2: sea clutter lands at DN ~ 20..400 like real GRD
UTM_NODATA = -9999.0
GEOREF_KINDS = ("gcp", "epsg4326", "utm")
VALUE_KIND = {"gcp": "amplitude_dn", "epsg4326": "linear_sigma0", "utm": "sigma0_db",
              "safe": "amplitude_dn (product)", "safe-zip": "amplitude_dn (product)"}
_GTIFF = {"driver": "GTiff", "compress": "deflate", "tiled": True, "blockxsize": 256, "blockysize": 256}


def write_gcp_grd(path: Path, geom: SceneGeometry, intensity: np.ndarray, tags: dict, zero_border: bool) -> dict:
    holes = ~np.isfinite(intensity)  # missing data (NaN) is written as DN 0, like GRD borders
    dn = np.clip(np.rint(np.sqrt(np.where(holes, 1.0, intensity)) * DN_SCALE), 1, 65535).astype(np.uint16)
    dn[holes] = 0
    valid_px = int(np.count_nonzero(dn))
    if zero_border:  # invalid samples at near/far range and at the first/last lines, as in GRD
        h, w = dn.shape
        near, far, lines = max(1, w // 50), max(1, w // 70), max(1, h // 100)
        dn[:, :near] = 0
        dn[:, w - far :] = 0
        dn[:lines] = 0
        dn[h - lines :] = 0
        valid_px = int(np.count_nonzero(dn))
    gcps = [GroundControlPoint(row=r, col=c, x=lon, y=lat, z=0.0) for r, c, lon, lat in geom.gcps_lonlat()]
    profile = dict(_GTIFF, height=dn.shape[0], width=dn.shape[1], count=1, dtype="uint16")
    with warnings.catch_warnings():  # GDAL warns until the GCPs are set: expected for GRD-like files
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        dst = rasterio.open(path, "w", **profile)
    with dst:
        dst.gcps = (gcps, CRS.from_epsg(4326))
        dst.write(dn, 1)
        dst.update_tags(**tags, VALUE="amplitude DN; sigma0 = (DN / CALIBRATION_DN_SCALE)^2", CALIBRATION_DN_SCALE=str(DN_SCALE))
    return {"crs": None, "gcps": len(gcps), "nodata": None, "zero_border": zero_border, "valid_pixels": valid_px, "dn_scale": DN_SCALE}


def _warp(geom: SceneGeometry, intensity: np.ndarray, dst_crs: str, dst_transform: Affine, shape) -> np.ndarray:
    out = np.full(shape, np.nan, np.float32)
    reproject(
        intensity,
        out,
        src_transform=geom.transform,
        src_crs=geom.crs,
        dst_transform=dst_transform,
        dst_crs=dst_crs,
        resampling=Resampling.bilinear,
        src_nodata=np.nan,  # holes in the scene stay holes
        dst_nodata=np.nan,
        num_threads=2,
    )
    return out


def write_epsg4326(path: Path, geom: SceneGeometry, intensity: np.ndarray, tags: dict) -> dict:
    west, south, east, north = geom.footprint_lonlat().bounds
    lat_mid = 0.5 * (south + north)
    dy = geom.pixel_m / 111320.0
    dx = dy / math.cos(math.radians(lat_mid))
    width, height = int(math.ceil((east - west) / dx)), int(math.ceil((north - south) / dy))
    transform = Affine(dx, 0.0, west, 0.0, -dy, north)
    out = _warp(geom, intensity, "EPSG:4326", transform, (height, width))
    profile = dict(_GTIFF, height=height, width=width, count=1, dtype="float32", crs="EPSG:4326",
                   transform=transform, nodata=float("nan"))
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(out, 1)
        dst.update_tags(**tags, VALUE="sigma0 (linear)")
    return {"crs": "EPSG:4326", "nodata": "nan", "valid_pixels": int(np.isfinite(out).sum())}


def write_utm_db(path: Path, geom: SceneGeometry, intensity: np.ndarray, tags: dict) -> dict:
    p = geom.pixel_m
    left, bottom, right, top = geom.footprint_utm().bounds
    left, top = math.floor(left / p) * p, math.ceil(top / p) * p
    width, height = int(math.ceil((right - left) / p)), int(math.ceil((top - bottom) / p))
    transform = Affine(p, 0.0, left, 0.0, -p, top)
    out = _warp(geom, intensity, geom.crs, transform, (height, width))
    valid = np.isfinite(out) & (out > 0)
    db = np.full(out.shape, UTM_NODATA, np.float32)
    db[valid] = 10.0 * np.log10(out[valid])
    profile = dict(_GTIFF, height=height, width=width, count=1, dtype="float32", crs=geom.crs,
                   transform=transform, nodata=UTM_NODATA)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(db, 1)
        dst.update_tags(**tags, VALUE="sigma0 (dB)")
    return {"crs": geom.crs, "nodata": UTM_NODATA, "valid_pixels": int(valid.sum())}
