"""Slicks in view: candidate outlines stepped through with real key events on the map canvas
(Enter accepts, Delete rejects, N skips, a click refines, Ctrl+Z undoes, Esc ends), on a real
Arctic mosaic; accepted candidates land in the label layer with source "proposal"."""

from __future__ import annotations

from qgis.core import QgsGeometry, QgsProject, QgsRasterLayer, QgsRectangle, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication, QPoint, Qt
from qgis.PyQt.QtTest import QTest
from test_sam_labelling import FixedHandler, show_scene

from slick_plugin.layers.label_layer import create_label_layer
from slick_plugin.maptools.candidates import CandidateTool
from slick_plugin.maptools.history import LabelHistory


def rect(layer, fx0, fy0, fx1, fy1) -> QgsGeometry:
    e = layer.extent()
    return QgsGeometry.fromRect(QgsRectangle(e.xMinimum() + fx0 * e.width(), e.yMinimum() + fy0 * e.height(),
                                             e.xMinimum() + fx1 * e.width(), e.yMinimum() + fy1 * e.height()))


def saved(layer: QgsVectorLayer) -> list:
    return list(QgsVectorLayer(layer.source(), "reread", "ogr").getFeatures())


class ClickHandler(FixedHandler):
    """Finds nothing for a box alone (so each candidate's own outline stays), its polygon for a click."""

    def propose(self, layer, box, points):
        found = super().propose(layer, box, points)
        return found if points else []


def candidate_tool(canvas, raster, tmp_path, handler):
    labels = create_label_layer(str(tmp_path / "l.gpkg"), raster.crs())
    QgsProject.instance().addMapLayer(labels)
    history = LabelHistory()
    history.label_layer = labels
    tool = CandidateTool(canvas, history, handler)
    canvas.setMapTool(tool)
    return tool, labels


def test_candidates_are_stepped_with_the_keyboard(qgis_canvas, mosaic_135, tmp_path):
    raster = QgsRasterLayer(str(mosaic_135), "sample_135")
    show_scene(qgis_canvas, raster)
    refined = rect(raster, 0.52, 0.52, 0.58, 0.58)
    handler = ClickHandler(refined)
    tool, labels = candidate_tool(qgis_canvas, raster, tmp_path, handler)
    qgis_canvas.setMapTool(tool)
    steps = []
    tool.stepped.connect(lambda i, n: steps.append((i, n)))
    big, mid, small = rect(raster, 0.1, 0.1, 0.5, 0.5), rect(raster, 0.6, 0.6, 0.8, 0.8), rect(raster, 0.05, 0.7, 0.1, 0.75)
    tool.set_candidates(raster, [small, big, mid])
    assert steps[-1] == (0, 3) and tool.proposal.equals(big)  # largest first
    assert "Candidate 1 of 3" in tool.status_text()

    QTest.keyClick(qgis_canvas, Qt.Key_Return)  # accept the big one
    assert [f["source"] for f in saved(labels)] == ["proposal"] and saved(labels)[0]["scene"] == "raw_mosaic.tif"
    assert tool.proposal.equals(mid) and steps[-1] == (0, 2)
    QTest.keyClick(qgis_canvas, Qt.Key_N)  # skip: the small one
    assert tool.proposal.equals(small)
    QTest.keyClick(qgis_canvas, Qt.Key_P)  # back
    assert tool.proposal.equals(mid)
    QTest.keyClick(qgis_canvas, Qt.Key_Delete)  # reject the middle one
    assert tool.proposal.equals(small) and steps[-1] == (0, 1) and len(saved(labels)) == 1

    # a click refines the candidate with the prompt model: its box (loosened) and the click
    centre = qgis_canvas.getCoordinateTransform().transform(qgis_canvas.extent().center())
    QTest.mouseClick(qgis_canvas.viewport(), Qt.LeftButton, Qt.NoModifier, QPoint(int(centre.x()), int(centre.y())))
    QCoreApplication.processEvents()
    (_, box, points) = handler.calls[-1]
    assert [len(p) for _, _, p in handler.calls] == [0, 0, 0, 1]  # each candidate's box once when shown, the click
    assert box.contains(small.boundingBox()) and box.width() > small.boundingBox().width()
    assert len(points) == 1 and points[0][1] == 1
    assert tool.proposal.equals(refined)
    QTest.keyClick(qgis_canvas, Qt.Key_Return)
    geoms = [f.geometry() for f in saved(labels)]
    assert len(geoms) == 2 and geoms[1].boundingBox() == refined.boundingBox() and steps[-1] == (-1, 0)
    assert tool.status_text() == "No candidates left."

    QTest.keyClick(qgis_canvas, Qt.Key_Z, Qt.ControlModifier)  # undo the last accepted one
    assert len(saved(labels)) == 1
    tool.set_candidates(raster, [big])
    QTest.keyClick(qgis_canvas, Qt.Key_Escape)  # end: nothing shown, nothing saved
    assert tool.proposal is None and tool.candidates == [] and len(saved(labels)) == 1


