"""Test helpers: wait for Qt-side results, real label polygons from the Arctic label rasters."""

from __future__ import annotations

import time
from pathlib import Path

from qgis.PyQt.QtCore import QCoreApplication


def wait_for(condition, timeout: float = 120.0, what: str = "condition") -> None:
    """Process Qt events (task callbacks, timers) until ``condition()`` is true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        QCoreApplication.processEvents()
        time.sleep(0.05)


def wait_task(task, timeout: float = 240.0) -> None:
    """Until the JobTask's finished() ran on the main thread (QGIS may delete it right after)."""
    wait_for(lambda: task.finished_ok is not None, timeout, f"the {task.kind} task")


def shipped_predict_panel(ctx):
    """A Predict tab on the real backend's model list, the shipped source model chosen, no AdaBN
    (then a batch worker loads the model once for all its scenes)."""
    from slick_plugin.ui.predict_panel import PredictPanel

    panel = PredictPanel(ctx)
    answers = []
    ctx.modelsChanged.connect(answers.append)
    ctx.refresh_models()
    wait_for(lambda: answers, 60, "the model list")
    panel.model.setCurrentIndex(panel.model.findData("slick-s1-source"))
    panel.adapt.setChecked(False)
    return panel


def polygonize_labels(arctic_dir: Path, samples: list[str], out: Path) -> Path:
    """The real slick labels of the samples as polygons in EPSG:4326, with a `scene` field
    naming each sample folder (one of the keys the backend matches scenes by)."""
    from osgeo import gdal, ogr, osr

    wgs84 = osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    target = ogr.GetDriverByName("GPKG").CreateDataSource(str(out))
    layer = target.CreateLayer("labels", wgs84, ogr.wkbMultiPolygon)
    layer.CreateField(ogr.FieldDefn("scene", ogr.OFTString))
    memory = ogr.GetDriverByName("Memory").CreateDataSource("mem")
    for sample in samples:
        raster = gdal.Open(str(arctic_dir / sample / "labels_mosaic.png"))
        srs = osr.SpatialReference(wkt=raster.GetProjection())
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        tmp = memory.CreateLayer(sample, srs, ogr.wkbPolygon)
        tmp.CreateField(ogr.FieldDefn("value", ogr.OFTInteger))
        band = raster.GetRasterBand(1)
        gdal.Polygonize(band, band, tmp, 0)
        to_wgs = osr.CoordinateTransformation(srs, wgs84)
        for feature in tmp:
            geom = feature.GetGeometryRef().Clone()
            geom.Transform(to_wgs)
            out_feature = ogr.Feature(layer.GetLayerDefn())
            out_feature.SetField("scene", sample)
            out_feature.SetGeometry(ogr.ForceToMultiPolygon(geom))
            layer.CreateFeature(out_feature)
    target = None  # close and flush
    return out
