"""Slick outlines from a mask given strip by strip: polygons with holes, never cut at strip edges.

Each strip is labelled (4-connectivity) and turned into pixel-edge polygons in *pixel*
coordinates, where coordinates are small integers and shared edges of pieces from adjacent
strips coincide exactly. Pieces whose pixels touch across a strip boundary are joined with a
union-find; a group is finished as soon as none of its pieces reaches the last row read, and
only then are its pieces unioned (holes that span strips close correctly), simplified in
metres, filtered by area and given their attributes. Memory holds the open groups only.

Each outline gets its shape attributes from outline_shape (centreline length, mean width,
Polsby-Popper, fill factor, aspect ratio, orientation; length_km stays the long side of the
minimum rotated rectangle) and its centreline, written as a second layer (CENTRELINE_LAYER in
the same GeoPackage, a ``<stem>_centrelines`` sibling file for Shapefile and GeoJSON). Every
attribute, with its formula and units, is listed in docs/outlines.md.
"""

from __future__ import annotations

import datetime as _dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .atomic import partial_path, sweep_partials
from .outline_shape import shape_attributes

FORMATS = {"gpkg": ("GPKG", ".gpkg"), "shp": ("ESRI Shapefile", ".shp"), "geojson": ("GeoJSON", ".geojson")}
LAYER = "slicks"
CENTRELINE_LAYER = "centrelines"
SHP_SIDECARS = (".shx", ".dbf", ".prj", ".cpg")


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
    """Long side of the minimum rotated rectangle around the outline (length_km, in metres)."""
    from .outline_shape import rectangle_axes

    return rectangle_axes(geom)[0]


class OutlineCollector:
    """Turns finished components into features (map geometry + attributes) and centrelines."""

    def __init__(self, transform, simplify_m: float, min_area_km2: float, scene: str,
                 acq_time: str | None, model: str | None, coast_km=None):
        self.transform = transform
        self.coast_km = coast_km  # geometry -> km to the nearest land, or None (masks/land.py CoastDistance)
        self.simplify_m, self.min_area_km2 = simplify_m, min_area_km2
        self.scene, self.acq_time, self.model = scene, acq_time, model
        self.created = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
        self.geometries: list = []
        self.centrelines: list = []  # MultiLineString per outline, same order as rows
        self.rows: list[dict] = []

    def __call__(self, comp: Component) -> None:
        geom = clean_geometry(to_map(comp.geometry, self.transform), self.simplify_m)
        if geom is None or geom.area / 1e6 < self.min_area_km2:
            return
        has_prob = not np.isnan(comp.prob_max)
        shape, centreline = shape_attributes(geom)
        self.geometries.append(geom)
        self.centrelines.append(centreline)
        self.rows.append({
            "id": len(self.rows) + 1,
            **shape,
            # mean_prob is the machine confidence (Cerulean's machine_confidence): see docs/outlines.md
            "mean_prob": comp.prob_sum / comp.pixels if has_prob else None,
            "max_prob": comp.prob_max if has_prob else None,
            "coast_km": self.coast_km(geom) if self.coast_km else None,
            "ice_score": None,  # set once the whole scene is read (ice_flag.IceField, predict/outputs.py)
            "ice_like": None,
            "scene": self.scene,
            "acq_time": self.acq_time,
            "model": self.model,
            "created": self.created,
        })


FIELDS = ["id", "area_km2", "perimeter_km", "length_km", "centerline_km", "mean_width_m", "polsby_popper",
          "fill_factor", "aspect_ratio", "orientation_deg", "mean_prob", "max_prob", "coast_km", "ice_score",
          "ice_like", "scene", "acq_time", "model", "created"]
CENTRELINE_FIELDS = ["id", "scene", "acq_time", "centerline_km"]
INT_FIELDS = {"id", "ice_like"}  # ice_like may be empty (null)
FLOAT_FIELDS = {"area_km2", "perimeter_km", "length_km", "centerline_km", "mean_width_m", "polsby_popper",
                "fill_factor", "aspect_ratio", "orientation_deg", "mean_prob", "max_prob", "coast_km", "ice_score"}
