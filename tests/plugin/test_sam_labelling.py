"""SAM labelling on a real Arctic mosaic: real map tools, real mouse and key events, a real
backend with the tiny random-initialised SAM; plus unit checks with a fixed proposal."""

from __future__ import annotations

from helpers import wait_for
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.gui import QgsMapMouseEvent
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QPoint, Qt
from qgis.PyQt.QtGui import QKeyEvent

from slick_plugin.layers.label_layer import create_label_layer
from slick_plugin.maptools.history import LabelHistory
from slick_plugin.maptools.prompts import BackendSamHandler
from slick_plugin.maptools.sam_tools import SamBoxTool, SamPointsTool


class FixedHandler:
    """Answers every prompt with one polygon (raster CRS) and records what it was asked."""

    def __init__(self, polygon: QgsGeometry) -> None:
        self.polygon, self.calls = polygon, []

    def propose(self, layer, box, points):
        self.calls.append((layer.crs().authid(), box, points))
        return [QgsGeometry(self.polygon)]


def show_scene(canvas, raster: QgsRasterLayer, canvas_crs: str = "EPSG:3857") -> None:
    """Canvas in another CRS than the scene, zoomed on it; the project CRS is not touched."""
    QgsProject.instance().addMapLayer(raster)
    canvas.window().show()  # offscreen, but the canvas takes its real size (600 x 600)
    QCoreApplication.processEvents()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem(canvas_crs))
    canvas.setLayers([raster])
    to_canvas = QgsCoordinateTransform(raster.crs(), canvas.mapSettings().destinationCrs(), QgsProject.instance())
    canvas.setExtent(to_canvas.transformBoundingBox(raster.extent()))


def drag(tool, canvas, start: QPoint, end: QPoint) -> None:
    tool.canvasPressEvent(QgsMapMouseEvent(canvas, QEvent.MouseButtonPress, start, Qt.LeftButton))
    tool.canvasMoveEvent(QgsMapMouseEvent(canvas, QEvent.MouseMove, end, Qt.NoButton, Qt.LeftButton))
    tool.canvasReleaseEvent(QgsMapMouseEvent(canvas, QEvent.MouseButtonRelease, end, Qt.LeftButton))


def key(tool, code, modifiers=Qt.NoModifier) -> None:
    tool.keyPressEvent(QKeyEvent(QEvent.KeyPress, code, modifiers))


def features(layer: QgsVectorLayer) -> list:
    return list(QgsVectorLayer(layer.source(), "reread", "ogr").getFeatures())


def test_box_tool_transforms_prompt_and_accepts_undoes(qgis_canvas, qgis_new_project, mosaic_135, tmp_path):
    raster = QgsRasterLayer(str(mosaic_135), "sample_135")
    show_scene(qgis_canvas, raster)
    project_crs = QgsProject.instance().crs()
    centre = raster.extent().center()
    polygon = QgsGeometry.fromRect(QgsRectangle(centre.x() - 500, centre.y() - 500, centre.x() + 500, centre.y() + 500))
    handler = FixedHandler(polygon)
    history = LabelHistory()
    history.label_layer = create_label_layer(str(tmp_path / "labels.gpkg"), QgsCoordinateReferenceSystem("EPSG:4326"))
    tool = SamBoxTool(qgis_canvas, history, handler)
    qgis_canvas.setMapTool(tool)
    drag(tool, qgis_canvas, QPoint(200, 200), QPoint(400, 350))
    crs, box, points = handler.calls[-1]
    assert crs == "EPSG:32632" and points == []
    assert raster.extent().contains(box.center())  # the box arrived in the scene's UTM metres
    assert tool.proposal is not None and not tool.preview.asGeometry().isEmpty()
    key(tool, Qt.Key_Return)
    saved = features(history.label_layer)
    assert len(saved) == 1 and saved[0]["source"] == "sam_box" and saved[0]["scene"] == "raw_mosaic.tif"
    lon_lat = saved[0].geometry().centroid().asPoint()
    assert 5 < lon_lat.x() < 15 and 78 < lon_lat.y() < 80  # stored in the label layer's CRS (degrees)
    assert tool.preview.asGeometry().isEmpty()  # accepted: preview cleared
    key(tool, Qt.Key_Z, Qt.ControlModifier)
    assert features(history.label_layer) == []
    drag(tool, qgis_canvas, QPoint(100, 100), QPoint(300, 300))
    key(tool, Qt.Key_Escape)
    assert tool.proposal is None and features(history.label_layer) == []
    assert QgsProject.instance().crs() == project_crs


