"""The Seep atlas tab: outline layers and files, scene layers and folders, the drift table and the
numbers go to the backend as one "atlas" job (real backend); its recurrence, sources and ellipses
are added as one styled group; each source's chart is shown when it is chosen in the list or on the
map; mistakes are told in the dock's words before anything is sent, and so are the backend's."""

from __future__ import annotations

import pytest
from atlas_data import SEEPS, UTM, write_atlas, write_inputs, write_outlines
from helpers import wait_for, wait_task
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor, QImage


@pytest.fixture
def project():
    project = QgsProject.instance()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    yield project
    project.removeAllMapLayers()
    project.layerTreeRoot().removeAllChildren()


@pytest.fixture
def inputs(tmp_path, project):
    """The inputs written, s01 and s02 and the batch outlines opened as layers."""
    found = write_inputs(tmp_path / "inputs")
    found["layers"] = [project.addMapLayer(QgsRasterLayer(str(found["scenes"][s]), s)) for s in ("s01", "s02")]
    found["outlines"] = project.addMapLayer(QgsVectorLayer(f"{found['batch']}|layername=slicks", "batch slicks", "ogr"))
    return found


def names(widget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def last_message(iface, level) -> str:
    messages = iface.messageBar().get_messages(level)
    return messages[-1] if messages else ""


def test_lists_offer_outline_layers_and_scene_layers(idle_ctx, inputs, project):
    from slick_plugin.layers.results import RESULT_PROPERTY
    from slick_plugin.ui.atlas_panel import AtlasPanel

    no_scene = project.addMapLayer(QgsVectorLayer("Polygon?crs=EPSG:4326&field=name:string", "zones", "memory"))
    points = project.addMapLayer(QgsVectorLayer("Point?crs=EPSG:4326&field=scene:string", "pins", "memory"))
    result = QgsRasterLayer(str(inputs["scenes"]["s03"]), "a probability raster")
    result.setCustomProperty(RESULT_PROPERTY, True)
    panel = AtlasPanel(idle_ctx)
    project.addMapLayer(result)  # the lists follow the project
    assert names(panel.outlines) == ["batch slicks"] and no_scene.id() and points.id()
    assert sorted(names(panel.coverage)) == ["s01", "s02"]
    panel.add_outline_files([str(inputs["more"])])
    panel.add_coverage_folder(str(inputs["folder"]))
    panel.add_coverage_folder(str(inputs["folder"]))  # once only
    assert names(panel.outlines) == ["batch slicks", "more.shp"]
    assert sorted(names(panel.coverage)) == ["more_scenes/", "s01", "s02"]
    project.removeMapLayer(no_scene)  # a refresh keeps the added files and what was ticked
    assert panel.outlines.checked() == [str(inputs["more"])]


def test_mistakes_are_told_in_the_dock_words(idle_ctx, inputs, project, tmp_path, qgis_iface):
    from slick_plugin.ui.atlas_panel import AtlasPanel

    panel = AtlasPanel(idle_ctx)  # the real run_job: it validates the request before starting anything
    told = []

    def build_and_tell(level=Qgis.Warning) -> str:
        assert panel.build() is None
        told.append(last_message(qgis_iface, level))
        return told[-1]

    assert "choose at least one outline layer or file" in build_and_tell()
    panel.outlines.set_checked_layers([inputs["outlines"].id()])
    assert "choose the scenes that were looked at" in build_and_tell()
    panel.coverage.set_checked_layers([layer.id() for layer in inputs["layers"]])
    memory = project.addMapLayer(QgsVectorLayer("Polygon?crs=EPSG:4326&field=scene:string", "drawn", "memory"))
    panel.outlines.set_checked_layers([inputs["outlines"].id(), memory.id()])
    assert "outline layer 'drawn' is not a file" in build_and_tell()
    panel.outlines.set_checked_layers([inputs["outlines"].id()])
    panel.drift.setFilePath(str(tmp_path / "no_drift.csv"))
    assert "drift table" in build_and_tell() and "no_drift.csv does not exist" in told[-1]
    panel.drift.setFilePath("")
    (tmp_path / "old_atlas").mkdir()
    (tmp_path / "old_atlas" / "atlas.json").write_text("{}")
    panel.out.setFilePath(str(tmp_path / "old_atlas"))
    panel.confirm_replace = lambda folder: False
    assert "choose another output folder to keep" in build_and_tell(Qgis.Info)
    assert not any("--" in text for text in told), told


def test_request_carries_every_choice(idle_ctx, inputs, tmp_path):
    from slick_plugin.ui.atlas_panel import AtlasPanel

    panel = AtlasPanel(idle_ctx)
    sent = []
    idle_ctx.run_job = lambda request, **_kw: sent.append(request)  # no backend: what would be sent
    panel.outlines.set_checked_layers([inputs["outlines"].id()])
    panel.add_outline_files([str(inputs["more"])])
    panel.coverage.set_checked_layers([layer.id() for layer in inputs["layers"]])
    panel.add_coverage_folder(str(inputs["folder"]))
    panel.drift.setFilePath(str(inputs["drift"]))
    panel.cluster_m.setValue(800)
    panel.pixel_size.setValue(50)
    panel.min_dates.setValue(3)
    panel.build()
    request = sent[-1]
    assert request.KIND == "atlas"
    assert request.outlines == [str(inputs["batch"]), str(inputs["more"])]
    assert request.coverage == [str(inputs["scenes"]["s01"]), str(inputs["scenes"]["s02"]), str(inputs["folder"])]
    params = request.to_params()
    assert params["drift"] == str(inputs["drift"]) and params["overwrite"] is False
    assert (params["cluster_m"], params["pixel_size"], params["min_dates"]) == (800, 50, 3)
    # with no folder chosen: a new one in the work folder each time
    assert request.out_dir.startswith(idle_ctx.settings.work_dir) and "atlas" in request.out_dir
    # an empty folder from the folder picker is used without asking; one with files after asking
    asked = []
    panel.confirm_replace = lambda folder: asked.append(folder) or True
    (tmp_path / "old").mkdir()
    panel.out.setFilePath(str(tmp_path / "old"))
    panel.drift.setFilePath("")
    panel.build()
    assert sent[-1].overwrite is True and not asked and "drift" not in sent[-1].to_params()
    (tmp_path / "old" / "x").write_text("x")
    panel.build()
    assert sent[-1].overwrite is True and sent[-1].out_dir == str(tmp_path / "old") and asked == [str(tmp_path / "old")]


def _alpha(layer, extent=None, width=4) -> list[int]:
    block = layer.renderer().block(1, extent or layer.extent(), width, 1)
    return [QColor.fromRgba(block.color(0, col)).alpha() for col in range(width)]


def test_atlas_group_styles_and_charts(idle_ctx, project, tmp_path):
    from slick_plugin.ui.atlas_panel import AtlasPanel

    result = write_atlas(tmp_path / "atlas_x")
    chart = QImage(240, 120, QImage.Format_RGB32)
    chart.fill(QColor("#336699"))
    assert chart.save(result["charts"]["1"])
    panel = AtlasPanel(idle_ctx)
    panel.show_atlas(result)
    group = panel.added_groups[-1]
    assert group.name() == "atlas_x" and project.layerTreeRoot().children()[0] is group
    layers = {node.layer().id(): node.layer() for node in group.findLayers()}
    assert set(layers) == {layer.id() for layer in panel.layers.values()} and len(layers) == 3
    recurrence, sources, ellipses = (panel.layers[k] for k in ("recurrence", "sources", "ellipses"))
    assert recurrence.renderer().type() == "singlebandpseudocolor" and recurrence.renderer().band() == 1
    assert _alpha(recurrence)[:2] == [0, 0] and min(_alpha(recurrence)[2:]) > 0  # nodata and 0 not drawn
    assert sources.labelsEnabled() and sources.labeling().settings().fieldName == "n_dates"
    assert ellipses.renderer().symbol().symbolLayer(0).brushStyle() == Qt.NoBrush
    assert project.crs().authid() == "EPSG:3857"  # never changed
    assert names(panel.sources)[0].startswith("#1: 5 dates") and panel.sources.count() == 2
    assert not panel.chart.pixmap().isNull()
    sources.selectByExpression('"id" = 2')  # chosen on the map: its chart (none here) is asked for
    assert panel.sources.currentItem().data(Qt.UserRole) == 2 and panel.chart.text() == "No chart for source 2."
    panel.sources.setCurrentRow(0)
    assert panel.chart.toolTip() == result["charts"]["1"]
    assert not panel.report_button.isEnabled()  # report.html was not written


def _utm_to(layer_crs, x: float, y: float) -> QgsPointXY:
    transform = QgsCoordinateTransform(QgsCoordinateReferenceSystem(f"EPSG:{UTM}"), layer_crs, QgsProject.instance())
    return transform.transform(QgsPointXY(x, y))


def _drawn(layer, x: float, y: float) -> tuple[float, int]:
    """(band 1 value, alpha drawn) of the recurrence pixel at UTM (x, y)."""
    point = _utm_to(layer.crs(), x, y)
    value, ok = layer.dataProvider().sample(point, 1)
    half = layer.rasterUnitsPerPixelX() / 4
    block = layer.renderer().block(1, QgsRectangle(point.x() - half, point.y() - half, point.x() + half,
                                                   point.y() + half), 1, 1)
    return (value if ok else None), QColor.fromRgba(block.color(0, 0)).alpha()


def test_seep_atlas_on_the_real_backend(ctx, inputs, project, tmp_path, qgis_iface):
    """Two seeps, six scenes (one covering neither seep): two outline sources, two scene layers and a
    folder of scenes go to the backend; the group, its styles and the charts come back."""
    from slick_plugin.ui.atlas_panel import AtlasPanel

    panel = AtlasPanel(ctx)
    panel.outlines.set_checked_layers([inputs["outlines"].id()])
    panel.add_outline_files([str(inputs["more"])])
    panel.coverage.set_checked_layers([layer.id() for layer in inputs["layers"]])
    panel.add_coverage_folder(str(inputs["folder"]))
    panel.drift.setFilePath(str(inputs["drift"]))
    panel.min_dates.setValue(2)  # seep B leaves slicks on two dates
    out = tmp_path / "sentral_atlas"
    panel.out.setFilePath(str(out))
    task = panel.build()
    assert task is not None and task.kind == "atlas" and task.params["out_dir"] == str(out)
    assert (task.params["min_dates"], task.params["source_radius_m"]) == (2, 400.0)
    wait_task(task, 300)
    assert task.error is None, task.error
    wait_for(lambda: panel.added_groups, 10, "the atlas layers")
    assert panel.progress.bar.value() == 100
    result = task.result
    assert (result["n_scenes"], result["n_slicks"], result["n_sources"]) == (6, 6, 2)
    group = panel.added_groups[-1]
    assert group.name() == "sentral_atlas" and len(group.findLayers()) == 3
    assert project.crs().authid() == "EPSG:3857"  # never changed

    sources, ellipses, recurrence = (panel.layers[k] for k in ("sources", "ellipses", "recurrence"))
    by_id = {f["id"]: f for f in sources.getFeatures()}
    assert {i: f["n_dates"] for i, f in by_id.items()} == {1: 4, 2: 2}
    to_utm = QgsCoordinateTransform(sources.crs(), QgsCoordinateReferenceSystem(f"EPSG:{UTM}"), project)
    for sid, seep in ((1, "A"), (2, "B")):  # each source at its seep (the slicks start there, drift given)
        found = to_utm.transform(by_id[sid].geometry().asPoint())
        assert found.distance(QgsPointXY(*SEEPS[seep])) < 300
    assert sources.labelsEnabled() and sources.labeling().settings().fieldName == "n_dates"
    assert ellipses.featureCount() == 2 and ellipses.renderer().symbol().symbolLayer(0).brushStyle() == Qt.NoBrush
    assert recurrence.renderer().band() == 1
    x, y = SEEPS["A"]
    on_one = _drawn(recurrence, x + 850, y - 10)  # 850 m down seep A's slick of s02 (drift east), on no other
    assert on_one[0] == pytest.approx(1 / 5) and on_one[1] > 0  # slick on 1 of the 5 scenes that saw it
    assert _drawn(recurrence, 497000, 8303500) == (0.0, 0)  # seen 5 times, never slick: not drawn
    assert _drawn(recurrence, 504250, 8300000)[1] == 0  # between the squares: never seen, not drawn

    assert [panel.sources.item(i).data(Qt.UserRole) for i in range(panel.sources.count())] == [1, 2]
    assert panel.chart.toolTip() == result["charts"]["1"] and not panel.chart.pixmap().isNull()
    sources.selectByIds([f.id() for f in sources.getFeatures() if f["id"] == 2])  # chosen on the map
    assert panel.sources.currentItem().data(Qt.UserRole) == 2 and panel.chart.toolTip() == result["charts"]["2"]
    assert panel.report_button.isEnabled() and result["report"].endswith("report.html")
    infos = qgis_iface.messageBar().get_messages(Qgis.Info)
    assert any("2 seep sources from 6 slicks on 6 scenes" in m for m in infos), infos


def test_backend_refusal_is_told_in_the_dock_words(ctx, inputs, tmp_path, qgis_iface):
    """Outlines of a scene that is not among the scenes looked at: the backend's one line names the
    dock's controls, not its flags."""
    from slick_plugin.ui.atlas_panel import AtlasPanel

    undated = write_outlines(tmp_path / "undated.geojson", [("s99", "", 0.0, 45.0, "A")], 4326, with_time=False)
    panel = AtlasPanel(ctx)
    panel.add_outline_files([str(undated)])
    panel.coverage.set_checked_layers([inputs["layers"][0].id()])
    task = panel.build()
    assert task is not None
    wait_task(task, 120)
    assert task.error and "s99" in task.error and "--" not in task.error, task.error
    assert "the scenes looked at (Seep atlas)" in task.error
    assert panel.progress.bar.value() == 0 and not panel.added_groups
    errors = qgis_iface.messageBar().get_messages(Qgis.Critical)
    assert errors and "s99" in errors[-1] and "--" not in errors[-1]