# Shapefile (dBase) field names have at most 10 characters: the long ones are named here.
SHP_NAMES = {"perimeter_km": "perim_km", "centerline_km": "cline_km", "mean_width_m": "width_m",
             "polsby_popper": "polsby", "fill_factor": "fill_fact", "aspect_ratio": "aspect",
             "orientation_deg": "orient_deg"}


def centreline_path(path: str | Path) -> Path:
    """Where the centrelines of the outlines at ``path`` go: the same GeoPackage (another
    layer), else the sibling ``<stem>_centrelines`` file of the same format."""
    path = Path(path)
    if path.suffix.lower() == ".gpkg":
        return path
    return path.with_name(f"{path.stem}_{CENTRELINE_LAYER}{path.suffix}")


def outline_files(path: str | Path) -> list[Path]:
    """Every file that write_outlines may make for ``path``, the outline file itself last
    (commit in this order: its presence means the set is complete)."""
    path = Path(path)
    mains = [centreline_path(path), path] if centreline_path(path) != path else [path]
    sides = [m.with_suffix(ext) for m in mains for ext in SHP_SIDECARS] if path.suffix.lower() == ".shp" else []
    return sides + mains


def _columns(rows: list[dict], fields: list[str]) -> list[np.ndarray]:
    return [
        np.array([0 if r.get(k) is None else r.get(k) for r in rows], dtype=np.int64) if k in INT_FIELDS
        else np.array([np.nan if r.get(k) is None else r.get(k) for r in rows], dtype=np.float64) if k in FLOAT_FIELDS
        else np.array([r[k] for r in rows], dtype=object)
        for k in fields
    ]


def _null_masks(rows: list[dict], fields: list[str]) -> list[np.ndarray | None]:
    """Where an integer field is empty (its column holds 0 there): written as null."""
    return [np.array([r.get(k) is None for r in rows], dtype=bool) if k in INT_FIELDS else None for k in fields]


def write_outlines(path: str | Path, geometries: list, rows: list[dict], crs: str, fmt: str = "gpkg",
                   centrelines: list | None = None) -> Path:
    """Write the outlines (layer LAYER) and, when given, their centrelines (CENTRELINE_LAYER;
    see centreline_path) atomically: all files are built in a hidden temporary directory and
    moved into place together, the outline file last."""
    import shapely
    from pyogrio.raw import write

    driver, ext = FORMATS[fmt]
    path = Path(path)
    if centrelines is not None and len(centrelines) != len(rows):
        raise ValueError(f"{len(centrelines)} centrelines for {len(rows)} outlines")
    shp = driver == "ESRI Shapefile"
    options = {"spatial_index": True} if driver == "GPKG" else {}
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_partials(path)
    tmp = partial_path(path, suffix="")
    tmp.mkdir()
    try:
        out = tmp / path.name
        wkb = np.array([shapely.to_wkb(g) for g in geometries], dtype=object)
        names = [SHP_NAMES.get(f, f) for f in FIELDS] if shp else FIELDS
        write(str(out), wkb, _columns(rows, FIELDS), names, crs=crs, geometry_type="MultiPolygon", driver=driver,
              layer=None if shp else LAYER, field_mask=_null_masks(rows, FIELDS), **options)
        if centrelines is not None:
            lines = np.array([shapely.to_wkb(g) for g in centrelines], dtype=object)
            names = [SHP_NAMES.get(f, f) for f in CENTRELINE_FIELDS] if shp else CENTRELINE_FIELDS
            write(str(tmp / centreline_path(path).name), lines, _columns(rows, CENTRELINE_FIELDS), names, crs=crs,
                  geometry_type="MultiLineString", driver=driver, layer=None if shp else CENTRELINE_LAYER,
                  **options)  # a GeoPackage gets a second layer
        for f in sorted(tmp.iterdir()):  # the main file last, so its presence means the set is complete
            if f.name != path.name:
                f.replace(path.parent / f.name)
        out.replace(path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path