def test_each_candidate_is_refined_by_the_prompt_model_with_its_box(qgis_canvas, mosaic_135, tmp_path):
    """Shown for the first time, a candidate is replaced by the prompt model's answer to its box
    (loosened by REFINE_MARGIN, no clicks); shown again, it is not asked again; an empty or
    failed answer leaves the outline, without a warning."""
    from slick_plugin.maptools.candidates import REFINE_MARGIN

    raster = QgsRasterLayer(str(mosaic_135), "sample_135")
    show_scene(qgis_canvas, raster)
    answer = rect(raster, 0.15, 0.15, 0.45, 0.4)
    handler = FixedHandler(answer)
    tool, labels = candidate_tool(qgis_canvas, raster, tmp_path, handler)
    warnings = []
    tool.failed.connect(warnings.append)
    big, mid = rect(raster, 0.1, 0.1, 0.5, 0.5), rect(raster, 0.6, 0.6, 0.8, 0.8)
    tool.set_candidates(raster, [mid, big])
    assert tool.proposal.equals(answer) and tool.candidates[0].equals(answer) and not tool.refining
    (_, box, points), = handler.calls
    grown = QgsRectangle(big.boundingBox())
    grown.grow(REFINE_MARGIN * max(grown.width(), grown.height()))
    assert points == [] and box == grown

    QTest.keyClick(qgis_canvas, Qt.Key_N)  # the next one is asked for when shown
    assert len(handler.calls) == 2 and tool.proposal.equals(answer)
    QTest.keyClick(qgis_canvas, Qt.Key_P)  # back: refined already, not asked again
    assert len(handler.calls) == 2 and tool.proposal.equals(answer)
    QTest.keyClick(qgis_canvas, Qt.Key_Return)
    assert [f.geometry().boundingBox() for f in saved(labels)] == [answer.boundingBox()]

    def fails(layer, box, points):
        raise RuntimeError("the backend stopped")

    for propose in (lambda layer, box, points: [], fails):  # nothing found / an error: the outline stays
        handler.propose = propose
        tool.set_candidates(raster, [big])
        assert tool.proposal.equals(big) and len(tool.candidates) == 1 and tool.candidates[0].equals(big)
    assert warnings == []
    class Later:  # answers when told, as the backend does from its thread
        def __init__(self):
            self.waiting = []

        def start(self, layer, box, points, done):
            self.waiting.append(done)

    later = Later()
    tool.handler = later
    tool.set_candidates(raster, [big])
    assert tool.refining and tool.proposal.equals(big)  # the outline is shown meanwhile
    later.waiting.pop()([QgsGeometry(answer)], "")
    assert not tool.refining and tool.proposal.equals(answer)

    tool.handler = handler
    calls = len(handler.calls)
    tool.auto_refine = False  # the Label tab's box unticked: the outlines as the model drew them
    tool.set_candidates(raster, [mid, big])
    assert tool.proposal.equals(big) and len(handler.calls) == calls


