"""Defects found in the real QGIS 3.22 desktop, each pinned down here: hand-drawn labels get
their scene, Ctrl+Z works from the dock and the status follows it, the dock fits its contents,
a failed job empties the progress bar, errors speak the dock's words, training again under a
name offers to replace, Options > OK leaves the backend alone, and CPU-sized Train defaults."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers import wait_for
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsTask,
    QgsVectorLayer,
    QgsVectorLayerUtils,
)
from qgis.PyQt.QtCore import QCoreApplication, QPoint, Qt, pyqtSignal
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QAbstractButton, QLineEdit, QMainWindow, QScrollArea, QTextEdit, QToolButton

from slick_plugin.layers.label_layer import create_label_layer


@pytest.fixture
def scene(mosaic_135):
    layer = QgsRasterLayer(str(mosaic_135), "sample_135")
    QgsProject.instance().addMapLayer(layer)
    yield layer
    QgsProject.instance().removeAllMapLayers()


class FixedHandler:
    def __init__(self, polygon):
        self.polygon = polygon

    def propose(self, layer, box, points):
        return [QgsGeometry(self.polygon)]


def _square(layer: QgsRasterLayer, half: float = 500.0) -> QgsGeometry:
    c = layer.extent().center()
    return QgsGeometry.fromRect(QgsRectangle(c.x() - half, c.y() - half, c.x() + half, c.y() + half))


def test_hand_drawn_polygon_gets_its_scene(idle_ctx, scene, tmp_path):
    """Digitising by hand adds a feature through the edit buffer without a scene; the panel gives it
    the scene under it (the file name, as SAM outlines have), so prepare matches it."""
    from slick_plugin.ui.label_panel import LabelPanel

    panel = LabelPanel(idle_ctx)
    labels = panel.new_label_layer(str(tmp_path / "hand.gpkg"))
    try:
        panel.draw_by_hand()  # QGIS's own digitising on the label layer (edit mode)
        assert labels.isEditable()
        # its feature form tells that an empty scene is filled in, so nobody types one
        assert labels.attributeDisplayName(labels.fields().indexOf("scene")) == "scene (auto if empty)"
        geometry = _square(scene)
        geometry.transform(QgsCoordinateTransform(scene.crs(), labels.crs(), QgsProject.instance()))
        feature = QgsVectorLayerUtils.createFeature(labels, geometry)  # as the digitising tool does, with defaults
        assert labels.addFeature(feature)
        assert labels.commitChanges()
        saved = list(QgsVectorLayer(labels.source(), "reread", "ogr").getFeatures())
        assert [f["scene"] for f in saved] == ["raw_mosaic.tif"]
        assert saved[0]["source"] == "manual"
        # outside every scene: left empty, nothing is invented
        labels.startEditing()
        far = QgsVectorLayerUtils.createFeature(labels, QgsGeometry.fromRect(QgsRectangle(-170, -80, -169, -79)))
        labels.addFeature(far)
        labels.commitChanges()
        assert sorted(str(f["scene"]) for f in QgsVectorLayer(labels.source(), "r", "ogr").getFeatures()) \
            == ["NULL", "raw_mosaic.tif"]
    finally:
        panel.unload()


def test_ctrl_z_in_the_dock_and_the_status_after_undo(idle_ctx, scene, tmp_path, qgis_canvas):
    from slick_plugin.ui.label_panel import LabelPanel

    panel = LabelPanel(idle_ctx)
    panel.box_tool.handler = FixedHandler(_square(scene))  # a proposal without a backend
    panel.new_label_layer(str(tmp_path / "labels.gpkg"))
    window = QMainWindow()
    window.setCentralWidget(panel)
    window.show()
    QCoreApplication.processEvents()
    try:
        panel.box_tool.raster = scene
        panel.box_tool.request(scene.extent(), [])
        panel.accept_button.click()  # focus stays in the dock, as in QGIS
        assert "Ctrl+Z undoes it" in panel.status.text() and len(idle_ctx.history) == 1
        panel.accept_button.setFocus()
        QCoreApplication.processEvents()
        QTest.keyClick(panel.accept_button, Qt.Key_Z, Qt.ControlModifier)
        QCoreApplication.processEvents()
        assert len(idle_ctx.history) == 0
        assert not list(QgsVectorLayer(str(tmp_path / "labels.gpkg"), "r", "ogr").getFeatures())
        assert "Ctrl+Z undoes it" not in panel.status.text() and "removed" in panel.status.text()
        # the SAM model field keeps its own Ctrl+Z (text undo), it does not delete outlines
        panel.box_tool.request(scene.extent(), [])
        panel.accept_button.click()
        panel.model_combo.lineEdit().setFocus()
        QTest.keyClick(panel.model_combo.lineEdit(), Qt.Key_Z, Qt.ControlModifier)
        QCoreApplication.processEvents()
        assert len(idle_ctx.history) == 1
    finally:
        panel.unload()
        window.close()


def _clipped(widget, dock) -> bool:
    """A shown widget narrower than it needs, or reaching past the right or left edge of what shows it
    (the tab's scroll area viewport, or the dock); scrolled out of sight vertically is fine."""
    if widget.isHidden() or not widget.isVisibleTo(dock) or widget.width() <= 0:
        return False
    if isinstance(widget.parentWidget(), QLineEdit):  # a line edit's own clear button, sized by QGIS
        return False
    if widget.width() < widget.minimumSizeHint().width() and widget.maximumWidth() > widget.width():
        return True  # (a button its widget sized on purpose, as QgsFileWidget's "...", is not cut)
    area = next((p for p in _parents(widget) if isinstance(p, QScrollArea)), None)
    frame = area.viewport() if area is not None else dock.widget()
    left = widget.mapTo(frame, QPoint(0, 0)).x()
    return left < 0 or left + widget.width() > frame.width()


def _parents(widget):
    while widget is not None:
        widget = widget.parentWidget()
        yield widget


def test_dock_fits_its_contents_at_its_opening_width(qgis_iface, isolated_settings):
    import slick_plugin

    plugin = slick_plugin.classFactory(qgis_iface)
    plugin.initGui()
    window = QMainWindow()
    window.setCentralWidget(QTextEdit())
    window.resize(1280, 800)
    try:
        dock = plugin.show_dock()
        window.addDockWidget(Qt.RightDockWidgetArea, dock)
        window.show()
        QCoreApplication.processEvents()
        print(f"dock opens {dock.width()} px wide; its minimum is {dock.minimumSizeHint().width()} px")
        for width in (dock.width(), 1):  # as it opens, and squeezed to the narrowest the dock allows
            window.resizeDocks([dock], [width], Qt.Horizontal)
            QCoreApplication.processEvents()
            bar = dock.tabs.tabBar()
            assert all(bar.tabRect(i).right() < bar.width() for i in range(bar.count())), "a tab is out of sight"
            assert not [b for b in bar.findChildren(QToolButton) if b.isVisible()], "tab scroll arrows"
            for i in range(dock.tabs.count()):
                dock.tabs.setCurrentIndex(i)
                QCoreApplication.processEvents()
                page = dock.tabs.widget(i)
                assert not page.horizontalScrollBar().isVisible(), dock.tabs.tabText(i)
                cut = [f"{type(b).__name__} {b.text() or b.toolTip()} {b.width()}<{b.minimumSizeHint().width()} "
                       f"visible {b.visibleRegion().boundingRect().width()}"
                       for b in dock.widget().findChildren(QAbstractButton) if _clipped(b, dock)]  # not Qt's title buttons
                assert not cut, f"{dock.tabs.tabText(i)} at {dock.width()} px: cut off {cut}"
        # a zip install without a backend Python: the setup box shows, and fits too
        plugin.manager.settings.python = str(Path("/nonexistent/python"))
        dock.settings_changed()
        window.resizeDocks([dock], [1], Qt.Horizontal)
        QCoreApplication.processEvents()
        assert dock.setup_panel.isVisible()
        cut = [b.text() for b in dock.setup_panel.findChildren(QAbstractButton) if _clipped(b, dock)]
        assert not cut and not _clipped(dock.setup_panel.button, dock), cut
        plugin.manager.settings.python = isolated_settings.python
        dock.settings_changed()
        assert not dock.setup_panel.isVisible()
        # the layout does not move when a job's message comes and goes (e.g. after Cancel)
        dock.tabs.setCurrentIndex(1)
        train = dock.train_panel
        QCoreApplication.processEvents()
        before = {w: w.geometry() for w in (train.models, train.card, train.refresh_button, train.progress)}
        train.progress.set_message("Slick: train x: the backend stopped while the prepare-train job was running; "
                                   "it is being restarted, run the job again " * 3)
        QCoreApplication.processEvents()
        train.progress.set_message("")
        QCoreApplication.processEvents()
        assert {w: w.geometry() for w in before} == before
    finally:
        plugin.unload()
        window.close()


class FailingTask(QgsTask):
    """Gets to 31 %, then fails, as a job that the backend refuses halfway."""

    messageChanged = pyqtSignal(str)

    def __init__(self):
        super().__init__("Slick: failing", QgsTask.CanCancel)
        self.error = "the training failed: out of memory"

    def run(self):
        self.setProgress(31.0)
        return False


def test_a_failed_job_empties_the_progress_bar(qgis_app):
    from slick_plugin.ui.widgets import JobProgress

    progress = JobProgress()
    task = FailingTask()
    seen = []
    task.progressChanged.connect(seen.append)
    progress.attach(task)
    QgsApplication.taskManager().addTask(task)
    wait_for(lambda: progress.task is None, 30, "the task to fail")
    assert 31.0 in seen
    assert progress.bar.value() == 0 and "out of memory" in progress.message.toolTip()
    assert not progress.cancel_button.isEnabled()


def test_time_left_is_estimated():
    from slick_plugin.tasks.eta import Eta, eta_text

    eta = Eta()
    assert eta(0.1, now=0.0) is None and eta(0.3, now=20.0) == pytest.approx(70.0)
    assert eta_text(70.0) == "about 1 min left" and eta_text(7200) == "about 2 h 00 min left"
    assert eta_text(None) == ""


@pytest.mark.parametrize("backend_text, gui_text, gone", [
    ("no pretrained base weights 'resnet18' in /home/a/.cache/slick/models; run `slick-backend weights download "
     "resnet18`, or give --allow-random-init to train from random weights", "'Allow random initialisation'",
     ["--allow-random-init", "slick-backend weights"]),
    ("/w/datasets/m1: a dataset already exists there; pass --overwrite to replace it or choose another --out",
     "accept replacing it", ["--overwrite", "--out"]),
    ("/m/m1: already exists; choose another --out or give --overwrite (it is replaced only once the new model is "
     "complete)", "train under another name", ["--overwrite", "--out"]),
    ("--tile 100 is out of range: use 256 or 512", "the tile size 100", ["--tile"]),
    ("--stretch-sigma-db 3: bad", "'stretch sigma db' option", ["--stretch"]),
])
def test_backend_errors_speak_the_docks_words(qgis_app, backend_text, gui_text, gone):
    """(Processing gets its own parameters' names: tests/plugin/test_processing.py.)"""
    from slick_plugin.backend.wording import gui_words

    text = gui_words(backend_text)
    assert gui_text in text, text
    assert not [g for g in gone if g in text] and "--" not in text, text


def test_training_again_under_a_name_offers_to_replace(idle_ctx, scene, tmp_path):
    from slick_plugin.ui.train_panel import TrainPanel

    labels = create_label_layer(str(tmp_path / "l.gpkg"), QgsCoordinateReferenceSystem("EPSG:4326"))
    QgsProject.instance().addMapLayer(labels)
    panel = TrainPanel(idle_ctx)
    panel.scenes.set_checked([scene.id()])
    panel.labels.setLayer(labels)
    panel.name.setText("arctic")
    model = Path(idle_ctx.settings.models_dir) / "arctic"
    dataset = Path(idle_ctx.settings.work_dir) / "datasets" / "arctic"
    sent, asked = [], []
    idle_ctx.run_job = lambda request, **kw: sent.append(request)
    panel.confirm_replace = lambda name: asked.append(name) or answer
    try:
        dataset.mkdir(parents=True)  # a dataset left by a try that made no model: replaced, no question
        panel.train()
        assert not asked and sent[-1].prepare.overwrite and not sent[-1].train.overwrite
        model.mkdir(parents=True)  # a model of that name: asked; "No" starts nothing
        answer = False
        panel.train()
        assert asked == ["arctic"] and len(sent) == 1
        answer = True
        panel.train()
        assert sent[-1].prepare.overwrite and sent[-1].train.overwrite
        assert sent[-1].to_params()["train"]["overwrite"] is True and sent[-1].to_params()["prepare"]["overwrite"] is True
    finally:
        import shutil

        shutil.rmtree(model, ignore_errors=True)
        shutil.rmtree(dataset, ignore_errors=True)


def test_options_ok_without_changes_leaves_the_backend_alone(idle_ctx, isolated_settings):
    manager = idle_ctx.manager
    calls = []
    manager.start = lambda: calls.append("start")
    manager.stop = lambda: calls.append("stop")
    manager.is_active = lambda: True
    manager.apply_settings(dataclasses.replace(isolated_settings))  # OK, nothing changed
    manager.apply_settings(dataclasses.replace(isolated_settings, sam_model="vit_b", threshold=0.4))
    assert calls == [] and manager.settings.sam_model == "vit_b"  # applies at once, no restart
    manager.apply_settings(dataclasses.replace(isolated_settings, python="/other/python"))
    assert calls == ["start"]  # the server's own settings changed: restarted (not left stopped)


def test_train_defaults_fit_the_device_and_the_card_explains_a_missing_validation(idle_ctx):
    from slick_plugin.ui.model_card import card_html
    from slick_plugin.ui.train_panel import TrainPanel

    panel = TrainPanel(idle_ctx)
    assert panel.epochs.value() == 20 and panel.lr.text() == "0.0003"  # CPU: no range test, 20 epochs at most
    idle_ctx.manager.health = {"device": {"type": "cuda", "name": "H100"}}
    idle_ctx.manager.deviceChanged.emit("CUDA")
    assert panel.epochs.value() == 100 and panel.lr.text() == ""  # GPU: the paper's recipe
    panel.epochs.setValue(7)  # the analyst's choice stays
    idle_ctx.manager.health = {"device": {"type": "cpu", "name": "EPYC"}}
    idle_ctx.manager.deviceChanged.emit("CPU")
    assert panel.epochs.value() == 7 and panel.lr.text() == "0.0003"
    one_scene = {"name": "m", "path": "/m", "card": {"arch": "deeplabv3", "backbone": "resnet18", "train_scenes": ["s1"],
                                                     "val_scenes": [], "val_metrics": {"loss": 0.4, "dice": None}}}
    html = card_html(one_scene, lambda s: s)
    assert "None" not in html and "no scene was left for validation" in html and "3 or more scenes" in html
