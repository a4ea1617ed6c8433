"""What the panels share: the backend manager, messages, running tasks, the model list."""

from __future__ import annotations

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..backend.client import BackendClient, BackendError
from ..i18n import tr
from ..log import Notifier
from ..maptools.history import LabelHistory
from ..tasks.job_task import JobTask


class SlickContext(QObject):
    modelsChanged = pyqtSignal(list)  # [{"name", "path", "card"}, ...]
    taskStarted = pyqtSignal(object)  # JobTask

    def __init__(self, iface, manager, parent=None) -> None:
        super().__init__(parent)
        self.iface = iface
        self.manager = manager
        self.notifier = Notifier(iface)
        self.history = LabelHistory(self)
        self.models: list[dict] = []
        self.tasks: list[JobTask] = []  # Python references keep running tasks alive
        manager.died.connect(self.notifier.error)

    @property
    def settings(self):
        return self.manager.settings

    def client(self) -> BackendClient | None:
        """A healthy backend (started on first use), or None after telling the user why."""
        try:
            return self.manager.ensure()
        except BackendError as exc:
            self.notifier.backend_error(tr("Starting the backend"), exc)
            return None

    def run_job(self, request, on_done=None, on_error=None) -> JobTask | None:
        """Validate on the main thread, then run the job in a QgsTask."""
        try:
            request.validate()
        except ValueError as exc:
            self.notifier.warning(str(exc))
            return None
        client = self.client()
        if client is None:
            return None

        def failed(message: str, cancelled: bool) -> None:
            if cancelled:
                self.notifier.info(message)
            else:
                self.notifier.error(tr("{title} failed: {reason}").format(title=request.title(), reason=message))
            if on_error:
                on_error(message, cancelled)

        def done(result: dict) -> None:
            self.notifier.success(tr("{title} finished").format(title=request.title()))
            if on_done:
                on_done(result)

        task = JobTask(client, request, done, failed)
        self.tasks = [t for t in self.tasks if _alive(t)] + [task]
        QgsApplication.taskManager().addTask(task)
        self.taskStarted.emit(task)
        return task

    def refresh_models(self) -> list[dict]:
        client = self.client()
        if client is None:
            return self.models
        try:
            self.models = client.models()
        except BackendError as exc:
            self.notifier.backend_error(tr("Listing models"), exc)
            return self.models
        self.modelsChanged.emit(self.models)
        return self.models


def _alive(task: JobTask) -> bool:
    try:
        return task.status() not in (JobTask.Complete, JobTask.Terminated)
    except RuntimeError:  # the C++ task is already deleted
        return False
