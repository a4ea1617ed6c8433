"""Train, predict, export and Processing against the real backend on real Arctic mosaics.

Sizes are tiny for a 2-core CPU (100 m pixels, 128 px tiles, one epoch, a light DeepLabv3
with random weights): the point is the plugin's plumbing, not the model's quality.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import wait_for, wait_task
from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer, QgsWkbTypes

SAMPLES = ("sample_135", "sample_123", "sample_70")


@pytest.fixture(scope="module")
def scene_layers(mosaics, label_file, qgis_app):
    project = QgsProject.instance()
    project.clear()
    layers = {s: QgsRasterLayer(str(mosaics[s]), s) for s in SAMPLES}
    labels = QgsVectorLayer(str(label_file), "labels", "ogr")
    assert labels.isValid() and labels.featureCount() > 0
    project.addMapLayers([*layers.values(), labels])
    yield layers, labels
    project.clear()


@pytest.fixture(scope="module")
def trained(scene_layers, qgis_iface, backend):
    """The Train panel's one button: prepare-train in a QgsTask; returns (panel, task)."""
    from slick_plugin.ui.context import SlickContext
    from slick_plugin.ui.train_panel import TrainPanel

    layers, labels = scene_layers
    ctx = SlickContext(qgis_iface, backend)
    panel = TrainPanel(ctx)
    panel.scenes.set_checked([layer.id() for layer in layers.values()])
    panel.labels.setLayer(labels)
    panel.backbone.setCurrentText("resnet18")
    panel.tile.setCurrentText("128")
    panel.pixel.setCurrentText("100")
    panel.epochs.setValue(1)
    panel.lr.setText("0.001")
    panel.random_init.setChecked(True)
    panel.light.setChecked(True)
    panel.name.setText("arctic_tiny")
    progress_seen = []
    task = panel.train()
    assert task is not None
    task.progressChanged.connect(progress_seen.append)
    wait_task(task, 240)
    # the new model is listed and selected once GET /models (in the background) has answered
    wait_for(lambda: panel.models.currentItem() is not None and panel.models.currentItem().text() == "arctic_tiny",
             60, "the new model in the list")
    return ctx, panel, task, progress_seen


def test_train_task_registers_model_with_card(trained, backend):
    ctx, panel, task, progress_seen = trained
    assert task.error is None, task.error
    model_dir = Path(task.result["model_dir"])
    assert (model_dir / "model.json").exists() and (model_dir / "weights.safetensors").exists()
    assert progress_seen and max(progress_seen) > 50
    assert model_dir.parent == Path(backend.settings.models_dir)
    names = [panel.models.item(i).text() for i in range(panel.models.count())]
    assert "arctic_tiny" in names
    assert panel.models.currentItem().text() == "arctic_tiny"
    card = panel.card.toPlainText()
    assert "deeplabv3 / resnet18" in card and "128" in card
    assert panel.progress.bar.value() == 100


def test_predict_adds_styled_layers_on_the_scene(trained, scene_layers, qgis_iface, tmp_path):
    from slick_plugin.ui.predict_panel import PredictPanel

    ctx, _, _, _ = trained
    layers, _ = scene_layers
    panel = PredictPanel(ctx)
    panel.set_models(ctx.models)
    panel.model.setCurrentIndex(panel.model.findText("arctic_tiny"))
    panel.scenes.set_checked([layers["sample_135"].id()])
    tasks = panel.predict()
    assert len(tasks) == 1
    wait_task(tasks[0], 180)
    assert tasks[0].error is None, tasks[0].error
    wait_for(lambda: panel.added_groups, 10, "the result group")
    group = panel.added_groups[-1]
    added = [node.layer() for node in group.findLayers()]
    kinds = sorted(type(layer).__name__ for layer in added)
    assert kinds == ["QgsRasterLayer", "QgsVectorLayer", "QgsVectorLayer"]  # outlines, centrelines, probability
    vectors = {layer.geometryType(): layer for layer in added if isinstance(layer, QgsVectorLayer)}
    lines = vectors[QgsWkbTypes.LineGeometry]
    assert "centerline_km" in lines.fields().names()
    scene = layers["sample_135"]
    for layer in added:
        assert layer.crs() == scene.crs()
    raster = next(layer for layer in added if isinstance(layer, QgsRasterLayer))
    assert raster.renderer().type() == "singlebandpseudocolor"
    # the probability grid covers the scene (model pixel size may differ, the place may not)
    inter = raster.extent().intersect(scene.extent())
    assert inter.area() > 0.95 * scene.extent().area()
    vector = vectors[QgsWkbTypes.PolygonGeometry]
    assert panel.export_layer.currentLayer().id() == vector.id()  # the outlines are what gets exported
    for suffix in (".gpkg", ".shp", ".geojson"):
        out = panel.export(str(tmp_path / f"outlines{suffix}"))
        assert out is not None
        back = QgsVectorLayer(out, "back", "ogr")
        assert back.isValid() and back.featureCount() == vector.featureCount()
        assert back.crs() == scene.crs()
        wanted = [name for name in vector.fields().names() if name != "fid"]
        if suffix == ".shp":  # dBase: names cut to 10 characters, all attributes kept
            assert {n[:10] for n in wanted} <= set(back.fields().names())
        else:
            assert set(wanted) <= set(back.fields().names())


