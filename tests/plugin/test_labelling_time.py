"""Labelling time: a scripted analyst labels every slick of a real Arctic mosaic twice, with the
real backend (the shipped source model and the shipped prompt model, not the tests' tiny ones):

- boxes alone: a SAM box around each slick (its labelled extent loosened by 10 %), Enter;
- Slicks in view: one click on the button, then for each candidate (once the prompt model has
  refined it with its box) Enter when at least half of it lies on a labelled slick (what the
  analyst sees), else Delete (candidates an accepted outline covers leave the list by themselves);
  then a box for each slick the accepted candidates left less than half covered.

Counts the clicks, drags and keys, the machine's seconds (backend answers included; the
analyst's thinking is not modelled) and the Dice of the label layer against the mosaic's labels.
The figures go to $SLICK_LABELLING_OUT when set (benchmarks/bench_labelling.py prints them).
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import wait_for, wait_task
from qgis.core import QgsGeometry, QgsPointXY, QgsProject, QgsRasterLayer, QgsRectangle, QgsVectorLayer
from qgis.PyQt.QtCore import QPoint, Qt
from qgis.PyQt.QtTest import QTest
from test_sam_labelling import drag, key, show_scene

SAMPLE = os.environ.get("SLICK_LABELLING_SAMPLE", "sample_70")  # the benchmark runs all three
MIN_PX = 24  # as benchmarks/bench_prompt_real.py: smaller parts are speckle-sized
JOIN_PX = 2  # closing iterations: label pieces up to ~4 px (100 m) apart are one slick, as slick_parts joins them
ACCEPT_SHARE = 0.5


@dataclasses.dataclass
class Truth:
    labels: np.ndarray  # 1 = slick
    transform: tuple  # GDAL geotransform
    wkt: str
    parts: list[QgsRectangle]  # each slick's extent, map units
    union: QgsGeometry


def read_truth(path: Path) -> Truth:
    from osgeo import gdal, ogr, osr
    from scipy import ndimage

    ds = gdal.Open(str(path))
    labels = ds.GetRasterBand(1).ReadAsArray()
    x0, dx, _, y0, _, dy = gt = ds.GetGeoTransform()
    slick = labels == 1  # one box per slick as Slick counts them (backend prompt/data.py:slick_parts)
    joined = ndimage.binary_closing(slick, structure=np.ones((3, 3)), iterations=JOIN_PX) | slick
    found, n = ndimage.label(joined, structure=np.ones((3, 3)))
    parts = []
    for i in range(1, n + 1):
        rows, cols = np.nonzero((found == i) & slick)
        if len(rows) >= MIN_PX:
            parts.append(QgsRectangle(x0 + cols.min() * dx, y0 + (rows.max() + 1) * dy,
                                      x0 + (cols.max() + 1) * dx, y0 + rows.min() * dy))
    srs = osr.SpatialReference(wkt=ds.GetProjection())
    memory = ogr.GetDriverByName("Memory").CreateDataSource("truth")
    layer = memory.CreateLayer("truth", srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("value", ogr.OFTInteger))
    band = ds.GetRasterBand(1)
    gdal.Polygonize(band, band, layer, 0)
    pieces = [QgsGeometry.fromWkt(f.GetGeometryRef().ExportToWkt()) for f in layer if f.GetField("value") == 1]
    return Truth(labels, gt, ds.GetProjection(), parts, QgsGeometry.unaryUnion(pieces))


def dice(layer: QgsVectorLayer, truth: Truth) -> float:
    """The label layer burnt onto the label grid, against the labelled slick pixels."""
    from osgeo import gdal, ogr

    h, w = truth.labels.shape
    grid = gdal.GetDriverByName("MEM").Create("", w, h, 1, gdal.GDT_Byte)
    grid.SetGeoTransform(truth.transform)
    grid.SetProjection(truth.wkt)
    source = ogr.Open(layer.source().split("|")[0])
    gdal.RasterizeLayer(grid, [1], source.GetLayer(0), burn_values=[1])
    mine, real = grid.GetRasterBand(1).ReadAsArray() == 1, truth.labels == 1
    return float(2 * (mine & real).sum() / max(1, mine.sum() + real.sum()))


@pytest.fixture(scope="module")
def real_backend(qgis_app, isolated_settings, tmp_path_factory):
    """A backend with the shipped models as users get them (no SLICK_SHIPPED_DIR stand-in)."""
    from slick_plugin.backend.manager import BackendManager

    folder = tmp_path_factory.mktemp("labelling")
    stand_in = os.environ.pop("SLICK_SHIPPED_DIR", None)
    settings = dataclasses.replace(isolated_settings, models_dir=str(folder / "models"), work_dir=str(folder / "work"),
                                   sam_model="slick-s1-prompt")
    manager = BackendManager(settings)
    try:
        manager.start()
        manager.wait_client()
        yield manager
    finally:
        manager.stop()
        if stand_in is not None:
            os.environ["SLICK_SHIPPED_DIR"] = stand_in


def box_each(tool, canvas, rects, counts) -> None:
    """Drag a box around each extent (loosened by 10 %), wait for the proposal, Enter."""
    errors: list[str] = []
    tool.failed.connect(errors.append)
    to_px = canvas.getCoordinateTransform()
    for rect in rects:
        loose = QgsRectangle(rect)
        loose.grow(0.1 * max(rect.width(), rect.height()))
        a = to_px.transform(QgsPointXY(loose.xMinimum(), loose.yMaximum()))
        b = to_px.transform(QgsPointXY(loose.xMaximum(), loose.yMinimum()))
        drag(tool, canvas, QPoint(int(a.x()), int(a.y())), QPoint(int(round(b.x())), int(round(b.y()))))
        counts["drags"] += 1
        wait_for(lambda: tool.proposal is not None or errors, 120, "the SAM proposal")
        assert not errors, errors
        key(tool, Qt.Key_Return)
        counts["keys"] += 1


@pytest.mark.slow
def test_label_every_slick_of_a_real_mosaic_with_boxes_and_with_candidates(qgis_iface, real_backend, mosaics,
                                                                            arctic_dir, tmp_path):
    truth = read_truth(arctic_dir / SAMPLE / "labels_mosaic.png")
    assert truth.parts, "the mosaic's slicks"
    canvas = qgis_iface.mapCanvas()
    crs_before, extent_before = canvas.mapSettings().destinationCrs(), canvas.extent()
    try:
        _label_both_ways(qgis_iface, canvas, real_backend, mosaics, truth, tmp_path)
    finally:  # the canvas and the project are shared with the other plugin tests
        canvas.unsetMapTool(canvas.mapTool())
        canvas.setDestinationCrs(crs_before)
        canvas.setExtent(extent_before)
        QgsProject.instance().removeAllMapLayers()


def _label_both_ways(qgis_iface, canvas, real_backend, mosaics, truth, tmp_path) -> None:
    from slick_plugin.layers.label_layer import create_label_layer
    from slick_plugin.maptools.history import LabelHistory
    from slick_plugin.maptools.prompts import BackendSamHandler
    from slick_plugin.maptools.sam_tools import SamBoxTool
    from slick_plugin.ui.context import SlickContext
    from slick_plugin.ui.label_panel import LabelPanel

    raster = QgsRasterLayer(str(mosaics[SAMPLE]), SAMPLE)
    show_scene(canvas, raster, canvas_crs=raster.crs().authid())
    figures: dict = {"mosaic": SAMPLE, "slicks": len(truth.parts)}

    # 1. boxes alone
    history = LabelHistory()
    history.label_layer = boxes = create_label_layer(str(tmp_path / "boxes.gpkg"), raster.crs())
    QgsProject.instance().addMapLayer(boxes)
    handler = BackendSamHandler(real_backend, "slick-s1-prompt")
    tool = SamBoxTool(canvas, history, handler, lambda: raster)
    canvas.setMapTool(tool)
    counts = {"clicks": 0, "drags": 0, "keys": 0}
    t0 = time.perf_counter()
    box_each(tool, canvas, truth.parts, counts)
    figures["boxes"] = {**counts, "actions": sum(counts.values()), "machine_s": round(time.perf_counter() - t0, 1),
                        "labels": boxes.featureCount(), "dice": round(dice(boxes, truth), 3)}
    assert counts == {"clicks": 0, "drags": len(truth.parts), "keys": len(truth.parts)}
    assert boxes.featureCount() >= len(truth.parts)

    # 2. Slicks in view, then boxes for what the candidates missed
    ctx = SlickContext(qgis_iface, real_backend)
    panel = LabelPanel(ctx)
    try:
        labelled = panel.new_label_layer(str(tmp_path / "candidates.gpkg"))
        panel.scene_combo.setLayer(raster)
        panel.handler.model = "slick-s1-prompt"
        ctx.refresh_models()
        wait_for(lambda: panel.proposal_model.currentData() == "slick-s1-source", 60, "the shipped source as proposer")
        candidates = panel.candidate_tool
        counts = {"clicks": 0, "drags": 0, "keys": 0}
        t0 = time.perf_counter()
        task = panel.find_candidates()
        counts["clicks"] += 1  # the Slicks in view button
        wait_task(task, 600)
        assert task.finished_ok, task.error
        wait_for(lambda: canvas.mapTool() is candidates, 30, "the candidate tool")
        offered = len(candidates.candidates)
        accepted = rejected = 0
        while candidates.proposal is not None:
            wait_for(lambda: not candidates.refining, 120, "the candidate's refinement by the prompt model")
            assert panel.status.text().startswith("Candidate "), panel.status.text()
            shown = candidates.proposal
            share = shown.intersection(truth.union).area() / max(shown.area(), 1e-9)
            if share >= ACCEPT_SHARE:
                QTest.keyClick(canvas, Qt.Key_Return)
                accepted += 1
            else:
                QTest.keyClick(canvas, Qt.Key_Delete)
                rejected += 1
            counts["keys"] += 1
        covered = offered - accepted - rejected  # left the list when an accepted outline covered them
        assert covered >= 0 and (covered == 0 or accepted > 0)
        taken = QgsGeometry.unaryUnion([f.geometry() for f in labelled.getFeatures()]) if labelled.featureCount() else None
        missed = [r for r in truth.parts
                  if taken is None or taken.intersection(truth.union.intersection(QgsGeometry.fromRect(r))).area()
                  < ACCEPT_SHARE * truth.union.intersection(QgsGeometry.fromRect(r)).area()]
        box_tool = SamBoxTool(canvas, ctx.history, panel.handler, lambda: raster)
        canvas.setMapTool(box_tool)
        box_each(box_tool, canvas, missed, counts)
        figures["candidates"] = {**counts, "actions": sum(counts.values()), "machine_s": round(time.perf_counter() - t0, 1),
                                 "offered": offered, "accepted": accepted, "rejected": rejected, "covered": covered,
                                 "slicks_boxed_after": len(missed), "labels": labelled.featureCount(),
                                 "dice": round(dice(labelled, truth), 3)}
        assert labelled.featureCount() >= accepted + len(missed)
    finally:
        panel.unload()
    print(json.dumps(figures))
    if os.environ.get("SLICK_LABELLING_OUT"):
        Path(os.environ["SLICK_LABELLING_OUT"]).write_text(json.dumps(figures, indent=1))
    # every slick ends up labelled both ways, well enough to count
    assert figures["boxes"]["dice"] >= 0.4 and figures["candidates"]["dice"] >= 0.4, figures
