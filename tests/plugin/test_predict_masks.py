"""The Predict tab's masks against the real backend: on the real mosaic sample_135, land (Prins
Karls Forland) and a mask layer the analyst drew at sea come back as nodata."""

from __future__ import annotations

import json

import numpy as np
from helpers import shipped_predict_panel, wait_task
from osgeo import gdal
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)


def _square_at_sea(raster: QgsRasterLayer, path) -> tuple[float, float]:
    """A GeoJSON square (EPSG:4326) over open sea in the mosaic's south-west; its centre in the mosaic's CRS."""
    ext = raster.extent()
    x0, y0 = ext.xMinimum() + 0.15 * ext.width(), ext.yMinimum() + 0.15 * ext.height()
    x1, y1 = x0 + 0.1 * ext.width(), y0 + 0.1 * ext.height()
    to_ll = QgsCoordinateTransform(raster.crs(), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
    ring = [to_ll.transform(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"what": "ice"},
        "geometry": {"type": "Polygon", "coordinates": [[[p.x(), p.y()] for p in ring]]}}]}))
    return (x0 + x1) / 2, (y0 + y1) / 2


def _value_at(path: str, x: float, y: float) -> float:
    ds = gdal.Open(path)
    gt = ds.GetGeoTransform()
    col, row = int((x - gt[0]) / gt[1]), int((y - gt[3]) / gt[5])
    return float(ds.GetRasterBand(1).ReadAsArray(col, row, 1, 1)[0, 0])


def test_land_and_a_mask_layer_are_left_out(ctx, mosaic_135, tmp_path):

    raster = QgsRasterLayer(str(mosaic_135), "sample_135")
    mask_file = tmp_path / "ice.geojson"
    centre = _square_at_sea(raster, mask_file)
    mask = QgsVectorLayer(str(mask_file), "ice", "ogr")
    assert raster.isValid() and mask.isValid()
    QgsProject.instance().addMapLayers([raster, mask])
    try:
        panel = shipped_predict_panel(ctx)
        panel.scenes.set_checked([raster.id()])  # this scene only
        assert panel.land_mask.isChecked()  # the default: no slick over land
        panel.mask_layer.setLayer(mask)
        assert panel._mask_options() == {"land_mask": True, "masks": [str(mask_file)]}
        tasks = panel.predict()
        assert len(tasks) == 1
        task = tasks[0]
        assert task.params["masks"] == [str(mask_file)] and task.params["land_mask"] is True
        wait_task(task, 300)
        assert task.error is None, task.error
        prob = task.result["prob"]
        assert [m["mask"] for m in task.result["masks"]] == ["land", "file"]
        assert _value_at(prob, *centre) == -1  # under the mask layer
        island = _island_point(prob)
        assert island is not None, "part of the mosaic is land and comes back as nodata"
    finally:
        QgsProject.instance().removeMapLayers([raster.id(), mask.id()])


def _island_point(prob: str):
    """A nodata pixel in the mosaic's eastern half, away from the mask layer (south-west): land."""
    ds = gdal.Open(prob)  # kept: a band outlives no dataset in GDAL's Python bindings
    data = ds.GetRasterBand(1).ReadAsArray()
    return np.argwhere(data[:, data.shape[1] // 2 :] == -1).tolist()[:1] or None
