"""Read slick label polygons from any OGR vector file, repair them, reproject them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError

log = logging.getLogger(__name__)

SCENE_FIELD = "scene"
POLYGONAL = {"Polygon", "MultiPolygon"}


@dataclass
class Labels:
    """Polygons (shapely, 2-D, valid) in the file's CRS, with their ``scene`` field if any."""

    path: Path
    layer: str
    crs: str  # WKT or authority string, as OGR reports it
    geoms: np.ndarray
    scenes: np.ndarray | None  # str per polygon when the layer has a `scene` field
    repaired: int = 0
    dropped: int = 0

    def for_scene(self, keys: set[str]) -> np.ndarray:
        """The polygons of one scene: those whose `scene` value is one of ``keys`` (the scene
        id, file name or stem, product folder), or all of them when there is no such field."""
        if self.scenes is None:
            return self.geoms
        keys = {k.lower() for k in keys}
        keep = np.array([s is not None and str(s).strip().lower() in keys for s in self.scenes], dtype=bool)
        return self.geoms[keep]

    def summary(self) -> dict:
        return {
            "path": str(self.path.resolve()), "layer": self.layer, "polygons": int(len(self.geoms)),
            "repaired": self.repaired, "dropped": self.dropped, "scene_field": self.scenes is not None,
        }


def _pick_layer(path: Path, layer: str | None) -> str:
    import pyogrio

    layers = pyogrio.list_layers(path)
    names = [str(n) for n, _ in layers]
    if layer is not None:
        if layer not in names:
            raise InputError(f"{path}: no layer {layer!r} (layers: {', '.join(names)}); pass one of those")
        return layer
    if not names:
        raise InputError(f"{path}: the file has no vector layer; give a GeoPackage, Shapefile or GeoJSON of slick polygons")
    if "slicks" in names:
        return "slicks"
    for name, gtype in layers:
        if gtype and str(gtype).replace(" Z", "").replace(" M", "") in POLYGONAL:
            return str(name)
    return names[0]


def read_labels(path: str | Path, layer: str | None = None) -> Labels:
    """Polygons and multipolygons of a label file. Invalid ones are repaired with
    ``shapely.make_valid`` (logged); other geometry types are ignored; none left -> InputError."""
    import pyogrio
    import shapely
    from pyogrio.errors import DataSourceError

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such label file; check the --labels path")
    try:
        name = _pick_layer(path, layer)
        meta, _, wkb, fields = pyogrio.raw.read(path, layer=name, force_2d=True)
    except InputError:
        raise
    except (DataSourceError, OSError, ValueError, RuntimeError) as exc:
        msg = " ".join(str(exc).split())[:200]
        raise InputError(f"{path}: cannot be read as vector labels ({msg}); give a GeoPackage, Shapefile or GeoJSON") from exc
    if meta.get("crs") is None:
        raise InputError(f"{path}: the labels have no CRS; save them with one (e.g. add the .prj of a Shapefile)")
    geoms = shapely.from_wkb(wkb) if wkb is not None else np.empty(0, dtype=object)
    columns = [str(c) for c in meta["fields"]]
    lowered = [c.lower() for c in columns]
    scenes = None
    if SCENE_FIELD in lowered:
        scenes = np.asarray(fields[lowered.index(SCENE_FIELD)], dtype=object)

    keep = np.zeros(len(geoms), dtype=bool)
    repaired = 0
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type not in POLYGONAL and geom.geom_type != "GeometryCollection":
            continue
        if not geom.is_valid:
            geom = polygonal(shapely.make_valid(geom))
            repaired += 1
        elif geom.geom_type == "GeometryCollection":
            geom = polygonal(geom)
        if geom is not None and not geom.is_empty and geom.area > 0:
            geoms[i] = geom
            keep[i] = True
    dropped = int(len(geoms) - keep.sum())
    if repaired:
        log.warning("%s: repaired %d invalid label geometr%s with make_valid", path, repaired, "y" if repaired == 1 else "ies")
    if dropped:
        log.warning("%s: ignored %d feature(s) that are not polygons (or empty after repair)", path, dropped)
    if not keep.any():
        raise InputError(
            f"{path}: layer {name!r} has no usable polygons ({len(geoms)} features, none a non-empty polygon); "
            "give slick outlines as polygons or multipolygons"
        )
    return Labels(path, name, str(meta["crs"]), geoms[keep], None if scenes is None else scenes[keep], repaired, dropped)


def polygonal(geom):
    """The polygon parts of a geometry (make_valid may return lines and points too)."""
    import shapely

    parts = [p for p in shapely.get_parts(geom) if p.geom_type in POLYGONAL]
    if not parts:
        return None
    return shapely.union_all(parts)


def reproject_geoms(geoms: np.ndarray, src_crs: str, dst_crs: str) -> np.ndarray:
    """Polygons from ``src_crs`` into ``dst_crs`` (geographic edges densified to ~1 km first)."""
    import shapely
    from pyproj import CRS, Transformer

    src, dst = CRS.from_user_input(src_crs), CRS.from_user_input(dst_crs)
    if src == dst or len(geoms) == 0:
        return geoms
    if src.is_geographic:
        geoms = shapely.segmentize(geoms, 0.01)
    tr = Transformer.from_crs(src, dst, always_xy=True)
    out = shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    # Reprojection can fold a polygon that crosses the projection's edge: repair, do not drop.
    bad = ~shapely.is_valid(out)
    if bad.any():
        out[bad] = [(polygonal(shapely.make_valid(g)) or shapely.Polygon()) for g in out[bad]]
    return out
