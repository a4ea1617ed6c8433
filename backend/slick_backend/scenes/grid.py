"""The target grid of a scene: its UTM zone at the requested pixel size.

A grid is plain data (CRS string, affine as 6 numbers, width, height) so it goes into the
dataset manifest and model cards as JSON and comes back unchanged.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..errors import InputError

# Relative tolerance for "this input already has the target pixel size": real mosaics carry
# float noise in their geotransform (25.000000000000057).
PIXEL_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Grid:
    crs: str
    transform: tuple[float, float, float, float, float, float]
    width: int
    height: int

    @property
    def affine(self):
        from affine import Affine

        return Affine(*self.transform)

    @property
    def pixel_size(self) -> float:
        return abs(self.transform[0])

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        from rasterio.transform import array_bounds

        return array_bounds(self.height, self.width, self.affine)

    def window_transform(self, window):
        from rasterio.windows import transform

        return transform(window, self.affine)

    def window_bounds(self, window) -> tuple[float, float, float, float]:
        from rasterio.windows import bounds

        return bounds(window, self.affine)

    def window_of_bounds(self, bounds):
        """The grid window (whole pixels, clipped to the grid) covering ``bounds`` in grid CRS."""
        from rasterio.windows import Window, from_bounds

        win = from_bounds(*bounds, transform=self.affine)
        r0, c0 = max(0, math.floor(win.row_off)), max(0, math.floor(win.col_off))
        r1 = min(self.height, math.ceil(win.row_off + win.height))
        c1 = min(self.width, math.ceil(win.col_off + win.width))
        if r1 <= r0 or c1 <= c0:
            return None
        return Window(c0, r0, c1 - c0, r1 - r0)

    def to_dict(self) -> dict:
        return {"crs": self.crs, "transform": list(self.transform), "width": self.width, "height": self.height}

    @classmethod
    def from_dict(cls, d: dict) -> Grid:
        return cls(str(d["crs"]), tuple(float(v) for v in d["transform"][:6]), int(d["width"]), int(d["height"]))


def parse_utm_zone(text: str) -> tuple[int, bool]:
    """'32N' -> (32, True); '33S' -> (33, False). Raises InputError otherwise."""
    m = re.fullmatch(r"\s*(\d{1,2})\s*([NnSs])\s*", str(text))
    if not m or not 1 <= int(m.group(1)) <= 60:
        raise InputError(f"--utm-zone {text!r} is not a UTM zone: give the zone number and hemisphere, e.g. 32N or 23S")
    return int(m.group(1)), m.group(2).upper() == "N"


def utm_crs(zone: int, north: bool) -> str:
    """WGS 84 / UTM zone as an EPSG string (326zz north, 327zz south)."""
    return f"EPSG:{(32600 if north else 32700) + zone}"


def utm_zone_of(lon: float, lat: float) -> tuple[int, bool]:
    # Plain 6-degree zones, no Norway/Svalbard exceptions: the paper puts Prins Karls
    # Forland (10.5 E, 78.5 N) in 32N, which the Svalbard rule would move to 33X.
    lon = ((lon + 180.0) % 360.0) - 180.0
    zone = min(60, int(math.floor((lon + 180.0) / 6.0)) + 1)
    return zone, lat >= 0


def utm_zone_of_crs(crs) -> tuple[int, bool] | None:
    """The (zone, north) of a WGS 84 UTM CRS, else None."""
    epsg = crs.to_epsg() if crs is not None else None
    if epsg and (32601 <= epsg <= 32660 or 32701 <= epsg <= 32760):
        return epsg % 100, epsg < 32700
    return None


def choose_grid(scene, pixel_size: float, utm_zone: str | None = None) -> Grid:
    """The grid a scene is resampled to: its UTM zone (from the scene centre unless
    ``utm_zone`` is given) at ``pixel_size`` metres, snapped to whole multiples of the pixel.

    A scene already in a WGS 84 UTM CRS keeps that CRS unless another zone is asked for, and
    keeps its exact grid (no resampling) when its pixel is already ``pixel_size``.
    """
    from rasterio.crs import CRS
    from rasterio.warp import calculate_default_transform

    pixel_size = float(pixel_size)
    src_zone = utm_zone_of_crs(scene.crs) if scene.georef == "projected" else None
    if utm_zone:
        zone, north = parse_utm_zone(utm_zone)
    elif src_zone:
        zone, north = src_zone
    else:
        zone, north = utm_zone_of(*scene.center_lonlat())
    dst = CRS.from_string(utm_crs(zone, north))

    if src_zone == (zone, north):
        t = scene.transform
        if t.b == 0 and t.d == 0 and t.e < 0 < t.a:
            if _close(t.a, pixel_size) and _close(-t.e, pixel_size):
                return Grid(dst.to_string(), tuple(t[:6]), scene.width, scene.height)
            # Same CRS, other pixel size: keep the scene's corner, no re-snapping.
            left, top = t.c, t.f
            width = max(1, math.ceil(scene.width * t.a / pixel_size - 1e-9))
            height = max(1, math.ceil(scene.height * -t.e / pixel_size - 1e-9))
            return Grid(dst.to_string(), (pixel_size, 0.0, left, 0.0, -pixel_size, top), width, height)

    kwargs = {"resolution": pixel_size}
    if scene.georef == "gcps":
        kwargs["gcps"] = scene.gcps
        src_crs = scene.gcp_crs
        left = bottom = right = top = None
    else:
        src_crs = scene.crs
        left, bottom, right, top = scene.bounds
    try:
        t, _w, _h = calculate_default_transform(
            src_crs, dst, scene.width, scene.height, left=left, bottom=bottom, right=right, top=top, **kwargs
        )
    except Exception as exc:
        raise InputError(f"{scene.path}: cannot project the scene to {dst.to_string()} ({exc}); check its georeference") from exc
    # Snap the footprint outwards to whole pixels so neighbouring scenes share pixel edges.
    x0, y1 = t.c, t.f
    x1, y0 = x0 + _w * t.a, y1 + _h * t.e
    left = math.floor(x0 / pixel_size) * pixel_size
    top = math.ceil(y1 / pixel_size) * pixel_size
    width = max(1, math.ceil((x1 - left) / pixel_size - 1e-9))
    height = max(1, math.ceil((top - y0) / pixel_size - 1e-9))
    return Grid(dst.to_string(), (pixel_size, 0.0, left, 0.0, -pixel_size, top), width, height)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= PIXEL_TOLERANCE * max(abs(a), abs(b))
