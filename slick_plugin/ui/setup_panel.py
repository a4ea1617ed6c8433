"""Set up the backend from the dock (zip users): shown when no backend Python is found."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from qgis.core import QgsApplication
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout

from ..backend.background import Background
from ..backend.setup import default_options, detect_torch
from ..i18n import tr
from ..tasks.setup_task import SetupTask
from .widgets import JobProgress


class SetupPanel(QGroupBox):
    """*Set up the backend*: an isolated Python environment in the QGIS profile, with the pinned
    requirements that ship in the plugin; pip's progress below; resumable; offline from wheels."""

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(tr("Set up the backend"), parent)
        self.ctx = ctx
        self.task: SetupTask | None = None
        self.requirements: Path | None = None  # None: the pinned requirements shipped with the plugin
        self.background = Background(self)
        intro = QLabel(tr("No backend Python is set. Slick can create its own Python environment in your QGIS "
                          "profile (QGIS's Python is not changed). With torch this is a download of a few GB."))
        intro.setWordWrap(True)
        self.torch = QComboBox()
        self.torch.addItem(tr("Automatic (detecting the GPU...)"), "auto")
        self.torch.addItem(tr("CPU only"), "cpu")
        self.torch.addItem(tr("NVIDIA GPU (CUDA)"), "cuda")
        self.wheels = QgsFileWidget()
        self.wheels.setStorageMode(QgsFileWidget.GetDirectory)
        self.wheels.setToolTip(tr("Offline sites: a folder of wheel files to install from instead of the internet"))
        self.button = QPushButton(tr("Set up the backend"))
        self.button.clicked.connect(self.start)
        self.progress = JobProgress()
        form = QFormLayout()
        form.addRow(tr("PyTorch"), self.torch)
        form.addRow(tr("Wheels (offline)"), self.wheels)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.button)
        layout.addWidget(self.progress)
        self._detected = False
        self.refresh()

    def needed(self) -> bool:
        s = self.ctx.settings
        return s.mode == "local" and not (s.python and Path(s.python).exists())

    def refresh(self) -> None:
        """Shown only while there is no backend Python (and while a setup runs)."""
        self.setVisible(self.needed() or self.task is not None)
        if self.needed():
            self._detect()

    def _detect(self) -> None:
        if self._detected:
            return
        self._detected = True

        def show(kind) -> None:
            self.torch.setItemText(0, tr("Automatic (detected: {kind})").format(kind="CUDA" if kind == "cuda" else "CPU"))

        self.background.run(detect_torch, show, lambda _exc: show("cpu"), name="slick-detect-gpu")  # nvidia-smi may take seconds

    def options(self):
        options = default_options(QgsApplication.qgisSettingsDirPath(), self.torch.currentData(),
                                  self.wheels.filePath() or None)
        if self.requirements is not None:
            options.requirements = Path(self.requirements)
        return options

    def start(self) -> SetupTask | None:
        if self.task is not None:
            return self.task
        self.task = SetupTask(self.options(), self._done, self._failed)
        self.button.setEnabled(False)
        self.progress.attach(self.task)
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def _done(self, result: dict) -> None:
        settings = dataclasses.replace(self.ctx.settings, python=result["python"])
        try:
            self.task = None
            self.button.setEnabled(True)
        except RuntimeError:  # the dock was closed meanwhile: the setup still counts
            pass
        settings.save()
        self.ctx.manager.apply_settings(settings)
        self.ctx.notifier.success(tr("The backend is set up ({device}); starting it.").format(device=result.get("device")))
        self.ctx.manager.ensure_started()
        try:
            self.refresh()
        except RuntimeError:
            pass

    def _failed(self, reason: str) -> None:
        try:
            self.task = None
            self.button.setEnabled(True)
        except RuntimeError:
            pass
        self.ctx.notifier.error(tr("Setting up the backend failed: {reason}").format(reason=reason))
