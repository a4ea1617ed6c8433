"""The scenes that were looked at, as footprints in the atlas CRS: where "no slick" means "seen, no slick".

``--coverage`` entries are expanded as ``predict --scenes`` expands them (predict/batch_inputs.py:
files, ``.SAFE`` folders, product zips, folders of scenes, @lists). A raster or product gives its
valid-data footprint: the scene is read through slick_backend.scenes onto its grid in the atlas UTM
zone at the atlas pixel size (coarser for a scene wider than MAX_SIDE_PX such pixels), and the valid
pixels are turned into polygons. A vector file (GeoPackage, Shapefile, GeoJSON...) gives one footprint
per scene: polygons with a field ``scene`` (a file with one feature may leave it out: the file name is
the scene id) and optionally ``acq_time``.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from .outlines import field_text, polygonal, read_layer
from .timeline import parse_time

log = logging.getLogger(__name__)

VECTOR_SUFFIXES = {".gpkg", ".shp", ".geojson", ".json", ".fgb", ".kml", ".gml", ".sqlite"}
MAX_SIDE_PX = 4096  # footprint raster side: bounds the time and memory of a wide scene's footprint
STRIP_ROWS = 256  # rows read at a time


@dataclass
class Footprint:
    scene: str  # scene id: file / product name without extension, or the footprint's `scene` field
    source: str  # the file it came from
    geom: object  # shapely (Multi)Polygon in the atlas CRS; empty when the scene has no valid pixel
    acq_time: object = None  # aware UTC datetime or None


def coverage_paths(entries: list[str]) -> list[str]:
    """The files / products the ``--coverage`` entries name, expanded like predict's ``--scenes``."""
    from ..predict.batch_inputs import expand_scenes
    from ..scenes import scene_exists

    if not entries:
        raise InputError("--coverage: give the scenes that were looked at (rasters, .SAFE folders, product zips, "
                         "folders of them, @LIST.txt) or footprint files (polygons with a field scene)")
    for entry in map(str, entries):
        if not entry.startswith("@") and not Path(entry).exists() and not scene_exists(entry):
            raise InputError(f"--coverage {entry}: no such scene, folder or footprint file; check the path")
    return [path for _, path in expand_scenes([str(e) for e in entries])[0]]


def is_vector(path: str) -> bool:
    return Path(path).suffix.lower() in VECTOR_SUFFIXES


def read_footprints(path: str, crs: str, zone: str, pixel_size: float) -> list[Footprint]:
    """The footprints one coverage path gives, in ``crs`` (the UTM ``zone`` as '32N')."""
    if is_vector(path):
        return vector_footprints(path, crs)
    return [raster_footprint(path, zone, pixel_size)]


def raster_footprint(path: str, zone: str, pixel_size: float) -> Footprint:
    from rasterio.windows import Window

    from ..scenes import acquisition_time, choose_grid, open_scene_or_empty

    scene, empty = open_scene_or_empty(path)
    with scene:
        # measurement TIFFs are named s1a-ew-grd-hh-20240501t171838-...: the name's time, whatever its case
        stamp = parse_time(acquisition_time(scene.path.name, scene.tags))
        if empty:
            log.warning("%s: the scene has no valid pixel; it covers nothing", path)
            return Footprint(scene.id, str(path), _empty(), stamp)
        grid = choose_grid(scene, pixel_size, utm_zone=zone)
        side = max(grid.width, grid.height)
        if side > MAX_SIDE_PX:
            grid = choose_grid(scene, pixel_size * math.ceil(side / MAX_SIDE_PX), utm_zone=zone)
        valid = np.zeros((grid.height, grid.width), dtype=bool)
        for r0 in range(0, grid.height, STRIP_ROWS):
            rows = min(STRIP_ROWS, grid.height - r0)
            valid[r0:r0 + rows] = scene.read(grid, Window(0, r0, grid.width, rows))[1]
    return Footprint(scene.id, str(path), polygonise(valid, grid.affine), stamp)


def polygonise(valid: np.ndarray, affine):
    """The True pixels of a mask as one (Multi)Polygon in the mask's CRS, pixel edges exact."""
    import shapely
    from rasterio.features import shapes
    from shapely.geometry import shape

    if not valid.any():
        return _empty()
    parts = [shape(g) for g, _ in shapes(valid.astype(np.uint8), mask=valid, transform=affine)]
    return shapely.union_all(parts)


def _empty():
    from shapely.geometry import Polygon

    return Polygon()


def vector_footprints(path: str, crs: str) -> list[Footprint]:
    """One footprint per scene of a polygon file (polygons of one scene are merged)."""
    import shapely

    from ..labels.read import reproject_geoms

    _, src_crs, columns, geoms = read_layer(path, "--coverage", "scene footprints")
    keep = [i for i, g in enumerate(geoms) if polygonal(g) is not None]
    if not keep:
        raise InputError(f"--coverage {path}: no footprint polygons in the file; give one polygon per scene")
    if "scene" not in columns and len(keep) > 1:
        raise InputError(f"--coverage {path}: {len(keep)} footprints but no field 'scene'; add a scene field naming "
                         "the scene of each polygon")
    moved = reproject_geoms(np.array([polygonal(geoms[i]) for i in keep], dtype=object), src_crs, crs)
    by_scene: dict[str, list] = {}
    times: dict[str, object] = {}
    for i, geom in zip(keep, moved, strict=True):
        scene = field_text(columns["scene"][i]) if "scene" in columns else Path(path).stem
        if not scene:
            raise InputError(f"--coverage {path}: feature {i + 1} has an empty scene field; name its scene")
        by_scene.setdefault(scene, []).append(geom)
        raw = columns["acq_time"][i] if "acq_time" in columns else None
        stamp = parse_time(raw)
        if stamp is None and field_text(raw):
            raise InputError(f"--coverage {path}: feature {i + 1}: acq_time {raw!r} is not an ISO 8601 time; fix it "
                             "or leave it empty")
        if stamp is not None:
            times.setdefault(scene, stamp)
    return [Footprint(scene, str(path), shapely.union_all(parts), times.get(scene))
            for scene, parts in by_scene.items()]
