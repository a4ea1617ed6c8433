"""Slick labels: the simulated label raster (radar geometry) as EPSG:4326 polygons in a GeoPackage.

Polygons are traced from the label pixels (so they match what a person would outline on the
image, edge for edge), mapped through the scene's image -> UTM affine and then to lon/lat.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pyogrio.raw
import shapely
from pyproj import Geod
from rasterio import features
from shapely.geometry import shape as to_shape

from .geometry import SceneGeometry

LAYER = "slicks"


def label_polygons(
    geom: SceneGeometry, labels: np.ndarray, seep_ids: dict[int, str]
) -> list[tuple[str, shapely.Geometry, float]]:
    """(seep id, polygon in EPSG:4326, geodesic area m2) for every connected slick of the label raster."""
    out = []
    geod = Geod(ellps="WGS84")
    to_ll = geom.to_lonlat()
    for poly_json, value in features.shapes(labels, mask=labels > 0, connectivity=8, transform=geom.transform):
        poly = to_shape(poly_json)
        # drop the pixel staircase (keeps the outline within a quarter pixel) before reprojecting
        poly = poly.simplify(0.25 * geom.pixel_m, preserve_topology=True)
        poly = shapely.transform(poly, lambda xy: np.column_stack(to_ll.transform(xy[:, 0], xy[:, 1])))
        if not poly.is_valid:
            poly = shapely.make_valid(poly)
        for part in getattr(poly, "geoms", [poly]):
            if part.geom_type == "Polygon" and not part.is_empty:
                out.append((seep_ids[int(value)], part, abs(geod.geometry_area_perimeter(part)[0])))
    return out


def write_labels_gpkg(path: Path, rows: list[dict]) -> None:
    """rows: dicts with scene, seep, mode, site, acq_time (ISO 8601), area_m2, geometry (shapely
    Polygon in EPSG:4326)."""
    geoms = np.array([shapely.to_wkb(r["geometry"]) for r in rows], dtype=object)
    names = ["scene", "seep", "mode", "site", "acq_time", "area_m2"]
    data = [np.array([r[n] for r in rows], dtype=object if n != "area_m2" else np.float64) for n in names]
    logging.getLogger("pyogrio").setLevel(logging.WARNING)  # no "Created N records" on the console
    pyogrio.raw.write(
        str(path), geoms, data, names,
        layer=LAYER, driver="GPKG", geometry_type="Polygon", crs="EPSG:4326",
    )