def test_points_tool_sends_foreground_and_background(qgis_canvas, qgis_new_project, mosaic_135, tmp_path):
    raster = QgsRasterLayer(str(mosaic_135), "sample_135")
    show_scene(qgis_canvas, raster)
    handler = FixedHandler(QgsGeometry.fromRect(raster.extent().buffered(-10000)))
    history = LabelHistory()
    history.label_layer = create_label_layer(str(tmp_path / "labels.gpkg"), raster.crs())
    tool = SamPointsTool(qgis_canvas, history, handler)
    tool.canvasReleaseEvent(QgsMapMouseEvent(qgis_canvas, QEvent.MouseButtonRelease, QPoint(300, 300), Qt.LeftButton))
    tool.canvasReleaseEvent(QgsMapMouseEvent(qgis_canvas, QEvent.MouseButtonRelease, QPoint(320, 280), Qt.RightButton))
    _, box, points = handler.calls[-1]
    assert box is None and [label for _, label in points] == [1, 0]
    assert all(raster.extent().contains(QgsPointXY(p)) for p, _ in points)
    assert tool.accept() is not None
    assert features(history.label_layer)[0]["source"] == "sam_points"
    tool.clear()
    assert tool.markers == [] and tool.points == []


def test_backend_failure_keeps_accepted_labels(qgis_canvas, qgis_new_project, mosaic_135, tmp_path):
    class Broken:
        def propose(self, layer, box, points):
            raise ConnectionError("the backend at http://127.0.0.1:1 does not answer")

    raster = QgsRasterLayer(str(mosaic_135), "sample_135")
    show_scene(qgis_canvas, raster)
    history = LabelHistory()
    history.label_layer = create_label_layer(str(tmp_path / "labels.gpkg"), raster.crs())
    tool = SamBoxTool(qgis_canvas, history, FixedHandler(QgsGeometry.fromRect(raster.extent().buffered(-9000))))
    drag(tool, qgis_canvas, QPoint(200, 200), QPoint(300, 300))
    tool.accept()
    messages = []
    tool.failed.connect(messages.append)
    tool.handler = Broken()
    drag(tool, qgis_canvas, QPoint(250, 250), QPoint(350, 350))
    assert messages and "does not answer" in messages[0]
    assert len(features(history.label_layer)) == 1  # what was accepted before is saved


def test_real_sam_box_prompt_on_arctic_mosaic(qgis_canvas, qgis_new_project, backend, mosaic_135, tmp_path):
    """Tiny random SAM through the real server: the polygon lands in the label layer's CRS."""
    raster = QgsRasterLayer(str(mosaic_135), "sample_135")
    show_scene(qgis_canvas, raster)
    history = LabelHistory()
    history.label_layer = create_label_layer(str(tmp_path / "labels.gpkg"), raster.crs())
    handler = BackendSamHandler(backend, "tiny")
    tool = SamBoxTool(qgis_canvas, history, handler)
    errors = []
    tool.failed.connect(errors.append)
    busy = []
    tool.busy.connect(busy.append)
    drag(tool, qgis_canvas, QPoint(250, 250), QPoint(350, 350))
    assert busy == [True]  # answered in the background: QGIS stays responsive
    wait_for(lambda: tool.proposal is not None or errors, 180, "the SAM proposal")
    assert errors == [] and handler.last_score is not None
    assert not tool.preview.asGeometry().isEmpty()
    key(tool, Qt.Key_Return)
    saved = features(history.label_layer)
    assert len(saved) == 1
    geom = saved[0].geometry()
    assert geom.isGeosValid() and geom.area() > 0
    assert raster.extent().intersects(geom.boundingBox())  # UTM 32N metres, on the scene
    key(tool, Qt.Key_Z, Qt.ControlModifier)
    assert features(history.label_layer) == []


