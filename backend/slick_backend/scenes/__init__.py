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

A scene is a raster file or a Sentinel-1 product as downloaded (a ``.SAFE`` folder, its
``manifest.safe`` or the product ``.zip``): ``open_scene(path, value_kind, polarisation,
calibration)`` reads a product's co-polarised band by default and, with calibration
``sigma0`` / ``sigma0-denoised``, calibrates it with the product's own annotation
(scenes/safe.py, scenes/calibration.py). ``scene_exists`` and ``scene_stem`` say whether a
path is a scene and what it is called.

``read_window(scene, grid, window)`` is the same as ``scene.read(grid, window)``. Memory is
bounded by the window: each read warps only that window (rasterio.warp.reproject). See
docs/preprocessing.md for what is stretched (dB) and why.
"""

import importlib

# name -> submodule; loaded on first use, so that scenes.safe and scenes.options (stdlib only)
# import without numpy, rasterio and GDAL (the CLI's parser, the server's start)
_WHERE = {
    "CALIBRATIONS": "options", "scene_exists": "safe", "scene_stem": "safe", "acquisition_time": "kinds",
    "EmptyScene": "scene", "Scene": "scene", "check_read_options": "scene", "open_scene": "scene",
    "open_scene_or_empty": "scene", "read_window": "scene",
    "Grid": "grid", "choose_grid": "grid", "parse_utm_zone": "grid", "utm_crs": "grid",
    "Stretch": "stretch", "apply_stretch": "stretch", "compute_stretch": "stretch",
}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)


__all__ = [
    "CALIBRATIONS",
    "acquisition_time",
    "EmptyScene",
    "Grid",
    "Scene",
    "Stretch",
    "apply_stretch",
    "check_read_options",
    "choose_grid",
    "compute_stretch",
    "open_scene",
    "open_scene_or_empty",
    "parse_utm_zone",
    "read_window",
    "scene_exists",
    "scene_stem",
    "utm_crs",
]
