"""The atlas's vector and JSON outputs: sources.gpkg (layers sources, ellipses) and atlas.json."""

from __future__ import annotations

import json
import math

import numpy as np

OUT_CRS = "EPSG:4326"
SOURCE_FIELDS = {  # name: numpy dtype of the GeoPackage field
    "id": "int32", "n_dates": "int32", "n_slicks": "int32", "first_date": "object", "last_date": "object",
    "n_observed": "int32", "confidence": "float64", "semi_major_m": "float64", "semi_minor_m": "float64",
    "orientation_deg": "float64", "slick_ids": "object",
}
ELLIPSE_FIELDS = {"id": "int32", "n_dates": "int32"}
ELLIPSE_VERTICES = 72


def ellipse_polygon(x: float, y: float, major: float, minor: float, azimuth_grid_deg: float):
    """The ellipse as a polygon in the grid CRS (major axis along the grid azimuth)."""
    from shapely.geometry import Polygon

    t = np.linspace(0.0, 2 * math.pi, ELLIPSE_VERTICES, endpoint=False)
    az = math.radians(azimuth_grid_deg)
    u, v = np.array([math.sin(az), math.cos(az)]), np.array([math.cos(az), -math.sin(az)])
    pts = np.array([x, y]) + np.outer(major * np.cos(t), u) + np.outer(minor * np.sin(t), v)
    return Polygon(pts)


def _to_lonlat(geoms: list, crs: str) -> np.ndarray:
    import shapely
    from pyproj import Transformer

    tr = Transformer.from_crs(crs, OUT_CRS, always_xy=True)
    moved = [shapely.transform(g, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))) for g in geoms]
    return np.array(shapely.to_wkb(np.array(moved, dtype=object)) if moved else [], dtype=object)


def _layer(path, name: str, geometry_type: str, wkb: np.ndarray, records: list[dict], fields: dict) -> None:
    from pyogrio.raw import write

    columns = [np.array([r[f] for r in records], dtype=np.dtype(t)) if records else np.zeros(0, np.dtype(t))
               for f, t in fields.items()]
    write(str(path), wkb, columns, list(fields), driver="GPKG", layer=name, crs=OUT_CRS,
          geometry_type=geometry_type, spatial_index=True)


def write_sources(path, crs: str, records: list[dict], points: list, ellipses: list) -> None:
    """``records``: the source fields (SOURCE_FIELDS); ``points`` / ``ellipses``: geometries in ``crs``."""
    from ..progress import quiet_logger

    with quiet_logger("pyogrio"):
        _layer(path, "sources", "Point", _to_lonlat(points, crs), records, SOURCE_FIELDS)
        _layer(path, "ellipses", "Polygon", _to_lonlat(ellipses, crs), records, ELLIPSE_FIELDS)


def write_json(path, document: dict) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2, allow_nan=False)
        handle.write("\n")
