"""Cut a scene to the current map extent (for "predict the current extent only").

Pure PyQGIS: QgsRasterFileWriter copies the pixels of the window, on the scene's own grid
and CRS (the extent is snapped outwards to whole pixels), so predictions on the clip line
up exactly with the full scene. ``clip_writer`` does the cheap part on the main thread (snap,
clone the data provider) and returns the writing as a function for a worker thread, as
QGIS's own QgsRasterFileWriterTask does; ``clip_to_extent`` does both at once (scripts, tests).
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


def clip_writer(layer: QgsRasterLayer, rect: QgsRectangle, path: str):
    """Main thread: check and snap the window, clone the provider. Returns ``write()``, which
    writes the clip to ``path`` from any thread (ClipError on failure)."""
    snapped, cols, rows = snap_to_grid(layer, rect)
    pipe = QgsRasterPipe()
    if not pipe.set(layer.dataProvider().clone()):
        raise ClipError(tr("cannot read {layer}").format(layer=layer.name()))
    crs, context, name = layer.crs(), QgsProject.instance().transformContext(), layer.name()
    held = [pipe]  # released once written: a provider clone must not outlive QGIS's providers

    def write() -> str:
        if not held:
            raise ClipError(tr("the clip of {layer} was already written").format(layer=name))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        writer = QgsRasterFileWriter(path)
        writer.setOutputFormat("GTiff")
        try:
            error = writer.writeRaster(held[0], cols, rows, snapped, crs, context)
        finally:
            held.clear()
        if error != QgsRasterFileWriter.NoError:
            raise ClipError(tr("writing the part of {layer} in view to {path} failed (error {code})").format(
                layer=name, path=path, code=int(error)))
        return path

    return write


def view_clip(layer: QgsRasterLayer, canvas, path: str):
    """``clip_writer`` for the part of ``layer`` in the canvas's view (canvas CRS -> the layer's)."""
    from qgis.core import QgsCoordinateTransform

    transform = QgsCoordinateTransform(canvas.mapSettings().destinationCrs(), layer.crs(),
                                       QgsProject.instance().transformContext())
    return clip_writer(layer, transform.transformBoundingBox(canvas.extent()), path)


def clip_to_extent(layer: QgsRasterLayer, rect: QgsRectangle, path: str) -> str:
    return clip_writer(layer, rect, path)()
