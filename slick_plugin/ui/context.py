"""What the panels share: the backend manager, messages, running tasks, the model list."""

from __future__ import annotations

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..backend.background import Background
from ..i18n import tr
from ..log import Notifier
from ..maptools.history import LabelHistory
from ..tasks.job_task import JobTask


class SlickContext(QObject):
    modelsChanged = pyqtSignal(list)  # [{"name", "path", "card"}, ...]
    samModelsChanged = pyqtSignal(list)  # /health's sam_models: names and prompt / SamLoRA model dirs
    taskStarted = pyqtSignal(object)  # JobTask

    def __init__(self, iface, manager, parent=None) -> None:
        super().__init__(parent)
        self.iface = iface
        self.manager = manager
        self.notifier = Notifier(iface)
        self.history = LabelHistory(self)
        self.models: list[dict] = []
        self.tasks: list[JobTask] = []  # Python references keep running tasks alive
        self.background = Background(self)
        self._models_pending = self._models_again = False
        manager.died.connect(self.notifier.error)
        manager.failed.connect(lambda reason: self.notifier.backend_error(tr("Starting the backend"), reason))

    @property
    def settings(self):
        return self.manager.settings

    def run_job(self, request, on_done=None, on_error=None, before=None, check=None) -> JobTask | None:
        """Validate on the main thread, then run the job in a QgsTask (which waits for the
        backend in its own thread when it is still starting). ``check`` is validated instead of
        ``request`` when the request's inputs are written by ``before`` (in the task)."""
        try:
            (check or request).validate()
        except ValueError as exc:
            self.notifier.warning(str(exc))
            return None
        self.manager.ensure_started()

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

        task = JobTask(self.manager, request, done, failed, before=before)
        self.tasks = [t for t in self.tasks if _alive(t)] + [task]
        QgsApplication.taskManager().addTask(task)
        self.taskStarted.emit(task)
        return task

    def refresh_models(self, *_args) -> list[dict]:
        """Ask GET /models and the SAM model list in the background (starting the backend if
        needed); modelsChanged and samModelsChanged carry the answers. Returns the models known now."""
        if self._models_pending:
            self._models_again = True  # asked while a list was on its way: ask once more after it
            return self.models
        self._models_pending, self._models_again = True, False
        self.manager.ensure_started()
        manager = self.manager

        def fetch() -> tuple[list[dict], list[str]]:
            client = manager.wait_client()
            return client.models(), [str(m) for m in client.health().get("sam_models", [])]

        def done(answer) -> None:
            models, sam_models = answer
            self._models_pending = False
            self.models = list(models)
            self.modelsChanged.emit(self.models)
            self.samModelsChanged.emit(sam_models)
            if self._models_again:
                self.refresh_models()

        def failed(exc) -> None:
            self._models_pending = False
            if manager.state != "error":  # a start failure was told already
                self.notifier.backend_error(tr("Listing models"), exc)

        self.background.run(fetch, done, failed, name="slick-models")
        return self.models


def _alive(task: JobTask) -> bool:
    try:
        return task.status() not in (JobTask.Complete, JobTask.Terminated)
    except RuntimeError:  # the C++ task is already deleted
        return False
