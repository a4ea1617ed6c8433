"""The harness of the desktop run (tests/desktop/driver.py): what drives QGIS, not what is driven.

Runs inside QGIS's own Python. Every wait spins a nested event loop, so QGIS stays live; X input
goes through ``xdotool`` in the background, so the 50 ms freeze timer measures QGIS, not the
harness; a modal dialog (opened inside a click's nested loop) is answered from a timer.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from qgis.core import Qgis, QgsApplication, QgsPointXY
from qgis.PyQt.QtCore import QEventLoop, QPoint, QTimer
from qgis.PyQt.QtWidgets import QApplication, QFileDialog
from qgis.utils import iface

MAX_FREEZE_S = 1.5  # as tests/plugin/test_responsive.py: no step may hold the GUI thread longer


class E2EError(Exception):
    pass


class Freezes:
    """The longest gap between ticks of a 50 ms GUI timer, per step: QGIS froze that long."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self.worst = 0.0
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def take(self) -> float:
        worst, self.worst, self.last = self.worst, 0.0, time.monotonic()
        return round(worst, 3)


class Harness:
    """Steps with their time and longest GUI freeze, waits that keep QGIS's event loop running,
    X input through xdotool, modal dialogs answered from a timer, and the report."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.steps: list[dict] = []
        self.messages: list[dict] = []
        self.freezes = Freezes()
        self.t0 = time.monotonic()
        self.plugin = None
        QgsApplication.messageLog().messageReceived.connect(self._logged)

    # --- recording ---------------------------------------------------------------------------
    def _logged(self, message: str, tag: str, level) -> None:
        if tag in ("Slick", "Python error", "Python warning") or level >= Qgis.Critical:
            self.messages.append({"t": round(time.monotonic() - self.t0, 2), "tag": tag, "level": int(level),
                                  "message": message[:2000]})

    def step(self, name: str, fn) -> None:
        started = time.monotonic()
        self.freezes.take()
        entry = {"step": name}
        self.steps.append(entry)
        try:
            entry.update(fn() or {})
        finally:
            entry["seconds"] = round(time.monotonic() - started, 1)
            entry["longest_freeze_s"] = self.freezes.take()
            self.write()
        if entry["longest_freeze_s"] > MAX_FREEZE_S:
            raise E2EError(f"QGIS froze for {entry['longest_freeze_s']:.1f} s (at most {MAX_FREEZE_S} s)")
        entry["ok"] = True
        self.write()

    def write(self, error: str = "") -> None:
        python_errors = [m for m in self.messages if m["tag"] == "Python error"]
        ok = not error and not python_errors and all(s.get("ok") for s in self.steps)
        report = {"ok": ok, "error": error, "steps": self.steps, "messages": self.messages,
                  "python_errors": len(python_errors)}
        (self.out / "results.json").write_text(json.dumps(report, indent=2))

    def shot(self, name: str) -> str:
        self.wait(0.5)
        path = self.out / f"{name}.png"
        QApplication.primaryScreen().grabWindow(0).save(str(path))
        return path.name

    # --- waiting -----------------------------------------------------------------------------
    @staticmethod
    def wait(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec_()

    def until(self, condition, timeout: float, what: str):
        end = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > end:
                raise E2EError(f"waited {timeout:.0f} s for {what}")
            self.wait(0.05)

    def job_done(self, progress, done, what: str, timeout: float):
        """Wait for ``done()``; fail at once, with the job's error, if the panel's job failed."""
        def finished():
            task = progress.task
            if task is not None and task.finished_ok is False:
                raise E2EError(f"{what} failed: {task.error}")
            return done()
        return self.until(finished, timeout, what)

    @staticmethod
    def check(ok, what: str) -> None:
        if not ok:
            raise E2EError(what)

    # --- X input (xdotool talks to the X server, as a mouse and keyboard would) ------------------
    def xdo(self, *args) -> None:
        """Run xdotool without blocking the GUI thread (the freeze timer measures QGIS, not us)."""
        proc = subprocess.Popen(["xdotool", *map(str, args)])
        try:
            self.until(lambda: proc.poll() is not None, 30, f"xdotool {' '.join(map(str, args))}")
        finally:
            if proc.poll() is None:
                proc.kill()
        self.check(proc.returncode == 0, f"xdotool {args[0]} failed ({proc.returncode})")

    # (no `mousemove --sync`: it waits for a move that never comes when the pointer is already there)
    def click(self, widget, pos: QPoint | None = None) -> None:
        self.check(widget.isVisible(), f"{widget.__class__.__name__} {widget.objectName()!r} is not visible")
        point = widget.mapToGlobal(pos if pos is not None else widget.rect().center())
        self.xdo("mousemove", point.x(), point.y(), "sleep", 0.05, "click", 1)
        self.wait(0.4)

    def hover(self, widget) -> None:
        """The pointer over a window gives it the keyboard (no window manager: focus follows it)."""
        point = widget.mapToGlobal(widget.rect().center())
        self.xdo("mousemove", point.x(), point.y())
        self.wait(0.2)

    def key(self, *keys: str) -> None:
        self.xdo("key", "--delay", 80, *keys)
        self.wait(0.4)

    def type(self, text: str) -> None:
        self.xdo("type", "--delay", 20, text)
        self.wait(0.3)

    def drag_on_map(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """Press at map point (x0, y0), move, release at (x1, y1): a box drawn with the mouse."""
        canvas = iface.mapCanvas()
        viewport = canvas.viewport()
        to_pixel = canvas.getCoordinateTransform()
        a, b = to_pixel.transform(QgsPointXY(x0, y0)), to_pixel.transform(QgsPointXY(x1, y1))
        pa = viewport.mapToGlobal(QPoint(int(a.x()), int(a.y())))
        pb = viewport.mapToGlobal(QPoint(int(b.x()), int(b.y())))
        moves = []
        for t in (0.25, 0.5, 0.75, 1.0):
            moves += ["mousemove", int(pa.x() + t * (pb.x() - pa.x())), int(pa.y() + t * (pb.y() - pa.y())), "sleep", 0.05]
        self.xdo("mousemove", pa.x(), pa.y(), "mousedown", 1, "sleep", 0.1, *moves, "mouseup", 1)
        self.wait(0.4)

    def click_menu(self, menu_title: str, item_text: str) -> None:
        """Open a main-window menu and choose an item, with the mouse."""
        bar = iface.mainWindow().menuBar()
        menu_action = next(a for a in bar.actions() if a.text().replace("&", "") == menu_title)
        self.click(bar, bar.actionGeometry(menu_action).center())
        menu = menu_action.menu()
        self.until(menu.isVisible, 5, f"the {menu_title} menu")
        item = next(a for a in menu.actions() if a.text().replace("&", "").rstrip(".…") == item_text)
        self.click(menu, menu.actionGeometry(item).center())

    def when_modal(self, match, handle) -> dict:
        """Run ``handle(dialog)`` once a modal dialog matching ``match`` is up (it may open inside a
        click's nested event loop, so a timer looks for it). Returns a dict the handler fills."""
        state: dict = {"done": False}
        timer = QTimer()
        timer.setInterval(200)

        def look() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None or not match(dialog):
                return
            timer.stop()
            try:
                state["result"] = handle(dialog)
            except Exception as exc:  # noqa: BLE001 - reported by the step that waits for it
                state["error"] = f"{exc.__class__.__name__}: {exc}"
                dialog.reject()
            state["done"] = True

        timer.timeout.connect(look)
        timer.start()
        state["timer"] = timer
        return state

    def save_as(self, button, path: Path, what: str) -> None:
        """Click ``button``, and in the file dialog it opens type ``path`` and press Enter."""
        def handle(dialog) -> None:
            self.hover(dialog)
            dialog.activateWindow()
            self.wait(0.3)
            self.key("ctrl+a")
            self.type(str(path))
            self.key("Return")

        dialog = self.when_modal(lambda d: isinstance(d, QFileDialog), handle)
        self.click(button)
        self.until(lambda: dialog["done"], 30, f"the {what} file dialog")
        self.check("error" not in dialog, dialog.get("error"))
