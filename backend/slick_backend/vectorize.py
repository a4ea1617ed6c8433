"""Slick outlines from a mask given strip by strip: polygons with holes, never cut at strip edges.

Each strip is labelled (4-connectivity) and turned into pixel-edge polygons in *pixel*
coordinates, where coordinates are small integers and shared edges of pieces from adjacent
strips coincide exactly. Pieces whose pixels touch across a strip boundary are joined with a
union-find; a group is finished as soon as none of its pieces reaches the last row read, and
only then are its pieces unioned (holes that span strips close correctly), simplified in
metres, filtered by area and given their attributes. Memory holds the open groups only.

length_km is the long side of the minimum rotated rectangle around the outline: cheap,
robust, and for the elongated slicks it is close to the length along the slick (it
underestimates strongly curved ones).
"""

from __future__ import annotations

import datetime as _dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .atomic import partial_path, sweep_partials

FORMATS = {"gpkg": ("GPKG", ".gpkg"), "shp": ("ESRI Shapefile", ".shp"), "geojson": ("GeoJSON", ".geojson")}
LAYER = "slicks"


@dataclass
class Component:
    """One finished connected slick: pixel-space geometry and probability statistics."""

    geometry: object  # shapely Polygon in pixel coordinates (col, row)
    pixels: int
    prob_sum: float
    prob_max: float


@dataclass
class _Group:
    pieces: list = field(default_factory=list)
    pixels: int = 0
    prob_sum: float = 0.0
    prob_max: float = float("-inf")


class StripVectorizer:
    """Feed consecutive strips of a boolean mask (and optionally probability); collect components."""

    def __init__(self, min_pixels: float = 0, on_component=None):
        self.min_pixels = min_pixels
        self.on_component = on_component  # called with each finished Component; else kept in .components
        self.components: list[Component] = []
        self._next_row = 0
        self._next_gid = 1
        self._parent: dict[int, int] = {}
        self._groups: dict[int, _Group] = {}  # root gid -> open group
        self._last_row: np.ndarray | None = None  # global ids of the previous strip's last row

    def _find(self, g: int) -> int:
        root = g
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[g] != root:
            self._parent[g], g = root, self._parent[g]
        return root

    def _union(self, a: int, b: int) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        ga, gb = self._groups.pop(ra), self._groups.pop(rb)
        self._parent[rb] = ra
        ga.pieces += gb.pieces
        ga.pixels += gb.pixels
        ga.prob_sum += gb.prob_sum
        ga.prob_max = max(ga.prob_max, gb.prob_max)
        self._groups[ra] = ga

    def add(self, row: int, mask: np.ndarray, prob: np.ndarray | None = None) -> None:
        from rasterio.features import shapes
        from rasterio.transform import Affine
        from scipy import ndimage
        from shapely.geometry import shape

        if row != self._next_row:
            raise ValueError(f"strips must come in order: expected row {self._next_row}, got {row}")
        mask = np.asarray(mask, bool)
        self._next_row += mask.shape[0]
        labels, n = ndimage.label(mask)  # default structure: 4-connectivity, like shapes()
        if n:
            # Drop small components that cannot grow (they touch neither edge of the strip)
            # before polygonising: on speckle-like masks that is nearly all of them.
            pixels = np.bincount(labels.ravel(), minlength=n + 1)
            keep = pixels >= self.min_pixels
            keep[labels[0]] = True
            keep[labels[-1]] = True
            keep[0] = False
            if not keep[1:].all():
                new_id = np.zeros(n + 1, np.int32)
                new_id[keep] = np.arange(1, int(keep.sum()) + 1)
                labels = new_id[labels]
                pixels = pixels[keep]
                n = int(keep.sum())
            else:
                pixels = pixels[1:]
        base = self._next_gid
        self._next_gid += n
        if n:
            if prob is not None:  # over the labelled pixels only: ndimage.maximum sorts the whole strip
                sel = labels > 0
                lab, val = labels[sel], np.asarray(prob, np.float64)[sel]
                psum = np.bincount(lab, weights=val, minlength=n + 1)[1:]
                pmax = np.full(n + 1, -np.inf)
                np.maximum.at(pmax, lab, val)
                pmax = pmax[1:]
            else:
                psum, pmax = np.zeros(n), np.full(n, np.nan)
            for i in range(n):
                gid = base + i
                self._parent[gid] = gid
                self._groups[gid] = _Group([], int(pixels[i]), float(psum[i]), float(pmax[i]))
            for geom, value in shapes(labels, mask=labels > 0, connectivity=4,
                                      transform=Affine.translation(0, row)):
                self._groups[self._find(base + int(value) - 1)].pieces.append(shape(geom))
        glabels = np.where(labels > 0, labels + (base - 1), 0)
        if self._last_row is not None:
            first = glabels[0]
            both = (self._last_row > 0) & (first > 0)
            for a, b in set(zip(self._last_row[both].tolist(), first[both].tolist(), strict=True)):
                self._union(a, b)
        self._last_row = glabels[-1].copy()
        open_roots = {self._find(g) for g in np.unique(self._last_row[self._last_row > 0]).tolist()}
        for root in [r for r in self._groups if r not in open_roots]:
            self._finish(root)

    def close(self) -> list[Component]:
        for root in list(self._groups):
            self._finish(root)
        self._parent.clear()
        return self.components

    def _finish(self, root: int) -> None:
        from shapely import union_all

        group = self._groups.pop(root)
        if group.pixels < self.min_pixels:
            return
        geom = group.pieces[0] if len(group.pieces) == 1 else union_all(group.pieces)
        comp = Component(geom, group.pixels, group.prob_sum, group.prob_max)
        if self.on_component is not None:
            self.on_component(comp)
        else:
            self.components.append(comp)