def test_candidates_an_accepted_outline_covers_are_not_offered_again(qgis_canvas, mosaic_135, tmp_path):
    """The refined outline of one piece of a slick takes in its other pieces: once it is accepted,
    candidates at least half inside it leave the list (also one skipped earlier), the others stay."""
    raster = QgsRasterLayer(str(mosaic_135), "sample_135")
    show_scene(qgis_canvas, raster)
    whole = rect(raster, 0.1, 0.1, 0.6, 0.5)  # the prompt model's answer for the first piece's box

    class FirstBoxOnly(FixedHandler):  # outlines the first candidate; the others keep their own
        def propose(self, layer, box, points):
            first = not self.calls
            found = super().propose(layer, box, points)
            return found if first else []

    tool, labels = candidate_tool(qgis_canvas, raster, tmp_path, FirstBoxOnly(whole))
    steps = []
    tool.stepped.connect(lambda i, n: steps.append((i, n)))
    piece1, piece2, piece3 = rect(raster, 0.1, 0.1, 0.35, 0.45), rect(raster, 0.4, 0.2, 0.55, 0.4), rect(raster, 0.45, 0.42, 0.55, 0.48)
    half_out = rect(raster, 0.52, 0.1, 0.72, 0.2)  # 40 % inside the accepted outline: still offered
    elsewhere = rect(raster, 0.7, 0.7, 0.8, 0.8)
    tool.set_candidates(raster, [piece1, piece2, piece3, half_out, elsewhere])  # shown largest first
    assert tool.proposal.equals(whole) and steps[-1] == (0, 5)
    QTest.keyClick(qgis_canvas, Qt.Key_N)  # piece2 skipped for now
    QTest.keyClick(qgis_canvas, Qt.Key_P)
    QTest.keyClick(qgis_canvas, Qt.Key_Return)  # the whole slick accepted
    assert [f.geometry().boundingBox() for f in saved(labels)] == [whole.boundingBox()]
    assert len(tool.candidates) == 2 and steps[-1] == (0, 2)
    assert {tool.candidates[0].boundingBox().toString(), tool.candidates[1].boundingBox().toString()} == {
        half_out.boundingBox().toString(), elsewhere.boundingBox().toString()}
    assert "Candidate 1 of 2" in tool.status_text()
    QTest.keyClick(qgis_canvas, Qt.Key_Delete)
    QTest.keyClick(qgis_canvas, Qt.Key_Return)
    assert len(saved(labels)) == 2 and steps[-1] == (-1, 0)


def test_slicks_in_view_runs_the_model_on_the_view_and_offers_its_outlines(ctx, mosaic_135, tmp_path):
    """The real backend predicts the part of the scene in view (the tests' tiny shipped source);
    every outline it wrote becomes a candidate and the candidate tool takes the keyboard."""
    from helpers import wait_for

    from slick_plugin.layers.results import result_paths
    from slick_plugin.ui.label_panel import LabelPanel

    canvas = ctx.iface.mapCanvas()
    raster = QgsRasterLayer(str(mosaic_135), "sample_135")
    show_scene(canvas, raster, canvas_crs=raster.crs().authid())
    e = raster.extent()
    canvas.setExtent(QgsRectangle(e.xMinimum(), e.yMinimum(), e.center().x(), e.center().y()))  # a quarter in view
    panel = LabelPanel(ctx)
    try:
        panel.new_label_layer(str(tmp_path / "labels.gpkg"))
        panel.scene_combo.setLayer(raster)
        answers = []
        ctx.modelsChanged.connect(answers.append)
        ctx.refresh_models()
        wait_for(lambda: answers, 60, "the model list")
        assert panel.proposal_model.currentData() == "slick-s1-source"
        results = []
        panel.show_candidates = lambda scene, result, show=panel.show_candidates: results.append(show(scene, result))
        task = panel.find_candidates()
        assert task is not None
        wait_for(lambda: task.finished_ok is not None, 300, "the prediction on the view")
        assert task.finished_ok, task.error
        wait_for(lambda: results, 10, "the candidates")
        outlines = result_paths(task.result)["outlines"]
        clip = QgsRasterLayer(task.request.scene, "clip")
        assert clip.width() < raster.width() and clip.height() < raster.height()  # only the view was predicted
        assert results[0] == QgsVectorLayer(outlines, "o", "ogr").featureCount()
        assert canvas.mapTool() is panel.candidate_tool and len(panel.candidate_tool.candidates) == results[0]
        assert results[0] > 0, "the tiny source model's outlines on the view"
        wait_for(lambda: not panel.candidate_tool.refining, 60, "the first candidate's refinement")
        assert panel.status.text().startswith(f"Candidate 1 of {results[0]}"), panel.status.text()
        # the refinement by the SAM model is on by default; the analyst can keep the model's own outlines
        assert panel.refine_candidates.isChecked() and panel.candidate_tool.auto_refine
        QTest.mouseClick(panel.refine_candidates, Qt.LeftButton)
        assert not panel.candidate_tool.auto_refine
    finally:
        panel.unload()


