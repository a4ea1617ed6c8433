"""The Seep atlas tab: outline layers and files, scene layers and folders, the drift table and the
numbers go to the backend as one "atlas" job (real backend); its recurrence, sources and ellipses
are added as one styled group; each source's chart is shown when it is chosen in the list or on the
map; mistakes are told in the dock's words before anything is sent, and so are the backend's."""

from __future__ import annotations

import pytest
from atlas_data import write_atlas, write_inputs
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor, QImage


@pytest.fixture
def idle_ctx(qgis_iface, isolated_settings):
    """The dock's context on a manager that is never started (no backend needed)."""
    from slick_plugin.backend.manager import BackendManager
    from slick_plugin.ui.context import SlickContext

    manager = BackendManager(isolated_settings)
    yield SlickContext(qgis_iface, manager)
    manager.stop()


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
    assert request.out.startswith(idle_ctx.settings.work_dir) and "atlas" in request.out
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
    assert sent[-1].overwrite is True and sent[-1].out == str(tmp_path / "old") and asked == [str(tmp_path / "old")]


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
