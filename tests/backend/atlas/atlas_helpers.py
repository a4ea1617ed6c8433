"""Hand-made atlas inputs: coverage GeoTIFFs on a UTM 32N grid, outline GeoPackages, drift CSVs."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

CRS = "EPSG:32632"
PIXEL = 100.0
LEFT, TOP = 500_000.0, 6_700_000.0  # about 9.0 E, 60.4 N: UTM zone 32N


def write_coverage(path: Path, width: int = 120, height: int = 120, valid: np.ndarray | None = None,
                   acq_time: str | None = None, left: float = LEFT, top: float = TOP, pixel: float = PIXEL) -> Path:
    """An 8-bit scene raster (100 = sea, 0 = nodata) in UTM 32N; ``valid`` marks the pixels with data."""
    import rasterio
    from rasterio.transform import from_origin

    data = np.full((height, width), 100, dtype=np.uint8)
    if valid is not None:
        data[~valid] = 0
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=1, dtype="uint8", crs=CRS,
                       transform=from_origin(left, top, pixel, pixel), nodata=0) as dst:
        dst.write(data, 1)
        if acq_time:
            dst.update_tags(ACQUISITION_TIME=acq_time)
    return path


def write_outlines(path: Path, rows: list[dict], crs: str = CRS, layer: str = "slicks") -> Path:
    """rows: {"geom": shapely polygon in ``crs``, and fields (scene, acq_time, id, ...)}."""
    import shapely
    from pyogrio.raw import write

    names = [k for k in rows[0] if k != "geom"] if rows else []
    columns = [np.array([r[k] for r in rows], dtype=object if isinstance(rows[0][k], str) else None) for k in names]
    wkb = np.array(shapely.to_wkb(np.array([r["geom"] for r in rows], dtype=object)), dtype=object)
    driver = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".shp": "ESRI Shapefile"}[path.suffix]
    write(str(path), wkb, columns, names, driver=driver, layer=layer if driver == "GPKG" else None, crs=crs,
          geometry_type="Polygon", promote_to_multi=False, append=path.exists() and driver == "GPKG")
    return path


def write_drift(path: Path, rows: list[tuple]) -> Path:
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["scene", "acq_time", "drift_to_deg", "wind_to_deg"])
        for row in rows:
            out.writerow(row)
    return path


def plume(seep: tuple[float, float], towards_deg: float, length: float = 4000.0, head: float = 60.0,
          tail: float = 300.0):
    """A slick leaving ``seep`` towards a bearing: a trapezoid, half-width ``head`` m starting ``head`` m
    up-drift of the seep, widening to ``tail`` m at ``length`` m down-drift."""
    from shapely.geometry import Polygon

    a = math.radians(towards_deg)
    u, n = np.array([math.sin(a), math.cos(a)]), np.array([math.cos(a), -math.sin(a)])
    s = np.asarray(seep, float)
    back, front = s - head * u, s + length * u
    return Polygon([back + head * n, front + tail * n, front - tail * n, back - head * n])


def pixel_of(x: float, y: float, left: float = LEFT, top: float = TOP, pixel: float = PIXEL) -> tuple[int, int]:
    return int((top - y) // pixel), int((x - left) // pixel)


# Two seeps 7.2 km apart, seven scenes on six dates. s07 is a second pass on s01's date, without a
# drift direction; s06 has no data over S2 (a coverage gap) and no slick at S1 (a miss).
S1, S2 = (503_050.0, 6_695_050.0), (509_050.0, 6_691_050.0)  # pixel centres
LOOKALIKE = (508_050.0, 6_697_050.0)
SCENES = {  # scene: (acq_time, drift_to_deg or None, slick at S1, slick at S2)
    "s01": ("2021-06-01T07:00:00", 30.0, True, True),
    "s02": ("2021-06-04T07:00:00", 100.0, True, False),
    "s03": ("2021-06-09T07:00:00", 200.0, True, True),
    "s04": ("2021-06-12T07:00:00", 290.0, True, True),
    "s05": ("2021-06-20T07:00:00", 45.0, True, False),
    "s06": ("2021-06-25T07:00:00", 160.0, False, False),
    "s07": ("2021-06-01T16:00:00", None, True, False),
}


def s2_gap() -> np.ndarray:
    """s06's valid pixels: none within 1.5 km of S2."""
    rows, cols = np.mgrid[0:120, 0:120]
    x, y = LEFT + (cols + 0.5) * PIXEL, TOP - (rows + 0.5) * PIXEL
    return np.hypot(x - S2[0], y - S2[1]) > 1500


def build_series(root: Path) -> dict:
    """Coverage rasters, one outline GeoPackage (all scenes, EPSG:4326 like the batch's) and a drift CSV."""
    import shapely
    from pyproj import Transformer

    root.mkdir(parents=True, exist_ok=True)
    to_lonlat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    coverage, rows, drift = [], [], []
    for scene, (when, towards, at_s1, at_s2) in SCENES.items():
        coverage.append(write_coverage(root / f"{scene}.tif", valid=s2_gap() if scene == "s06" else None))
        drift.append((scene, when, "" if towards is None else towards, 0.0))
        slicks = [plume(S1, towards if towards is not None else 70.0)] if at_s1 else []
        slicks += [plume(S2, towards + 15.0, length=3000.0)] if at_s2 else []
        if scene == "s02":
            slicks.append(plume(LOOKALIKE, 10.0, length=1500.0))
        for k, geom in enumerate(slicks, 1):
            lonlat = shapely.transform(geom, lambda xy: np.column_stack(to_lonlat.transform(xy[:, 0], xy[:, 1])))
            rows.append({"geom": lonlat, "scene": scene, "acq_time": when, "id": k})
    outlines = write_outlines(root / "slicks.gpkg", rows, crs="EPSG:4326")
    return {"outlines": outlines, "coverage": coverage, "drift": write_drift(root / "drift.csv", drift)}
