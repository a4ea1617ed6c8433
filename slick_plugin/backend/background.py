"""Run a blocking call (HTTP, process waits) in a worker thread; get its answer on the main thread.

Nothing that waits may run on QGIS's GUI thread. ``Background.run(fn, on_done, on_error)``
calls ``fn()`` in a daemon thread and delivers ``on_done(result)`` or ``on_error(exc)``
through a queued signal, i.e. on the thread that created the ``Background`` (create it on
the main thread). Answers whose receiver was deleted meanwhile are dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from qgis.PyQt.QtCore import QCoreApplication, QObject, QThread, pyqtSignal


def on_main_thread() -> bool:
    app = QCoreApplication.instance()
    return app is None or QThread.currentThread() == app.thread()


class Background(QObject):
    _answered = pyqtSignal(object, object, object)  # callback, value, is_error

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._answered.connect(self._deliver)

    def run(self, fn: Callable[[], object], on_done: Callable[[object], None] | None = None,
            on_error: Callable[[Exception], None] | None = None, name: str = "slick-background") -> threading.Thread:
        def work() -> None:
            try:
                value = fn()
            except Exception as exc:  # noqa: BLE001 - handed to on_error on the main thread
                self._emit(on_error, exc)
                return
            self._emit(on_done, value)

        thread = threading.Thread(target=work, daemon=True, name=name)
        thread.start()
        return thread

    def _emit(self, callback, value) -> None:
        if callback is None:
            return
        try:
            self._answered.emit(callback, value, False)
        except RuntimeError:  # the receiver is gone (plugin unloaded): nobody to tell
            pass

    def _deliver(self, callback, value, _flag) -> None:  # a slot of this object: runs on its (main) thread
        try:
            callback(value)
        except RuntimeError as exc:  # a widget of the callback was deleted meanwhile
            if "deleted" not in str(exc):
                raise