def test_candidates_already_labelled_are_not_offered_again(qgis_iface, isolated_settings, mosaic_135, tmp_path):
    from slick_plugin.backend.manager import BackendManager
    from slick_plugin.layers.label_layer import add_label
    from slick_plugin.ui.context import SlickContext
    from slick_plugin.ui.label_panel import LabelPanel

    manager = BackendManager(isolated_settings)
    panel = LabelPanel(SlickContext(qgis_iface, manager))
    try:
        raster = QgsRasterLayer(str(mosaic_135), "sample_135")
        labels = panel.new_label_layer(str(tmp_path / "done.gpkg"))
        done, fresh = rect(raster, 0.1, 0.1, 0.3, 0.3), rect(raster, 0.6, 0.6, 0.7, 0.7)
        add_label(labels, rect(raster, 0.1, 0.1, 0.25, 0.3), raster.crs(), "raw_mosaic.tif", "sam_box")  # 75 % of it
        kept = panel._not_labelled_yet(raster, [done, fresh])
        assert len(kept) == 1 and kept[0].equals(fresh)
    finally:
        panel.unload()
        manager.stop()


def test_only_the_tool_in_use_writes_the_status_line(qgis_iface, isolated_settings, mosaic_135, tmp_path):
    """A late answer to the box tool, after Slicks in view took the map, leaves 'Candidate i of n'."""
    from slick_plugin.backend.manager import BackendManager
    from slick_plugin.ui.context import SlickContext
    from slick_plugin.ui.label_panel import LabelPanel

    manager = BackendManager(isolated_settings)
    panel = LabelPanel(SlickContext(qgis_iface, manager))
    try:
        raster = QgsRasterLayer(str(mosaic_135), "sample_135")
        show_scene(qgis_iface.mapCanvas(), raster)
        panel.new_label_layer(str(tmp_path / "l.gpkg"))
        tool = panel.candidate_tool
        tool.auto_refine = False
        qgis_iface.mapCanvas().setMapTool(tool)
        tool.set_candidates(raster, [rect(raster, 0.1, 0.1, 0.3, 0.3), rect(raster, 0.6, 0.6, 0.7, 0.7)])
        assert panel.status.text().startswith("Candidate 1 of 2")
        panel.box_tool.busy.emit(True)
        panel.box_tool.proposalChanged.emit(True)
        assert panel.status.text().startswith("Candidate 1 of 2"), panel.status.text()
        qgis_iface.mapCanvas().setMapTool(panel.box_tool)  # the box tool in use speaks again
        panel.box_tool.busy.emit(True)
        assert panel.status.text().startswith("Asking SAM")
    finally:
        panel.unload()
        manager.stop()


def test_pieces_of_one_slick_become_one_candidate():
    from qgis.core import QgsCoordinateReferenceSystem

    from slick_plugin.maptools.candidates import join_pieces

    def square(x, y, size=200.0):
        return QgsGeometry.fromRect(QgsRectangle(x, y, x + size, y + size))

    utm, lonlat = QgsCoordinateReferenceSystem("EPSG:32632"), QgsCoordinateReferenceSystem("EPSG:4326")
    a, b, c, far = square(0, 0), square(260, 0), square(520, 40), square(5000, 5000)  # 60 m gaps, then far away
    joined = join_pieces([a, far, b, c], utm)
    assert len(joined) == 2
    big = max(joined, key=lambda g: g.area())
    assert abs(big.area() - 3 * a.area()) < 1e-6 and big.isMultipart()
    assert any(g.equals(far) for g in joined)
    assert len(join_pieces([a, square(400, 0)], utm)) == 2  # 200 m apart: two slicks
    assert len(join_pieces([a, b], lonlat)) == 2  # degrees: left as they are
