"""A QgsTask that runs one backend job: progress bar, cancel, result back on the main thread."""

from __future__ import annotations

from collections.abc import Callable

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..backend.client import BackendClient, BackendError
from ..backend.wording import gui_words
from ..i18n import tr
from ..log import log
from .polling import JobCancelled, JobFailed, follow_job


class JobTask(QgsTask):
    """``request`` is a params dataclass (see params.py) built on the main thread.

    ``backend`` is a BackendClient, or anything with ``wait_client(cancelled=...)`` (the
    BackendManager): the task then waits in its own thread for the backend to be ready, so a
    job can be queued while the backend is still starting. ``before`` (optional) runs in the
    worker thread ahead of the job (e.g. writing the clip of the current extent).
    ``on_done(result)`` / ``on_error(message, cancelled)`` are called from ``finished()``,
    i.e. on the main thread, where adding layers is safe.
    """

    messageChanged = pyqtSignal(str)

    def __init__(
        self,
        backend,
        request,
        on_done: Callable[[dict], None] | None = None,
        on_error: Callable[[str, bool], None] | None = None,
        before: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(request.title(), QgsTask.CanCancel)
        self.client = backend if isinstance(backend, BackendClient) else None
        self.backend = None if self.client is not None else backend
        self.before = before
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
            if self.before is not None:
                self._progress(0.0, tr("preparing the input..."))
                try:
                    self.before()
                except Exception as exc:  # noqa: BLE001 - e.g. the clip could not be written: its own words
                    self.error = str(exc)
                    return False
            if self.client is None:
                self._progress(0.0, tr("waiting for the backend to start..."))
                self.client = self.backend.wait_client(cancelled=self.isCanceled)
            if self.isCanceled():
                raise JobCancelled(tr("{kind} was cancelled").format(kind=self.kind))
            self.result = follow_job(self.client, self.kind, self.params, self._progress, self.isCanceled, self._submitted)
            return True
        except BackendError as exc:
            if self.isCanceled():
                self.was_cancelled, self.error = True, tr("{kind} was cancelled").format(kind=self.kind)
            else:
                self.error = tr("the backend did not start: {reason}").format(reason=str(exc))
        except JobCancelled as exc:
            self.was_cancelled, self.error = True, str(exc)
        except JobFailed as exc:
            self.error = gui_words(str(exc))  # the dock's words, not the command line's flags
        except Exception as exc:  # noqa: BLE001 - a bug here must not become a traceback dialog
            self.error = f"{type(exc).__name__}: {exc}"
        return False

    def finished(self, ok: bool) -> None:  # main thread
        self.finished_ok = bool(ok)
        self.before = None  # what it held (a clone of a raster provider) goes now, not at exit
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
