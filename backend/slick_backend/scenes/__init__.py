"""Sentinel-1 scenes in: open any accepted raster, choose the UTM grid, read warped windows, stretch.

The API used by prepare, predict, baseline and the SAM worker (names are stable)::

    from slick_backend.scenes import open_scene, choose_grid, compute_stretch, apply_stretch

    with open_scene(path, value_kind="auto") as scene:  # -> Scene
        scene.id, scene.kind, scene.mode, scene.polarisation, scene.georef
        # kind: "linear" | "db" | "amplitude" | "stretched" (already 1..255 uint8, 0 = nodata)
        # mode: "IW" | "EW" | ... | None ; polarisation: "VV" | "HH" | ... | None
        # georef: "gcps" | "geographic" | "projected"; also .tags, .nodata, .center_lonlat()
        grid = choose_grid(scene, pixel_size=25, utm_zone=None)  # -> Grid
        # Grid(crs: str, transform: tuple of 6, width, height); .affine, .bounds,
        # .window_transform(window), .window_bounds(window), .to_dict(), Grid.from_dict(d)
        values, valid = scene.read(grid, window)  # a rasterio Window of the grid (may overhang)
        # values: float32 in the stretch domain (dB, or 8-bit DN for "stretched"); valid: bool
        stretch = compute_stretch(scene, grid, region=None, n_sigma=2.0, progress=None)
        # region: (minx, miny, maxx, maxy) in grid CRS, e.g. label bbox + buffer; None = whole
        # scene. -> Stretch(kind, domain, lo, hi, ...); .to_dict() / Stretch.from_dict(d)
        image = apply_stretch(values, valid, stretch)  # uint8, 0 = nodata, 1..255

``read_window(scene, grid, window)`` is the same as ``scene.read(grid, window)``. Memory is
bounded by the window: each read warps only that window (rasterio.warp.reproject). See
docs/preprocessing.md for what is stretched (dB) and why.
"""

from .grid import Grid, choose_grid, parse_utm_zone, utm_crs
from .scene import Scene, open_scene, read_window
from .stretch import Stretch, apply_stretch, compute_stretch

__all__ = [
    "Grid",
    "Scene",
    "Stretch",
    "apply_stretch",
    "choose_grid",
    "compute_stretch",
    "open_scene",
    "parse_utm_zone",
    "read_window",
    "utm_crs",
]
