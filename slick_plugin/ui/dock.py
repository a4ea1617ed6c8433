"""The Slick dock: backend status (device, restart, settings, help) over four panels."""

from __future__ import annotations

from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtGui import QDesktopServices, QIcon
from qgis.PyQt.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..backend.client import BackendError
from ..i18n import tr, tr_noop
from ..settings import HELP_URL, PLUGIN_DIR
from .evaluate_panel import EvaluatePanel
from .label_panel import LabelPanel
from .predict_panel import PredictPanel
from .train_panel import TrainPanel

STATE_TEXT = {
    "stopped": tr_noop("stopped (starts on first use)"),
    "starting": tr_noop("starting..."),
    "ready": tr_noop("ready"),
    "died": tr_noop("stopped unexpectedly; restarting"),
    "error": tr_noop("not running (see the message bar)"),
}


class SlickDock(QDockWidget):
    def __init__(self, ctx, open_settings, parent=None) -> None:
        super().__init__(tr("Slick: oil slicks"), parent)
        self.setObjectName("SlickDock")
        self.ctx = ctx
        body = QWidget()
        self.device_label = QLabel()
        self.device_label.setWordWrap(True)
        self.state_label = QLabel()
        self.start_button = QPushButton(tr("Start backend"))
        self.start_button.clicked.connect(self.start_backend)
        settings_button = QPushButton(tr("Settings"))
        settings_button.clicked.connect(open_settings)
        help_button = QPushButton(tr("Help"))
        help_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl(HELP_URL)))
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(settings_button)
        row.addWidget(help_button)
        self.tabs = QTabWidget()
        self.label_panel = LabelPanel(ctx)
        self.train_panel = TrainPanel(ctx)
        self.evaluate_panel = EvaluatePanel(ctx)
        self.predict_panel = PredictPanel(ctx)
        icons = PLUGIN_DIR / "resources"
        for panel, icon, title in (
            (self.label_panel, "label.svg", tr("Label")),
            (self.train_panel, "train.svg", tr("Train")),
            (self.evaluate_panel, "evaluate.svg", tr("Evaluate")),
            (self.predict_panel, "predict.svg", tr("Predict")),
        ):
            scroll = QScrollArea()  # small screens: the panel scrolls instead of squeezing
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.NoFrame)
            scroll.setWidget(panel)
            self.tabs.addTab(scroll, QIcon(str(icons / icon)), title)
        layout = QVBoxLayout(body)
        layout.addWidget(self.device_label)
        layout.addWidget(self.state_label)
        layout.addLayout(row)
        layout.addWidget(self.tabs, 1)
        self.setWidget(body)
        ctx.manager.stateChanged.connect(self.show_state)
        ctx.manager.deviceChanged.connect(self.show_device)
        self.show_state(ctx.manager.state)
        self.show_device(ctx.manager.device)

    def show_panel(self, panel) -> None:
        for i in range(self.tabs.count()):
            if self.tabs.widget(i).widget() is panel:
                self.tabs.setCurrentIndex(i)

    def show_device(self, device: str) -> None:
        self.device_label.setText(tr("Device: {device}").format(device=device))

    def show_state(self, state: str) -> None:
        self.state_label.setText(tr("Backend: {state}").format(state=tr(STATE_TEXT.get(state, state))))
        self.start_button.setText(tr("Restart backend") if state == "ready" else tr("Start backend"))
        if state == "ready":
            self.after_ready()

    def after_ready(self) -> None:
        """Fill the model lists and SAM choices from the fresh backend."""
        health = self.ctx.manager.health
        self.label_panel.set_sam_models([str(m) for m in health.get("sam_models", [])])
        self.ctx.refresh_models()

    def start_backend(self) -> None:
        try:
            if self.ctx.manager.is_running():
                self.ctx.manager.restart()
            else:
                self.ctx.manager.ensure()
        except BackendError as exc:
            self.ctx.notifier.backend_error(tr("Starting the backend"), exc)

    def unload(self) -> None:
        self.label_panel.unload()
