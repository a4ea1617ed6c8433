#!/usr/bin/env python3
"""Screenshots of the Slick dock over a real Arctic mosaic, for docs/screenshots/.

Runs the real plugin code and a real backend server (the project's .venv) in QGIS's
Python under a virtual X server (``make screenshots`` runs it with xvfb-run):

1. Label tab: a SAM box proposal (tiny random SAM) previewed over sample_135;
2. Train tab: a small model trained on the three real Arctic mosaics, with its card;
3. Predict tab: the shipped source model (Slick Sentinel-1 source, trained only on simulated
   scenes), adapted to the mosaic without labels, its probability raster and outlines on the map.

The trained model is tiny and trained for a few CPU minutes: that picture shows the workflow,
not the method's accuracy; the prediction is the shipped model's real zero-shot output. Data: Vadnais et al. (2025), derived from Copernicus Sentinel-1 data.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv-qgis/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCTIC = ROOT.parent / "shared" / "data" / "arctic_ew"
sys.path.insert(0, str(ROOT))

from qgis.core import (  # noqa: E402 - after sys.path
    QgsApplication,
    QgsLayerTreeModel,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.gui import QgsLayerTreeMapCanvasBridge, QgsLayerTreeView, QgsMapCanvas, QgsMessageBar  # noqa: E402
from qgis.PyQt.QtCore import QCoreApplication, Qt  # noqa: E402
from qgis.PyQt.QtWidgets import QAction, QMainWindow, QSizePolicy, QSplitter, QVBoxLayout, QWidget  # noqa: E402

from slick_plugin.backend.manager import BackendManager  # noqa: E402
from slick_plugin.layers.styles import style_labels  # noqa: E402
from slick_plugin.settings import SlickSettings  # noqa: E402
from slick_plugin.ui.context import SlickContext  # noqa: E402
from slick_plugin.ui.dock import SlickDock  # noqa: E402


class ScreenshotIface:
    """The few QgisInterface calls the dock makes, over a plain main window."""

    def __init__(self, window, canvas, bar) -> None:
        self._window, self._canvas, self._bar = window, canvas, bar
        self._add = QAction(window)

    def mainWindow(self):  # noqa: N802
        return self._window

    def mapCanvas(self):  # noqa: N802
        return self._canvas

    def messageBar(self):  # noqa: N802
        return self._bar

    def setActiveLayer(self, layer):  # noqa: N802
        return True

    def actionAddFeature(self):  # noqa: N802
        return self._add


def pump(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.02)


def render(canvas, timeout: float = 60.0) -> None:
    """Redraw the canvas and wait until the map is rendered (rendering is asynchronous)."""
    done = []
    canvas.mapCanvasRefreshed.connect(lambda: done.append(True))
    canvas.refreshAllLayers()
    end = time.monotonic() + timeout
    while not done and time.monotonic() < end:
        pump(0.1)
    pump(0.5)


def wait(task, timeout: float) -> None:
    end = time.monotonic() + timeout
    while task.finished_ok is None:
        if time.monotonic() > end:
            sys.exit(f"screenshots: {task.kind} did not finish within {timeout:.0f} s")
        pump(0.2)
    if not task.finished_ok:
        sys.exit(f"screenshots: {task.kind} failed: {task.error}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="slick-shots-"))

    app = QgsApplication([], True)
    app.initQgis()

    # copies of the real mosaics (GDAL may write statistics next to what it opens)
    scenes = {}
    for sample in ("sample_135", "sample_123", "sample_70"):
        (work / sample).mkdir()
        for name in ("raw_mosaic.tif", "raw_mosaic.tfw", "raw_mosaic.tif.aux.xml", "labels_mosaic.png",
                     "labels_mosaic.pgw", "labels_mosaic.png.aux.xml"):
            if (ARCTIC / sample / name).exists():  # the .aux.xml side files are optional
                shutil.copy(ARCTIC / sample / name, work / sample / name)
        scenes[sample] = work / sample / "raw_mosaic.tif"
    sys.path.insert(0, str(ROOT / "tests" / "plugin"))
    from helpers import polygonize_labels

    labels_path = polygonize_labels(ARCTIC, list(scenes), work / "arctic_labels.gpkg")

    window = QMainWindow()
    window.resize(1500, 920)
    canvas = QgsMapCanvas()
    canvas.setCanvasColor(Qt.white)
    bar = QgsMessageBar()
    bar.setSizePolicy(QSizePolicy.Minimum, QSizePolicy.Fixed)
    view = QgsLayerTreeView()
    view.setModel(QgsLayerTreeModel(QgsProject.instance().layerTreeRoot(), window))  # parent keeps it alive
    QgsLayerTreeMapCanvasBridge(QgsProject.instance().layerTreeRoot(), canvas, window)  # canvas follows the tree
    centre = QWidget()
    layout = QVBoxLayout(centre)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(bar)
    split = QSplitter()
    split.addWidget(view)
    split.addWidget(canvas)
    split.setSizes([260, 900])
    layout.addWidget(split)
    window.setCentralWidget(centre)

    settings = SlickSettings(python=str(ROOT / ".venv" / "bin" / "python"), models_dir=str(work / "models"),
                             work_dir=str(work / "work"), sam_dir=str(work / "sam"), sam_model="slick-s1-prompt")
    manager = BackendManager(settings)
    iface = ScreenshotIface(window, canvas, bar)
    dock = SlickDock(SlickContext(iface, manager), lambda: None)
    window.addDockWidget(Qt.RightDockWidgetArea, dock)
    dock.setMinimumWidth(430)
    window.show()
    pump(1.0)  # the canvas takes its real size before any extent is set
    try:
        return shoot(window, canvas, dock, scenes, labels_path, work, out, args.epochs)
    finally:
        manager.stop()
        shutil.rmtree(work, ignore_errors=True)


def shoot(window, canvas, dock, scenes, labels_path, work, out, epochs) -> int:
    project = QgsProject.instance()
    layers = {s: QgsRasterLayer(str(p), s) for s, p in scenes.items()}
    project.addMapLayers(list(layers.values()))
    labels = QgsVectorLayer(str(labels_path), "arctic labels", "ogr")
    style_labels(labels)
    project.addMapLayer(labels)
    pump(1.0)  # let the layer-tree bridge do its first-layer setup before we set the view
    canvas.setDestinationCrs(layers["sample_135"].crs())  # the canvas view only; the project CRS is untouched
    canvas.setExtent(layers["sample_135"].extent())
    for view in window.findChildren(QgsLayerTreeView):
        view.expandAll()
    dock.start_backend()
    end = time.monotonic() + 180
    while dock.ctx.manager.health.get("device_probe", "done") != "done" and time.monotonic() < end:
        pump(0.5)  # the server probes torch/CUDA in a child process; the watchdog refreshes it
    render(canvas)

    # 1. Label: a SAM box proposal over the mosaic
    panel = dock.label_panel
    panel.new_label_layer(str(work / "my_labels.gpkg"))
    panel.scene_combo.setLayer(layers["sample_135"])
    panel.box_button.setChecked(True)
    e = layers["sample_135"].extent()
    box = QgsRectangle(e.xMinimum() + 0.30 * e.width(), e.yMinimum() + 0.30 * e.height(),  # around the labelled arc
                       e.xMinimum() + 0.76 * e.width(), e.yMinimum() + 0.70 * e.height())
    panel.box_tool.prompt_box(box)
    end = time.monotonic() + 300
    while panel.box_tool.proposal is None and time.monotonic() < end:  # SAM answers in the background
        pump(0.2)
    render(canvas)
    window.grab().save(str(out / "label_sam_box.png"))

    # 2. Train: one click, then the new model's card
    panel.box_tool.clear()
    dock.show_panel(dock.train_panel)
    train = dock.train_panel
    train.scenes.set_checked([lay.id() for lay in layers.values()])
    train.labels.setLayer(labels)
    train.backbone.setCurrentText("resnet18")
    train.tile.setCurrentText("128")
    train.pixel.setCurrentText("50")
    train.epochs.setValue(epochs)
    train.lr.setText("0.001")
    train.random_init.setChecked(True)
    train.light.setChecked(True)
    train.name.setText("arctic_demo")
    task = train.train()
    if task is None:
        return 1
    wait(task, 1500)
    train.models.setCurrentRow(max(0, [train.models.item(i).text() for i in range(train.models.count())].index("arctic_demo")))
    render(canvas)
    window.grab().save(str(out / "train_model_card.png"))

    # 3. Predict: the shipped source model over sample_135 (adapted to it, the tab's default)
    dock.show_panel(dock.predict_panel)
    predict = dock.predict_panel
    predict.model.setCurrentIndex(predict.model.findData("slick-s1-source"))
    predict.adapt.setChecked(True)
    predict.scenes.set_checked([layers["sample_135"].id()])
    for lay in (layers["sample_123"], layers["sample_70"]):
        project.layerTreeRoot().findLayer(lay.id()).setItemVisibilityChecked(False)
    tasks = predict.predict()
    for t in tasks:
        wait(t, 600)
    canvas.setExtent(layers["sample_135"].extent())
    render(canvas)
    window.grab().save(str(out / "predict_results.png"))
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # skip Python's teardown of live Qt/QGIS objects (it can crash after the work is done)
    os._exit(code)