# --- map geometry and attributes ------------------------------------------------------------


def to_map(geom_px, transform):
    """Pixel (col, row) coordinates -> map coordinates through the grid's affine."""
    import shapely

    a, b, c, d, e, f = transform[:6]
    return shapely.transform(geom_px, lambda xy: np.column_stack(
        [a * xy[:, 0] + b * xy[:, 1] + c, d * xy[:, 0] + e * xy[:, 1] + f]))


def clean_geometry(geom, simplify_m: float):
    """Simplified (topology kept), valid, as a MultiPolygon; None when nothing is left."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    if simplify_m > 0:
        geom = geom.simplify(simplify_m, preserve_topology=True)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon) and not g.is_empty]
    for g in getattr(geom, "geoms", []):
        if isinstance(g, MultiPolygon):
            parts += list(g.geoms)
    return MultiPolygon(parts) if parts else None


def slick_length_m(geom) -> float:
    """Long side of the minimum rotated rectangle (see the module doc)."""
    import shapely

    rect = shapely.oriented_envelope(geom)
    coords = np.asarray(rect.exterior.coords) if rect.geom_type == "Polygon" else np.asarray(rect.coords)
    if len(coords) < 2:
        return 0.0
    sides = np.hypot(*np.diff(coords, axis=0).T)
    return float(sides.max())


_NAME_TIME = re.compile(r"(\d{8})T(\d{6})")


def acquisition_time(path: str | Path, tags: dict | None = None) -> str | None:
    """ISO 8601 acquisition time from a Sentinel-1 style file name, else from GDAL tags."""
    m = _NAME_TIME.search(Path(path).name)
    if m:
        try:
            return _dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S").isoformat()
        except ValueError:
            pass
    for key in ("ACQUISITION_TIME", "ACQUISITION_START_TIME", "TIFFTAG_DATETIME"):
        value = (tags or {}).get(key)
        if value:
            for fmt in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
                try:
                    return _dt.datetime.strptime(value.strip().rstrip("Z"), fmt).isoformat()
                except ValueError:
                    continue
            return str(value)
    return None


class OutlineCollector:
    """Turns finished components into features (map geometry + attributes)."""

    def __init__(self, transform, simplify_m: float, min_area_km2: float, scene: str,
                 acq_time: str | None, model: str | None):
        self.transform = transform
        self.simplify_m, self.min_area_km2 = simplify_m, min_area_km2
        self.scene, self.acq_time, self.model = scene, acq_time, model
        self.created = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
        self.geometries: list = []
        self.rows: list[dict] = []

    def __call__(self, comp: Component) -> None:
        geom = clean_geometry(to_map(comp.geometry, self.transform), self.simplify_m)
        if geom is None or geom.area / 1e6 < self.min_area_km2:
            return
        has_prob = not np.isnan(comp.prob_max)
        self.geometries.append(geom)
        self.rows.append({
            "id": len(self.rows) + 1,
            "area_km2": geom.area / 1e6,
            "perimeter_km": geom.length / 1e3,
            "length_km": slick_length_m(geom) / 1e3,
            "mean_prob": comp.prob_sum / comp.pixels if has_prob else None,
            "max_prob": comp.prob_max if has_prob else None,
            "scene": self.scene,
            "acq_time": self.acq_time,
            "model": self.model,
            "created": self.created,
        })


FIELDS = ["id", "area_km2", "perimeter_km", "length_km", "mean_prob", "max_prob", "scene", "acq_time",
          "model", "created"]
SHP_NAMES = {"perimeter_km": "perim_km"}


def write_outlines(path: str | Path, geometries: list, rows: list[dict], crs: str, fmt: str = "gpkg") -> Path:
    """Write the features atomically (a Shapefile's sidecar files are moved together)."""
    import shapely
    from pyogrio.raw import write

    driver, ext = FORMATS[fmt]
    path = Path(path)
    field_data = [
        np.array([r[k] for r in rows], dtype=np.int64) if k == "id"
        else np.array([np.nan if r[k] is None else r[k] for r in rows], dtype=np.float64) if k in {
            "area_km2", "perimeter_km", "length_km", "mean_prob", "max_prob"}
        else np.array([r[k] for r in rows], dtype=object)
        for k in FIELDS
    ]
    wkb = np.array([shapely.to_wkb(g) for g in geometries], dtype=object)
    # Build in a hidden temporary directory next to the target, then move each file into place.
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_partials(path)
    tmp = partial_path(path, suffix="")
    tmp.mkdir()
    try:
        out = tmp / path.name
        # Shapefile (dBase) field names have at most 10 characters: name the long one ourselves.
        names = [SHP_NAMES.get(f, f) for f in FIELDS] if driver == "ESRI Shapefile" else FIELDS
        write(str(out), wkb, field_data, names, crs=crs, geometry_type="MultiPolygon", driver=driver,
              layer=LAYER if driver != "ESRI Shapefile" else None, **({"spatial_index": True} if driver == "GPKG" else {}))
        produced = sorted(tmp.iterdir())
        for f in produced:  # the main file last, so its presence means the set is complete
            if f.name != path.name:
                f.replace(path.parent / f.name)
        out.replace(path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path
