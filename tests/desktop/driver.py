"""The analyst's whole flow in the real QGIS desktop, driven by X input events.

QGIS runs this file at start-up (``qgis --code driver.py``; ``run_desktop.py`` starts it under
Xvfb with a fresh profile). Everything the analyst does goes through the real QGIS main window
and ``iface``, with mouse and keyboard events sent to the X server by ``xdotool``: install the
packaged zip, open a real Arctic mosaic, open the dock from its toolbar button, start the backend,
create a label layer, label two slicks with the SAM box tool (drag, Enter), undo with Ctrl+Z from
the map and from the dock, step through the Slicks in view candidates, draw a slick by hand,
train, predict, export the outlines, and press OK on the Slick page of Settings > Options. The
harness (harness.py) times each step and its longest GUI freeze, sends the X events and writes
the screenshots and results.json.

Configuration comes in $SLICK_E2E (JSON): out, zip, scene, python, work, boxes, epochs, harness_dir.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path

import qgis.utils
from qgis.core import (
    Qgis,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsSettings,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QPoint, Qt, QTimer
from qgis.PyQt.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QListWidget,
    QTreeView,
)
from qgis.utils import iface

CONF = json.loads(os.environ["SLICK_E2E"])
sys.path.insert(0, CONF["harness_dir"])  # QGIS exec()s this file: no __file__, no package
from harness import Harness  # noqa: E402

OUT = Path(CONF["out"])
SCREEN = (1600, 1000)


class Driver(Harness):
    """The analyst's flow, step by step (each returns what the report records)."""

    # --- the flow ------------------------------------------------------------------------------
    def run(self) -> None:
        try:
            self.step("start QGIS", self.start)
            self.step("install the packaged zip", self.install)
            self.step("open a real mosaic", self.open_scene)
            self.step("open the dock from its toolbar button", self.open_dock)
            self.step("start, then restart the backend", self.start_backend)
            self.step("new label layer", self.new_label_layer)
            self.step("label two slicks with the SAM box tool", self.label_two)
            self.step("Ctrl+Z in the main window and in the dock", self.undo_keys)
            self.step("label the slicks in view with candidates", self.candidates)
            self.step("draw a slick by hand", self.draw_by_hand)
            self.step("train", self.train)
            self.step("predict", self.predict)
            self.step("export the outlines", self.export)
            self.step("Settings > Options > Slick, OK", self.options)
            self.write()
        except Exception as exc:  # noqa: BLE001 - the report says what failed
            if self.steps and "ok" not in self.steps[-1]:
                self.steps[-1]["error"] = f"{exc.__class__.__name__}: {exc}"
            try:
                self.steps[-1]["screenshot_on_failure"] = self.shot("failure")
            except Exception:  # noqa: BLE001
                pass
            self.write(error=traceback.format_exc())
        finally:
            if self.plugin is not None and self.plugin.manager is not None:
                self.plugin.manager.stop()
            QTimer.singleShot(500, lambda: QApplication.instance().exit(0))

    def start(self) -> dict:
        window = iface.mainWindow()
        window.setGeometry(0, 0, *SCREEN)
        self.wait(1.0)
        return {"qgis": Qgis.QGIS_VERSION}

    def install(self) -> dict:
        """Plugins > Install from ZIP does this: unzip into the profile, load and start the plugin."""
        from pyplugin_installer import instance as installer

        installer().installFromZipFile(CONF["zip"])
        self.until(lambda: "slick_plugin" in qgis.utils.active_plugins, 60, "the plugin to load")
        self.plugin = qgis.utils.plugins["slick_plugin"]
        folder = Path(qgis.utils.home_plugin_path) / "slick_plugin"
        self.check((folder / "backend_src" / "slick_backend").is_dir(), f"no bundled backend in {folder}")
        return {"plugin_dir": str(folder)}

    def open_scene(self) -> dict:
        self.scene = iface.addRasterLayer(CONF["scene"], "sample_123")
        self.check(self.scene is not None and self.scene.isValid(), f"QGIS could not open {CONF['scene']}")
        iface.mapCanvas().setExtent(self.scene.extent())
        iface.mapCanvas().refresh()
        self.wait(1.5)
        return {"crs": self.scene.crs().authid(), "project_crs": QgsProject.instance().crs().authid()}

    def open_dock(self) -> dict:
        button = iface.pluginToolBar().widgetForAction(self.plugin.actions[0])
        self.check(button is not None, "no Slick dock button on the Plugins toolbar")
        self.click(button)
        self.dock = self.until(lambda: self.plugin.dock is not None and self.plugin.dock.isVisible() and self.plugin.dock,
                               10, "the Slick dock")
        self.wait(0.5)
        iface.mapCanvas().setExtent(self.scene.extent())  # zoom to the scene in the canvas the dock left
        iface.mapCanvas().refresh()
        self.wait(1.0)
        self.check_fits(self.dock.label_panel)
        return {"dock_width_px": self.dock.width(), "screenshot": self.shot("desktop_1_dock")}

    def check_fits(self, panel) -> None:
        """Every tab in sight and no button of ``panel`` cut short (the dock once opened 304 px wide)."""
        bar = self.dock.tabs.tabBar()
        self.check(bar.tabRect(bar.count() - 1).right() <= bar.width(), "the dock's last tab is out of sight")
        cut = [b.text() for b in panel.findChildren(QAbstractButton)
               if b.isVisible() and b.text() and b.width() < b.minimumSizeHint().width()]
        self.check(not cut, f"buttons cut short in the dock: {cut}")

    def start_backend(self) -> dict:
        manager = self.plugin.manager
        clicked = time.monotonic()
        self.click(self.dock.start_button)
        self.check(manager.state in ("starting", "ready"), f"backend state after the click: {manager.state}")
        self.until(lambda: manager.state == "ready", 240, f"the backend to start (state {manager.state}, {manager.error})")
        start_s = round(time.monotonic() - clicked, 1)
        self.until(lambda: manager.health.get("device_probe", "done") == "done", 240, "the device probe")
        self.wait(1.0)
        first = manager.process.pid
        self.check(self.dock.start_button.text() == "Restart backend", f"button reads {self.dock.start_button.text()!r}")
        clicked = time.monotonic()
        self.click(self.dock.start_button)  # Restart: a new server, QGIS usable meanwhile
        self.until(lambda: manager.state == "ready" and manager.process is not None and manager.process.pid != first,
                   240, f"the backend to restart (state {manager.state}, {manager.error})")
        restart_s = round(time.monotonic() - clicked, 1)
        self.wait(1.0)
        self.server_pid = manager.process.pid
        return {"device": manager.device, "start_s": start_s, "restart_s": restart_s}

    def new_label_layer(self) -> dict:
        panel = self.dock.label_panel
        path = Path(CONF["work"]) / "my_slicks.gpkg"
        self.save_as(panel.new_button, path, "New label layer")
        self.until(lambda: panel.label_combo.currentLayer() is not None, 10, "the new label layer")
        self.check(path.exists(), f"{path} was not written")
        self.labels = panel.label_combo.currentLayer()
        return {"label_layer": str(path)}

    def box(self, panel, rect) -> None:
        """Drag a box around a slick, wait for SAM's proposal, press Enter."""
        history = self.plugin.ctx.history
        before = len(history)
        self.drag_on_map(*rect)
        self.until(lambda: panel.box_tool.proposal is not None, 120, "SAM's proposal for the box")
        self.key("Return")
        self.until(lambda: len(history) == before + 1, 10, "Enter to accept the proposal")

    def label_two(self) -> dict:
        panel = self.dock.label_panel
        self.click(panel.box_button)
        self.check(iface.mapCanvas().mapTool() is panel.box_tool, "the SAM box tool is not the map tool")
        for rect in CONF["boxes"][:2]:
            self.box(panel, rect)
        count = self.labels.featureCount()
        self.check(count == 2, f"{count} outlines in the label layer after two boxes")
        scenes = {f["scene"] for f in self.labels.getFeatures()}
        self.check(None not in scenes and all(scenes), f"outlines without their scene: {scenes}")
        return {"outlines": count, "scene_field": sorted(map(str, scenes)), "status": panel.status.text(),
                "screenshot": self.shot("desktop_2_label")}

    def undo_keys(self) -> dict:
        panel = self.dock.label_panel
        out = {}
        # 1. on the map: a third box, Enter, Ctrl+Z (QGIS's Edit > Undo has the same keys)
        self.box(panel, CONF["boxes"][2])
        self.check(self.labels.featureCount() == 3, "the third outline was not saved")
        self.key("ctrl+z")
        self.until(lambda: self.labels.featureCount() == 2, 5, "Ctrl+Z on the map to remove the third outline")
        out["after_map_undo"] = panel.status.text()
        self.check("removed" in out["after_map_undo"], f"status after undo: {out['after_map_undo']!r}")
        # 2. in the dock: a box accepted with the Accept button, focus on the dock's tab bar, Ctrl+Z
        history = self.plugin.ctx.history
        self.drag_on_map(*CONF["boxes"][2])
        self.until(lambda: panel.box_tool.proposal is not None, 120, "SAM's proposal for the box")
        self.click(panel.accept_button)
        self.until(lambda: len(history) == 3, 10, "the Accept button")
        self.click(panel.scene_combo)  # the keyboard focus into the dock (its popup opens; Esc closes it)
        self.key("Escape")
        focus = QApplication.focusWidget()
        out["focus_before_dock_undo"] = focus.__class__.__name__ if focus else None
        self.check(focus is not None and panel.isAncestorOf(focus), f"the focus is on {focus}, not in the dock")
        self.key("ctrl+z")
        self.until(lambda: self.labels.featureCount() == 2, 5, "Ctrl+Z in the dock to remove the outline")
        out["after_dock_undo"] = panel.status.text()
        return out

    def candidates(self) -> dict:
        """*Slicks in view*: the shipped source model's outlines as candidates, each refined by the
        prompt model when shown; a scripted analyst who knows where the slicks are (the label
        boxes) presses Enter on each candidate over one and Delete on the others. Clicks, keys and time, to compare with boxes."""
        panel = self.dock.label_panel
        tool, history = panel.candidate_tool, self.plugin.ctx.history
        started, before = time.monotonic(), len(history)
        self.click(panel.candidates_button)
        self.until(lambda: panel.candidate_task is not None and panel.candidate_task.finished_ok is not None, 300,
                   "the prediction over the view")
        self.check(panel.candidate_task.finished_ok, f"Slicks in view failed: {panel.candidate_task.error}")
        self.until(lambda: iface.mapCanvas().mapTool() is tool, 10, "the candidate tool")
        found = len(tool.candidates)
        self.until(lambda: not tool.refining, 30, "the first candidate's refinement by the prompt model")
        shot = self.shot("desktop_3_candidates") if found else None
        status = panel.status.text()
        self.check(not found or status.startswith("Candidate 1 of"), f"status with the first candidate shown: {status!r}")
        truth = [QgsGeometry.fromRect(QgsRectangle(*b)) for b in CONF["boxes"]]
        keys = accepted = 0
        while tool.candidates and keys < 100:
            self.until(lambda: not tool.refining, 30, "the candidate's refinement by the prompt model")
            current = tool.candidates[tool.index]
            on_slick = any(t.intersects(current) for t in truth)
            left = len(tool.candidates)
            self.key("Return" if on_slick else "Delete")
            keys += 1
            accepted += on_slick
            self.until(lambda left=left: len(tool.candidates) < left, 10, "the next candidate")
        self.check(len(history) == before + accepted, f"{len(history) - before} outlines saved, {accepted} accepted")
        sources = [f["source"] for f in self.labels.getFeatures()]
        self.check(sources.count("proposal") == accepted, f"sources in the label layer: {sources}")
        return {"candidates": found, "first_status": status, "accepted": accepted, "rejected": keys - accepted,
                "covered": found - keys,  # left the list when an accepted outline covered them
                "clicks": 1, "keys": keys,
                "seconds": round(time.monotonic() - started, 1), "screenshot": shot}

    def draw_by_hand(self) -> dict:
        """QGIS's own digitising from the dock's *Draw by hand*: clicks, right click, the feature
        form's OK; the polygon gets its scene as SAM outlines do (it once got NULL)."""
        panel = self.dock.label_panel
        before = {f.id() for f in self.labels.getFeatures()}
        self.click(panel.manual_button)
        self.check(self.labels.isEditable(), "Draw by hand did not start editing the label layer")
        x0, y0, x1, y1 = CONF["boxes"][2]
        canvas = iface.mapCanvas()
        to_pixel = canvas.getCoordinateTransform()
        for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)):
            p = to_pixel.transform(QgsPointXY(x, y))
            self.click(canvas.viewport(), QPoint(int(p.x()), int(p.y())))
        clicked = time.monotonic()
        self.xdo("click", 3)  # right click where the last vertex is: finish the polygon
        form = self.until(lambda: next((w for w in QApplication.topLevelWidgets() if w.isVisible()
                                        and w.metaObject().className() == "QgsAttributeDialog"), None),
                          20, "the feature form")
        form_s = round(time.monotonic() - clicked, 1)
        shot = self.shot("desktop_4_hand_form")
        ok = next(b.button(QDialogButtonBox.Ok) for b in form.findChildren(QDialogButtonBox)
                  if b.button(QDialogButtonBox.Ok) is not None)
        self.click(ok)
        self.until(lambda: self.labels.featureCount() == len(before) + 1, 10, "the hand-drawn polygon")
        drawn = next(f for f in self.labels.getFeatures() if f.id() not in before)  # (uncommitted: a negative id)
        self.check(drawn["scene"] == "raw_mosaic.tif" and drawn["source"] == "manual",
                   f"hand-drawn polygon: scene {drawn['scene']!r}, source {drawn['source']!r}")
        iface.actionPan().trigger()
        return {"scene": drawn["scene"], "source": drawn["source"], "form": shot, "form_after_s": form_s}

    def train(self) -> dict:
        panel = self.dock.train_panel
        self.click(self.dock.tabs.tabBar(), self.dock.tabs.tabBar().tabRect(1).center())
        self.until(lambda: panel.isVisible(), 5, "the Train tab")
        self.check_fits(panel)
        # the scene: click its row, Space ticks it
        items = panel.scenes.findItems("sample_123", Qt.MatchExactly)
        self.check(items, "the mosaic is not in the Train tab's scene list")
        item = items[0]
        self.click(panel.scenes.viewport(), panel.scenes.visualItemRect(item).center())
        self.key("space")
        self.check(panel.scenes.checked_layers() == [self.scene], "the scene is not ticked")
        panel.labels.setLayer(self.labels)
        transfer = panel.init.findData("transfer")
        panel.init.setCurrentIndex(transfer)
        self.check(panel.source.currentData() == "slick-s1-source",
                   f"transfer source is {panel.source.currentText()!r}, not the shipped model")
        panel.advanced.setCollapsed(False)
        panel.epochs.setValue(CONF.get("epochs", 3))
        self.click(panel.name)
        self.type("desktop_e2e")
        self.click(panel.adapt_prompt)  # "Adapt the labelling model to these labels" (opt-in)
        self.check(panel.adapt_prompt.isChecked(), "the click did not tick 'Adapt the labelling model'")
        self.click(panel.train_button)
        self.job_done(panel.progress,
                      lambda: any(panel.models.item(i).text() == "desktop_e2e" for i in range(panel.models.count())),
                      "training (the trained model in the model list)", CONF.get("train_timeout", 900))
        self.wait(1.0)
        # the analyst's adapted prompt model joins the Label tab's SAM model list
        sam = self.dock.label_panel.model_combo
        self.until(lambda: sam.findText("desktop_e2e-prompt") >= 0, 30, "the adapted labelling model in the SAM list")
        return {"card": panel.card.toPlainText()[:400], "screenshot": self.shot("desktop_5_train"),
                "sam_models": [sam.itemText(i) for i in range(sam.count())]}

    def predict(self) -> dict:
        panel = self.dock.predict_panel
        self.click(self.dock.tabs.tabBar(), self.dock.tabs.tabBar().tabRect(3).center())
        self.check_fits(panel)
        index = next((i for i in range(panel.model.count()) if panel.model.itemText(i) == "desktop_e2e"), -1)
        self.check(index >= 0, "the trained model is not in the Predict tab")
        panel.model.setCurrentIndex(index)
        item = panel.scenes.findItems("sample_123", Qt.MatchExactly)[0]
        self.click(panel.scenes.viewport(), panel.scenes.visualItemRect(item).center())
        self.key("space")
        self.click(panel.predict_button)
        self.job_done(panel.progress, lambda: panel.added_groups, "prediction (its layers on the map)", 600)
        group = panel.added_groups[-1]
        names = [node.name() for node in group.children()]
        self.outlines = panel.export_layer.currentLayer()
        self.check(self.outlines is not None, f"no outline layer among {names}")
        iface.mapCanvas().setExtent(self.scene.extent())
        iface.mapCanvas().refresh()
        self.wait(2.0)
        return {"layers": names, "outlines": self.outlines.featureCount(), "screenshot": self.shot("desktop_6_predict")}

    def export(self) -> dict:
        panel = self.dock.predict_panel
        path = Path(CONF["work"]) / "exported_outlines.gpkg"
        self.save_as(panel.export_button, path, "Export outlines")
        self.until(path.exists, 30, f"{path}")
        exported = QgsVectorLayer(str(path), "exported", "ogr")
        self.check(exported.isValid(), f"{path} does not open")
        self.check(exported.featureCount() == self.outlines.featureCount(),
                   f"{exported.featureCount()} exported outlines, {self.outlines.featureCount()} on the map")
        return {"path": path.name, "features": exported.featureCount(),
                "fields": [f.name() for f in exported.fields()]}

    def options(self) -> dict:
        manager = self.plugin.manager
        seen: dict = {}

        def handle(dialog) -> None:
            self.wait(1.0)
            page = None
            for view in dialog.findChildren(QListWidget) + dialog.findChildren(QTreeView):
                model = view.model()
                for row in range(model.rowCount()):
                    index = model.index(row, 0)
                    if model.data(index) == "Slick" and view.isVisible():
                        page = (view, index)
            self.check(page is not None, "no Slick page in Settings > Options")
            view, index = page
            self.click(view.viewport(), view.visualRect(index).center())
            seen["screenshot"] = self.shot("desktop_7_options")
            ok = next(b.button(QDialogButtonBox.Ok) for b in dialog.findChildren(QDialogButtonBox)
                      if b.button(QDialogButtonBox.Ok) is not None and b.isVisible())
            self.freezes.take()
            self.click(ok)

        dialog = self.when_modal(lambda d: d.metaObject().className() == "QgsOptions", handle)
        self.click_menu("Settings", "Options")
        self.until(lambda: dialog["done"], 60, "the Options dialog")
        self.check("error" not in dialog, dialog.get("error"))
        seen["freeze_after_ok_s"] = self.freezes.take()
        self.wait(2.0)
        self.check(manager.state == "ready" and manager.process is not None and manager.process.pid == self.server_pid,
                   f"OK without changes restarted or stopped the backend (state {manager.state})")
        return seen


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    settings = QgsSettings()  # the backend an installed Slick would use; models and work in the run's folder
    settings.setValue("slick/python", CONF["python"])
    settings.setValue("slick/models_dir", str(Path(CONF["work"]) / "models"))
    settings.setValue("slick/work_dir", str(Path(CONF["work"]) / "work"))
    settings.setValue("slick/sam_dir", str(Path(CONF["work"]) / "sam"))
    driver = Driver(OUT)
    QTimer.singleShot(500, driver.run)
    globals()["_driver"] = driver  # alive for the whole session


main()
