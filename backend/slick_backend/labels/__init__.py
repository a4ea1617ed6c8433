"""Vector slick labels: read any OGR format (pyogrio), repair, reproject, rasterise per window.

    labels = read_labels(path, layer=None)            # -> Labels (polygons in the file's CRS)
    geoms = reproject_geoms(labels.for_scene(keys), labels.crs, grid.crs)
    burner = LabelRasterizer(geoms, grid); mask = burner.window(window)   # uint8 1/0
"""

from .rasterize import LabelRasterizer
from .read import Labels, read_labels, reproject_geoms

__all__ = ["LabelRasterizer", "Labels", "read_labels", "reproject_geoms"]
