"""The backend setup (backend/setup.py) as a QgsTask: progress bar, cancel, result on the main thread."""

from __future__ import annotations

from collections.abc import Callable

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..backend.setup import SetupError, SetupOptions, run_setup
from ..i18n import tr
from ..log import log


class SetupTask(QgsTask):
    messageChanged = pyqtSignal(str)

    def __init__(self, options: SetupOptions, on_done: Callable[[dict], None] | None = None,
                 on_error: Callable[[str], None] | None = None) -> None:
        super().__init__(tr("Slick: set up the backend"), QgsTask.CanCancel)
        self.options = options
        self.on_done, self.on_error = on_done, on_error
        self.result: dict | None = None
        self.error: str | None = None
        self.message = ""
        self.finished_ok: bool | None = None

    def _progress(self, fraction: float, message: str) -> None:
        self.setProgress(max(0.0, min(100.0, fraction * 100.0)))
        if message and message != self.message:
            self.message = message
            self.messageChanged.emit(message)

    def run(self) -> bool:  # worker thread
        try:
            self.result = run_setup(self.options, self._progress, self.isCanceled)
            return True
        except SetupError as exc:
            self.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - one line, never a traceback dialog
            self.error = tr("{kind}: {reason} (log: {log})").format(kind=type(exc).__name__, reason=exc,
                                                                   log=self.options.log)
        return False

    def finished(self, ok: bool) -> None:  # main thread
        self.finished_ok = bool(ok)
        if ok:
            log(tr("backend set up: {result}").format(result=self.result))
            if self.on_done:
                self.on_done(self.result or {})
        else:
            self.error = self.error or tr("the setup was cancelled; run it again to go on where it stopped")
            log(tr("backend setup failed: {reason}").format(reason=self.error))
            if self.on_error:
                self.on_error(self.error)