class SlowHandler(BackendSamHandler):
    """The real background path of BackendSamHandler with the HTTP round trip replaced:
    box prompts take longer than point prompts, so their answers arrive in reverse order."""

    def __init__(self, polygon: QgsGeometry) -> None:
        super().__init__(manager=type("NoServer", (), {"ensure_started": lambda self: None,
                                                        "wait_client": lambda self, **kw: None})())
        self.polygon = polygon

    def _ask(self, client, raster, crs, box, points):
        import time

        time.sleep(0.5 if box is not None else 0.0)
        return [QgsGeometry(self.polygon)]


def test_one_handler_serves_both_tools_without_losing_answers(qgis_canvas, qgis_new_project, mosaic_135, tmp_path):
    """The label panel shares one handler between the box and the points tool: a box answer that
    arrives after a points prompt still reaches the box tool (each tool keeps its own newest)."""
    raster = QgsRasterLayer(str(mosaic_135), "sample_135")
    show_scene(qgis_canvas, raster)
    history = LabelHistory()
    history.label_layer = create_label_layer(str(tmp_path / "labels.gpkg"), raster.crs())
    handler = SlowHandler(QgsGeometry.fromRect(raster.extent().buffered(-9000)))
    box_tool, points_tool = SamBoxTool(qgis_canvas, history, handler), SamPointsTool(qgis_canvas, history, handler)
    busy = {"box": [], "points": []}
    box_tool.busy.connect(busy["box"].append)
    points_tool.busy.connect(busy["points"].append)
    for tool in (box_tool, points_tool):
        tool.raster = raster
    centre = raster.extent().center()
    box_tool.request(QgsRectangle(centre.x() - 500, centre.y() - 500, centre.x() + 500, centre.y() + 500), [])
    points_tool.request(None, [(centre, 1)])
    wait_for(lambda: box_tool.proposal is not None and points_tool.proposal is not None, 10, "both answers")
    assert busy == {"box": [True, False], "points": [True, False]}


def test_label_panel_wires_layer_tools_and_undo(qgis_iface, qgis_canvas, qgis_new_project, mosaic_135, tmp_path,
                                                isolated_settings):
    """The dock's Label tab: New... layer in the scene's CRS, box tool on the canvas, Undo button."""
    from slick_plugin.backend.manager import BackendManager
    from slick_plugin.ui.context import SlickContext
    from slick_plugin.ui.label_panel import LabelPanel

    raster = QgsRasterLayer(str(mosaic_135), "sample_135")
    show_scene(qgis_canvas, raster)
    ctx = SlickContext(qgis_iface, BackendManager(isolated_settings))
    panel = LabelPanel(ctx)
    panel.scene_combo.setLayer(raster)
    panel.box_button.setChecked(True)  # no label layer yet: refused with a message
    assert not panel.box_button.isChecked() and qgis_canvas.mapTool() is not panel.box_tool
    layer = panel.new_label_layer(str(tmp_path / "mine.gpkg"))
    assert layer.crs() == raster.crs() and ctx.history.label_layer is layer
    assert QgsProject.instance().mapLayer(layer.id()) is not None
    panel.box_tool.handler = FixedHandler(QgsGeometry.fromRect(raster.extent().buffered(-8000)))
    panel.box_button.setChecked(True)
    assert qgis_canvas.mapTool() is panel.box_tool
    drag(panel.box_tool, qgis_canvas, QPoint(200, 200), QPoint(300, 300))
    assert panel.accept_button.isEnabled()
    panel.accept_button.click()
    assert len(features(layer)) == 1 and panel.undo_button.isEnabled()
    panel.undo_button.click()
    assert features(layer) == [] and not panel.undo_button.isEnabled()
    panel.unload()
    assert qgis_canvas.mapTool() is None
