"""Outline files in: slick polygons with their scene, acquisition time and id, from any OGR format.

A GeoPackage's layer ``slicks`` is read when present (what predict, baseline and the batch write),
else the first polygon layer. Fields (any case): ``scene`` (else the file name without extension),
``acq_time`` (ISO 8601, may be empty), ``id`` (else the feature's index + 1). Invalid polygons are
repaired (shapely.make_valid); features that are not polygons are skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..labels.read import POLYGONAL
from .timeline import parse_time

log = logging.getLogger(__name__)
LAYER = "slicks"


@dataclass
class Slick:
    scene: str  # the scene id as the file gives it (matched to the coverage without regard to case)
    sid: str  # id within the scene
    acq_time: object  # aware UTC datetime or None
    geom: object  # shapely (Multi)Polygon: the file's CRS when read, the atlas CRS after reproject
    file: str
    named: bool = True  # False: the scene id is the file name (no scene field)

    @property
    def key(self) -> str:
        return f"{self.scene}#{self.sid}"


@dataclass
class OutlineFile:
    path: Path
    layer: str
    crs: str
    slicks: list[Slick]


def _geometry_kind(gtype) -> str:
    return str(gtype or "").replace(" Z", "").replace(" M", "").replace("3D ", "")


def pick_layer(path: str | Path, flag: str = "--outlines", what: str = "slick outlines") -> str:
    """The outline layer of a file: ``slicks`` if present, else the first polygon layer (a layer of
    unknown geometry type when no layer declares polygons)."""
    import pyogrio
    from pyogrio.errors import DataSourceError

    path = Path(path)
    if not path.exists():
        raise InputError(f"{flag} {path}: no such file; check the path")
    try:
        layers = [(str(n), _geometry_kind(g)) for n, g in pyogrio.list_layers(path)]
    except (DataSourceError, OSError, ValueError, RuntimeError) as exc:
        msg = " ".join(str(exc).split())[:200]
        raise InputError(f"{flag} {path}: cannot be read as a vector file ({msg}); give a GeoPackage, "
                         f"Shapefile or GeoJSON of {what}") from None
    names = [n for n, _ in layers]
    if LAYER in names:
        return LAYER
    for wanted in (lambda g: g in POLYGONAL, lambda g: g in ("", "Unknown", "Geometry", "None")):
        found = [n for n, g in layers if wanted(g)]
        if found:
            return found[0]
    listed = ", ".join(f"{n} ({g})" for n, g in layers) or "none"
    raise InputError(f"{flag} {path}: no polygon layer (layers: {listed}); give {what} as polygons")


def read_layer(path: str | Path, flag: str = "--outlines", what: str = "slick outlines"):
    """(layer, CRS, {field in lower case: values}, shapely geometries) of a file's polygon layer."""
    import pyogrio
    import shapely

    path = Path(path)
    layer = pick_layer(path, flag, what)
    try:
        meta, _, wkb, fields = pyogrio.raw.read(path, layer=layer, force_2d=True, datetime_as_string=True)
    except Exception as exc:  # noqa: BLE001 - any OGR failure is a bad file, said in one line
        msg = " ".join(str(exc).split())[:200]
        raise InputError(f"{flag} {path}: layer {layer!r} cannot be read ({msg}); re-export the file") from None
    if meta.get("crs") is None:
        raise InputError(f"{flag} {path}: the {what} have no CRS; save them with one (e.g. the .prj of a Shapefile)")
    columns = {str(c).lower(): values for c, values in zip(meta["fields"], fields, strict=True)}
    geoms = shapely.from_wkb(wkb) if wkb is not None else np.empty(0, dtype=object)
    return layer, str(meta["crs"]), columns, geoms


def read_outline_file(path: str | Path) -> OutlineFile:
    """The slicks of one file, geometries in the file's CRS."""
    path = Path(path)
    layer, crs, columns, geoms = read_layer(path)
    slicks = []
    for i, geom in enumerate(geoms):
        polygon = polygonal(geom)
        if polygon is None:
            continue
        slicks.append(_slick(path, layer, i, polygon, columns))
    if len(slicks) < len(geoms):
        log.warning("%s: skipped %d feature(s) that are not polygons (or empty)", path, len(geoms) - len(slicks))
    return OutlineFile(path, layer, crs, slicks)


def polygonal(geom):
    """A valid non-empty (Multi)Polygon, or None."""
    import shapely

    from ..labels.read import polygonal as polygon_parts

    if geom is None or geom.is_empty:
        return None
    if geom.geom_type not in POLYGONAL and geom.geom_type != "GeometryCollection":
        return None
    if not geom.is_valid or geom.geom_type == "GeometryCollection":
        geom = polygon_parts(shapely.make_valid(geom))
    return geom if geom is not None and not geom.is_empty and geom.area > 0 else None


def _slick(path: Path, layer: str, i: int, geom, columns: dict) -> Slick:
    scene = field_text(columns["scene"][i]) if "scene" in columns else None
    sid = field_text(columns["id"][i]) if "id" in columns else None
    raw_time = columns["acq_time"][i] if "acq_time" in columns else None
    stamp = parse_time(raw_time)
    if stamp is None and field_text(raw_time):
        raise InputError(f"--outlines {path}: feature {i + 1} of layer {layer!r}: acq_time {raw_time!r} is not an "
                         "ISO 8601 time (e.g. 2021-06-01T07:12:30); fix it or leave it empty")
    return Slick(scene or path.stem, sid or str(i + 1), stamp, geom, str(path), named=bool(scene))


def field_text(value) -> str:
    """A field value as text: '' for null, whole floats without '.0' (Shapefile integers)."""
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            return ""
        if float(value).is_integer():
            return str(int(value))
    return str(value).strip()


def reproject(files: list[OutlineFile], crs: str) -> list[Slick]:
    """Every slick of every file, its geometry moved into ``crs``."""
    from ..labels.read import reproject_geoms

    out = []
    for f in files:
        geoms = reproject_geoms(np.array([s.geom for s in f.slicks], dtype=object), f.crs, crs)
        for slick, geom in zip(f.slicks, geoms, strict=True):
            if geom is not None and not geom.is_empty:
                slick.geom = geom
                out.append(slick)
    return out


def lonlat_bounds(files: list[OutlineFile]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of every outline, in degrees."""
    import shapely
    from pyproj import Transformer

    boxes = []
    for f in files:
        if not f.slicks:
            continue
        x0, y0, x1, y1 = shapely.total_bounds([s.geom for s in f.slicks])
        to_lonlat = Transformer.from_crs(f.crs, "EPSG:4326", always_xy=True)
        boxes.append(to_lonlat.transform_bounds(x0, y0, x1, y1))
    b = np.array(boxes)
    return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())
