"""Reference masks for scoring: burn label polygons onto the exact grid of a prediction raster.

Used to score a prediction (model or baseline) against the analyst's or the simulator's labels
with `slick-backend dice`: both rasters then share CRS, transform and shape by construction.
"""

from __future__ import annotations

from pathlib import Path

from .atomic import atomic_file
from .errors import InputError

ROWS_PER_STRIP = 512


def rasterise_labels_like(labels: str | Path, like: str | Path, out: str | Path, scene: str | None = None) -> Path:
    """Write ``out`` (uint8, 1 = slick, 0 = not, 255 where ``like`` is nodata) on ``like``'s grid.

    ``scene`` keeps only the polygons whose `scene` field names it (all when the layer has none).
    """
    import rasterio
    from rasterio.windows import Window

    from .labels import LabelRasterizer, read_labels, reproject_geoms
    from .scenes.grid import Grid

    try:
        src = rasterio.open(like)
    except rasterio.errors.RasterioIOError as exc:
        raise InputError(f"{like}: cannot read the raster to align the labels with ({exc})") from None
    with src:
        if src.crs is None:
            raise InputError(f"{like}: has no CRS; the labels cannot be placed on its grid")
        grid = Grid(crs=src.crs.to_string(), transform=tuple(src.transform)[:6], width=src.width, height=src.height)
        found = read_labels(labels)
        geoms = found.for_scene({scene}) if scene else found.geoms
        burner = LabelRasterizer(reproject_geoms(geoms, found.crs, grid.crs), grid)
        profile = dict(driver="GTiff", dtype="uint8", count=1, width=src.width, height=src.height, crs=src.crs,
                       transform=src.transform, nodata=255, tiled=True, blockxsize=256, blockysize=256,
                       compress="deflate")
        out = Path(out)
        with atomic_file(out) as tmp, rasterio.open(tmp, "w", **profile) as dst:
            for row in range(0, src.height, ROWS_PER_STRIP):
                win = Window(0, row, src.width, min(ROWS_PER_STRIP, src.height - row))
                mask = burner.window(win)
                mask[src.read_masks(1, window=win) == 0] = 255
                dst.write(mask, 1, window=win)
    return out
