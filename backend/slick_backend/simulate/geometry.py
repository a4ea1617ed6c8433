"""Scene geometry: a GRD-like image (rows = azimuth lines, columns = ground range) on the ground.

Everything is simulated in this radar geometry, where the incidence angle and the sub-swath
banding run along the columns. An affine map with rotation takes image (col, row) to the
site's UTM zone: rows advance along the satellite's ground track, columns across it to the
right (Sentinel-1 looks right). As in real GRD products the image is therefore mirrored with
respect to a north-up map, which exercises GCP and rotated-grid warping downstream.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from affine import Affine
from pyproj import Transformer
from shapely.geometry import Polygon

from .modes import ModeSpec
from .sites import Site

INCLINATION_DEG = 98.18  # Sentinel-1 orbit


def track_heading(lat: float, ascending: bool) -> float:
    """Ground-track heading (degrees clockwise from north) of a sun-synchronous orbit at ``lat``."""
    c = math.cos(math.radians(INCLINATION_DEG)) / max(math.cos(math.radians(lat)), 1e-3)
    delta = math.degrees(math.asin(max(-1.0, min(1.0, c))))  # negative: retrograde orbit
    return delta % 360.0 if ascending else (180.0 - delta) % 360.0


@dataclass(frozen=True)
class SceneGeometry:
    mode: ModeSpec
    site: Site
    rows: int
    cols: int
    heading_deg: float
    range_offset_km: float  # ground range of column 0 from the near edge of the full swath
    centre_x: float  # UTM coordinates of the image centre
    centre_y: float

    @property
    def pixel_m(self) -> float:
        return self.mode.pixel_m

    @property
    def transform(self) -> Affine:
        """Image (col, row) -> UTM (x, y), pixel corners (rasterio convention)."""
        h = math.radians(self.heading_deg)
        az = (math.sin(h), math.cos(h))  # along track, per row
        rg = (math.sin(h + math.pi / 2), math.cos(h + math.pi / 2))  # right-looking, per column
        p = self.pixel_m
        a, b, d, e = p * rg[0], p * az[0], p * rg[1], p * az[1]
        c = self.centre_x - a * self.cols / 2 - b * self.rows / 2
        f = self.centre_y - d * self.cols / 2 - e * self.rows / 2
        return Affine(a, b, c, d, e, f)

    @property
    def crs(self) -> str:
        return f"EPSG:{self.site.epsg}"

    def range_km(self) -> np.ndarray:
        return (self.range_offset_km + (np.arange(self.cols) + 0.5) * self.pixel_m / 1000.0).astype(np.float32)

    def azimuth_km(self) -> np.ndarray:
        return ((np.arange(self.rows) + 0.5) * self.pixel_m / 1000.0).astype(np.float32)

    def incidence(self) -> np.ndarray:
        return self.mode.incidence(self.range_km()).astype(np.float32)

    def look_angle_image(self) -> float:
        """Direction the radar looks, as an image angle: along +columns (ground range), i.e. 0."""
        return 0.0

    def map_to_image_angle(self, map_dir_deg: float) -> float:
        """A map direction (deg clockwise from north) as an image angle (rad, x = +col, y = +row)."""
        # unit vector in map (E, N), expressed in image (col, row) through the inverse linear part
        t = self.transform
        v = np.array([math.sin(math.radians(map_dir_deg)), math.cos(math.radians(map_dir_deg))])
        m = np.array([[t.a, t.b], [t.d, t.e]])
        col, row = np.linalg.solve(m, v)
        return math.atan2(row, col)

    def image_to_map_deg(self, image_angle: float) -> float:
        """An image angle (rad) as a map direction (deg clockwise from north, 0..360)."""
        t = self.transform
        col, row = math.cos(image_angle), math.sin(image_angle)
        east, north = t.a * col + t.b * row, t.d * col + t.e * row
        return math.degrees(math.atan2(east, north)) % 360.0

    def utm_to_image(self, x: float, y: float) -> tuple[float, float]:
        """UTM point -> fractional (row, col)."""
        col, row = ~self.transform @ (x, y)
        return row, col

    def to_lonlat(self) -> Transformer:
        return Transformer.from_crs(self.site.epsg, 4326, always_xy=True)

    def gcps_lonlat(self, n: int = 11) -> list[tuple[float, float, float, float]]:
        """(row, col, lon, lat) on an n x n grid covering the image corners, like GRD annotations."""
        rows = np.linspace(0, self.rows, n)
        cols = np.linspace(0, self.cols, n)
        rr, cc = np.meshgrid(rows, cols, indexing="ij")
        x, y = self.transform @ (cc.ravel(), rr.ravel())
        lon, lat = self.to_lonlat().transform(np.asarray(x), np.asarray(y))
        return list(zip(rr.ravel(), cc.ravel(), lon, lat, strict=True))

    def footprint_utm(self, densify: int = 16) -> Polygon:
        t = self.transform
        edge = np.linspace(0, 1, densify, endpoint=False)
        cols = np.concatenate([edge, np.ones_like(edge), 1 - edge, np.zeros_like(edge)]) * self.cols
        rows = np.concatenate([np.zeros_like(edge), edge, np.ones_like(edge), 1 - edge]) * self.rows
        x, y = t @ (cols, rows)
        return Polygon(np.column_stack([x, y]))

    def footprint_lonlat(self) -> Polygon:
        xy = np.asarray(self.footprint_utm().exterior.coords)
        lon, lat = self.to_lonlat().transform(xy[:, 0], xy[:, 1])
        return Polygon(np.column_stack([lon, lat]))


def place_scene(mode: ModeSpec, site: Site, size: int, rng: np.random.Generator, ascending: bool) -> SceneGeometry:
    """A scene of ``size`` x ``size`` px over the site, with one of its seeps well inside it."""
    heading = track_heading(site.lat, ascending)
    extent_km = size * mode.pixel_m / 1000.0
    range_offset = float(rng.uniform(0.0, max(0.0, mode.swath_km - extent_km)))
    provisional = SceneGeometry(mode, site, size, size, heading, range_offset, *site.centre_utm())
    anchor = site.seeps[int(rng.integers(len(site.seeps)))]
    ax, ay = site.seep_utm(anchor)
    # put the anchor seep within the central 50 % of the image, anywhere in there
    row_frac, col_frac = rng.uniform(0.25, 0.75, size=2)
    t = provisional.transform
    dx, dy = t.a * size * (0.5 - col_frac) + t.b * size * (0.5 - row_frac), t.d * size * (
        0.5 - col_frac
    ) + t.e * size * (0.5 - row_frac)
    return SceneGeometry(mode, site, size, size, heading, range_offset, ax + dx, ay + dy)