def test_predict_current_extent_only(trained, scene_layers, qgis_iface, qgis_canvas):
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsRectangle

    from slick_plugin.ui.predict_panel import PredictPanel

    ctx, _, _, _ = trained
    layers, _ = scene_layers
    scene = layers["sample_123"]
    qgis_canvas.window().show()
    qgis_canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))  # view CRS differs from the scene's
    e = scene.extent()
    part = QgsRectangle(e.xMinimum() + 0.2 * e.width(), e.yMinimum() + 0.3 * e.height(),
                        e.xMinimum() + 0.7 * e.width(), e.yMinimum() + 0.8 * e.height())
    to_view = QgsCoordinateTransform(scene.crs(), qgis_canvas.mapSettings().destinationCrs(), QgsProject.instance())
    qgis_canvas.setExtent(to_view.transformBoundingBox(part))
    view_in_scene = to_view.transformBoundingBox(qgis_canvas.extent(), QgsCoordinateTransform.ReverseTransform)
    panel = PredictPanel(ctx)
    panel.set_models(ctx.models)
    panel.model.setCurrentIndex(panel.model.findText("arctic_tiny"))
    panel.scenes.set_checked([scene.id()])
    panel.extent_only.setChecked(True)
    tasks = panel.predict()
    wait_task(tasks[0], 180)
    assert tasks[0].error is None, tasks[0].error
    wait_for(lambda: panel.added_groups, 10, "the result group")
    raster = next(n.layer() for n in panel.added_groups[-1].findLayers() if isinstance(n.layer(), QgsRasterLayer))
    assert raster.crs() == scene.crs()
    got = raster.extent()
    assert got.area() < 0.6 * e.area()  # only the part in view was predicted
    assert got.intersect(view_in_scene).area() > 0.9 * got.area()

    # the classic baseline follows the same "current extent only" choice
    groups = len(panel.added_groups)
    tasks = panel.baseline()
    wait_task(tasks[0], 180)
    assert tasks[0].error is None, tasks[0].error
    wait_for(lambda: len(panel.added_groups) > groups, 10, "the baseline group")
    base = next(n.layer() for n in panel.added_groups[-1].findLayers() if isinstance(n.layer(), QgsRasterLayer))
    assert base.crs() == scene.crs()
    assert base.extent().area() < 0.6 * e.area()
    assert base.extent().intersect(view_in_scene).area() > 0.9 * base.extent().area()


def test_baseline_button(trained, scene_layers, backend, tmp_path):
    """(Every Processing algorithm, the baseline included, runs in test_processing.py.)"""
    from slick_plugin.ui.predict_panel import PredictPanel

    ctx, _, _, _ = trained
    layers, _ = scene_layers
    panel = PredictPanel(ctx)
    panel.scenes.set_checked([layers["sample_70"].id()])
    tasks = panel.baseline()
    assert len(tasks) == 1
    wait_task(tasks[0], 120)
    assert tasks[0].error is None, tasks[0].error
    wait_for(lambda: panel.added_groups, 10, "the baseline group")
    assert all(node.layer().crs() == layers["sample_70"].crs() for node in panel.added_groups[-1].findLayers())
