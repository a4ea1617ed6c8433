"""A QgsTask that runs one backend job: progress bar, cancel, result back on the main thread."""

from __future__ import annotations

from collections.abc import Callable

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..backend.client import BackendClient
from ..i18n import tr
from ..log import log
from .polling import JobCancelled, JobFailed, follow_job


class JobTask(QgsTask):
    """``request`` is a params dataclass (see params.py) built on the main thread.

    ``on_done(result)`` / ``on_error(message, cancelled)`` are called from ``finished()``,
    i.e. on the main thread, where adding layers is safe.
    """

    messageChanged = pyqtSignal(str)

    def __init__(
        self,
        client: BackendClient,
        request,
        on_done: Callable[[dict], None] | None = None,
        on_error: Callable[[str, bool], None] | None = None,
    ) -> None:
        super().__init__(request.title(), QgsTask.CanCancel)
        self.client = client
        self.request = request
        self.kind = request.KIND
        self.params = request.to_params()  # plain JSON, frozen before the thread starts
        self.on_done, self.on_error = on_done, on_error
        self.job_id: str | None = None
        self.result: dict | None = None
        self.error: str | None = None
        self.was_cancelled = False
        self.message = ""
        self.finished_ok: bool | None = None  # set by finished(); readable after QGIS deletes the task

    def _progress(self, fraction: float, message: str) -> None:
        self.setProgress(max(0.0, min(100.0, fraction * 100.0)))
        if message and message != self.message:
            self.message = message
            self.messageChanged.emit(message)

    def _submitted(self, job_id: str) -> None:
        self.job_id = job_id

    def run(self) -> bool:  # worker thread: no Qt widgets, no layers
        try:
            self.result = follow_job(self.client, self.kind, self.params, self._progress, self.isCanceled, self._submitted)
            return True
        except JobCancelled as exc:
            self.was_cancelled, self.error = True, str(exc)
        except JobFailed as exc:
            self.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a bug here must not become a traceback dialog
            self.error = f"{type(exc).__name__}: {exc}"
        return False

    def finished(self, ok: bool) -> None:  # main thread
        self.finished_ok = bool(ok)
        if ok:
            log(f"{self.description()}: done {self.result}")
            if self.on_done:
                self.on_done(self.result or {})
        else:
            if self.error is None:  # cancelled before run() started
                self.was_cancelled, self.error = True, tr("{kind} was cancelled").format(kind=self.kind)
            log(f"{self.description()}: {self.error}")
            if self.on_error:
                self.on_error(self.error, self.was_cancelled or self.isCanceled())
