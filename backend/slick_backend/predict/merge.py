"""One outline file across many scenes: the per-scene GeoPackages merged into one, in EPSG:4326.

Scenes of a batch lie in different UTM zones, and one layer has one CRS: the merged layers are in
longitude / latitude (what any GIS overlays on anything). Measures stay as each scene computed them
in its own UTM zone (area_km2, length_km...), so nothing is lost by the reprojection.

Every layer the sources have (``slicks``, ``centrelines``, ...) is merged by name, with the union
of their fields in first-seen order: fields a newer predict adds travel without a change here,
and a field a source lacks is null in its features. One source is read at a time (bounded memory).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..atomic import atomic_file
from ..progress import quiet_logger

MERGED_CRS = "EPSG:4326"
FIRST_LAYER = "slicks"  # the outlines: first in the file, so a viewer that opens "the first layer" shows them


def merge_outlines(sources: list[Path], target: Path, crs: str = MERGED_CRS) -> dict[str, int]:
    """Merge ``sources`` (GeoPackages) into ``target`` atomically; features written per layer.
    With no sources an old ``target`` is removed (it would list scenes that are no longer done)."""
    import pyogrio

    target = Path(target)
    layers: dict[str, list[tuple[Path, dict]]] = {}
    for src in sources:
        for name, _geometry_type in pyogrio.list_layers(src):
            layers.setdefault(str(name), []).append((src, pyogrio.read_info(src, layer=str(name))))
    if not layers:
        target.unlink(missing_ok=True)
        return {}
    order = sorted(layers, key=lambda name: name != FIRST_LAYER)  # stable: the others keep their order
    counts = {}
    with atomic_file(target) as tmp, quiet_logger("pyogrio"):
        for name in order:
            counts[name] = _merge_layer(layers[name], tmp, name, crs)
    return counts


def _union_fields(infos: list[dict]) -> dict[str, str]:
    """field -> numpy dtype name over all sources; a field typed differently in two becomes float
    (both numeric) or text."""
    fields: dict[str, str] = {}
    for info in infos:
        for name, dtype in zip(info["fields"], info["dtypes"], strict=True):
            seen = fields.setdefault(str(name), str(dtype))
            if seen != str(dtype):
                numeric = all(np.issubdtype(np.dtype(d), np.number) for d in (seen, str(dtype)) if d != "object")
                fields[str(name)] = "float64" if numeric and "object" not in (seen, str(dtype)) else "object"
    return fields


def _merge_layer(sources: list[tuple[Path, dict]], out: Path, layer: str, crs: str) -> int:
    from pyogrio.raw import read, write

    fields = _union_fields([info for _, info in sources])
    geometry_type = next((i["geometry_type"] for _, i in sources if i["geometry_type"] != "Unknown"), "Unknown")
    options = {"driver": "GPKG", "layer": layer, "crs": crs, "geometry_type": geometry_type,
               "promote_to_multi": geometry_type.startswith("Multi"), "spatial_index": True}
    empty = [np.zeros(0, dtype=np.dtype(d)) for d in fields.values()]
    write(str(out), np.zeros(0, dtype=object), empty, list(fields), **options)  # the layer, even with no features
    total = 0
    for src, info in sources:
        if not info["features"]:
            continue
        meta, _fids, geometry, data = read(str(src), layer=layer)
        columns, masks = _align(fields, [str(f) for f in meta["fields"]], data, len(geometry))
        write(str(out), _reproject(geometry, meta["crs"], crs), columns, list(fields), field_mask=masks,
              append=True, **options)
        total += len(geometry)
    return total


def _align(fields: dict[str, str], names: list[str], data: list, n: int) -> tuple[list, list]:
    """The source's columns in the union's order and types; (columns, null masks)."""
    have = dict(zip(names, data, strict=True))
    columns, masks = [], []
    for name, dtype in fields.items():
        values = have.get(name)
        if values is None:  # a field this source does not have: null
            columns.append(np.zeros(n, dtype=np.dtype(dtype)) if dtype != "object" else np.full(n, None, object))
            masks.append(np.ones(n, dtype=bool))
            continue
        if dtype == "object" and values.dtype != object:
            values = np.array([None if v is None else str(v) for v in values], dtype=object)
        columns.append(values.astype(np.dtype(dtype), copy=False))
        masks.append(None)
    return columns, masks


def _reproject(geometry: np.ndarray, src_crs: str | None, crs: str) -> np.ndarray:
    """WKB geometries from ``src_crs`` to ``crs`` (unchanged when they already are, or have no CRS)."""
    import shapely
    from pyproj import CRS, Transformer

    if not src_crs or CRS.from_user_input(src_crs) == CRS.from_user_input(crs):
        return geometry
    transformer = Transformer.from_crs(src_crs, crs, always_xy=True)

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    moved = shapely.transform(shapely.from_wkb(geometry), move)
    return np.array(shapely.to_wkb(moved), dtype=object)
