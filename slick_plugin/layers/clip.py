"""Cut a scene to the current map extent (for "predict the current extent only").

Pure PyQGIS: QgsRasterFileWriter copies the pixels of the window, on the scene's own grid
and CRS (the extent is snapped outwards to whole pixels), so predictions on the clip line
up exactly with the full scene.
"""

from __future__ import annotations

import math
from pathlib import Path

from qgis.core import QgsProject, QgsRasterFileWriter, QgsRasterLayer, QgsRasterPipe, QgsRectangle

from ..i18n import tr


class ClipError(Exception):
    pass


def snap_to_grid(layer: QgsRasterLayer, rect: QgsRectangle) -> tuple[QgsRectangle, int, int]:
    """``rect`` (layer CRS) cut to the layer and widened to whole pixels; with its size in px."""
    full = layer.extent()
    rect = rect.intersect(full)
    if rect.isEmpty():
        raise ClipError(tr("the map extent does not overlap {layer}").format(layer=layer.name()))
    px, py = layer.rasterUnitsPerPixelX(), layer.rasterUnitsPerPixelY()
    x0 = full.xMinimum() + math.floor((rect.xMinimum() - full.xMinimum()) / px) * px
    x1 = full.xMinimum() + math.ceil((rect.xMaximum() - full.xMinimum()) / px) * px
    y1 = full.yMaximum() - math.floor((full.yMaximum() - rect.yMaximum()) / py) * py
    y0 = full.yMaximum() - math.ceil((full.yMaximum() - rect.yMinimum()) / py) * py
    snapped = QgsRectangle(x0, y0, x1, y1)
    return snapped, int(round(snapped.width() / px)), int(round(snapped.height() / py))


def clip_to_extent(layer: QgsRasterLayer, rect: QgsRectangle, path: str) -> str:
    snapped, cols, rows = snap_to_grid(layer, rect)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    pipe = QgsRasterPipe()
    if not pipe.set(layer.dataProvider().clone()):
        raise ClipError(tr("cannot read {layer}").format(layer=layer.name()))
    writer = QgsRasterFileWriter(path)
    writer.setOutputFormat("GTiff")
    error = writer.writeRaster(pipe, cols, rows, snapped, layer.crs(), QgsProject.instance().transformContext())
    if error != QgsRasterFileWriter.NoError:
        raise ClipError(tr("writing {path} failed (error {code})").format(path=path, code=int(error)))
    return path
