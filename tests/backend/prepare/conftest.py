"""Small real rasters and label files for the prepare tests, written with real GDAL.

A synthetic sea: gamma speckle (4 looks) on an incidence-angle trend, a dark slick damped by
6 dB inside a known ellipse, 0 / NaN nodata borders, optional bright ships. The scene is
placed off northern Norway (about 70 N, 10.3 E: UTM 32N) unless told otherwise.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from pyogrio.raw import write as ogr_write
from rasterio.control import GroundControlPoint
from rasterio.crs import CRS
from rasterio.transform import from_origin
from rasterio.warp import transform as transform_xy

ARCTIC = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "arctic_ew"
SLICK_DB = -6.0
LON0, LAT0 = 10.2, 70.1  # north-west corner
DLON, DLAT = 0.3, 0.1  # extent of the synthetic scenes (about 11 x 11 km)


def sea_sigma0(shape, seed=0, ships=0, slick=None):
    """Linear sigma0: trend + speckle; ``slick`` is a bool mask damped by 6 dB."""
    rng = np.random.default_rng(seed)
    h, w = shape
    trend = np.linspace(0.08, 0.03, w, dtype=np.float32)[None, :] * np.ones((h, 1), np.float32)
    sig = trend * rng.gamma(4.0, 1 / 4.0, size=shape).astype(np.float32)
    if slick is not None:
        sig[slick] *= np.float32(10 ** (SLICK_DB / 10))
    for _ in range(ships):
        r, c = rng.integers(2, h - 3), rng.integers(2, w - 3)
        sig[r - 1 : r + 2, c - 1 : c + 2] = 50.0
    return sig


def slick_ellipse_lonlat():
    """The slick polygon, in lon/lat, well inside the scenes."""
    circle = shapely.Point(LON0 + DLON / 2, LAT0 - DLAT / 2).buffer(1.0, quad_segs=32)
    return shapely.affinity.scale(circle, DLON * 0.2, DLAT * 0.12)


def _slick_mask_lonlat(lon, lat):
    poly = slick_ellipse_lonlat()
    return shapely.contains_xy(poly, lon, lat)


def write_tif(path, data, crs=None, transform=None, gcps=None, nodata=None, tags=None, band_tags=None, units=None):
    profile = dict(driver="GTiff", width=data.shape[1], height=data.shape[0], count=1, dtype=data.dtype.name,
                   tiled=True, blockxsize=256, blockysize=256, compress="deflate")
    if crs is not None:
        profile.update(crs=crs, transform=transform)
    if nodata is not None:
        profile["nodata"] = nodata
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rasterio.open(path, "w", **profile) as ds:
            ds.write(data, 1)
            if gcps is not None:
                ds.gcps = (gcps, CRS.from_epsg(4326))
            if tags:
                ds.update_tags(**tags)
            if band_tags:
                ds.update_tags(1, **band_tags)
            if units:
                ds.units = (units,)
    return Path(path)


def to_kind(sig, kind):
    if kind == "linear":
        return sig.astype(np.float32)
    if kind == "db":
        return (10 * np.log10(sig)).astype(np.float32)
    if kind == "amplitude":  # GRD-like DN: amplitude scaled so sea is a few hundred
        return np.clip(np.sqrt(sig) * 1500, 1, 65535).astype(np.uint16)
    raise ValueError(kind)


def make_geographic(path, kind="db", shape=(300, 400), seed=0, ships=0, border=True, **kw):
    """EPSG:4326 GeoTIFF covering LON0..LON0+DLON, LAT0-DLAT..LAT0."""
    h, w = shape
    t = from_origin(LON0, LAT0, DLON / w, DLAT / h)
    cols, rows = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    lon, lat = t @ (cols, rows)
    data = to_kind(sea_sigma0(shape, seed, ships, _slick_mask_lonlat(lon, lat)), kind)
    nodata = np.nan if kind == "db" else 0
    if border:
        data[:, :12] = nodata
    return write_tif(path, data, "EPSG:4326", t, nodata=nodata if kind == "db" else None, **kw)


def make_gcp(path, kind="amplitude", shape=(300, 400), seed=1, **kw):
    """A GRD-like file: no geotransform, a 5 x 5 lattice of GCPs in EPSG:4326, a slightly
    skewed footprint (like a real swath), 0 = nodata at the near-range border."""
    h, w = shape

    def lonlat(r, c):
        return LON0 + DLON * c / w + 0.01 * r / h, LAT0 - DLAT * r / h + 0.004 * c / w

    gcps = [GroundControlPoint(row=r, col=c, x=lonlat(r, c)[0], y=lonlat(r, c)[1], z=0.0)
            for r in np.linspace(0, h, 5) for c in np.linspace(0, w, 5)]
    rows, cols = np.meshgrid(np.arange(h) + 0.5, np.arange(w) + 0.5, indexing="ij")
    lon, lat = lonlat(rows, cols)
    data = to_kind(sea_sigma0(shape, seed, 0, _slick_mask_lonlat(lon, lat)), kind)
    data[:, :10] = 0
    return write_tif(path, data, gcps=gcps, **kw)


def make_projected(path, kind="linear", pixel=20.0, epsg=32632, seed=2, **kw):
    """A terrain-corrected-like GeoTIFF in a projected CRS covering the same area."""
    xs, ys = transform_xy("EPSG:4326", f"EPSG:{epsg}", [LON0, LON0 + DLON], [LAT0, LAT0 - DLAT])
    left, top = min(xs), max(ys)
    w, h = int((max(xs) - left) / pixel), int((top - min(ys)) / pixel)
    t = from_origin(left, top, pixel, pixel)
    cols, rows = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    x, y = t @ (cols, rows)
    lon, lat = transform_xy(f"EPSG:{epsg}", "EPSG:4326", x.ravel(), y.ravel())
    inside = _slick_mask_lonlat(np.reshape(lon, x.shape), np.reshape(lat, x.shape))
    data = to_kind(sea_sigma0((h, w), seed, 0, inside), kind)
    return write_tif(path, data, f"EPSG:{epsg}", t, **kw)


def write_labels(path, geoms, crs="EPSG:4326", scenes=None, layer="slicks", driver="GPKG", geometry_type="Polygon"):
    fields, data = [], []
    if scenes is not None:
        fields, data = ["scene"], [np.asarray(scenes, dtype=object)]
    ogr_write(path, geometry=shapely.to_wkb(np.asarray(geoms, dtype=object)), field_data=data, fields=fields,
              layer=layer, driver=driver, geometry_type=geometry_type, crs=crs)
    return Path(path)


@pytest.fixture(scope="session")
def arctic():
    if not (ARCTIC / "README.md").exists():
        pytest.fail(f"the real Arctic fixtures are missing: expected them in {ARCTIC}")
    return ARCTIC


@pytest.fixture(scope="session")
def mk():
    """The writers above, for test modules (importlib mode: they cannot import conftest)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        geographic=make_geographic, gcp=make_gcp, projected=make_projected, tif=write_tif, labels=write_labels,
        sigma0=sea_sigma0, to_kind=to_kind, slick=slick_ellipse_lonlat, SLICK_DB=SLICK_DB,
    )
