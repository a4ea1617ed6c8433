"""The Slick dock: backend status (device, restart, settings, help) over five panels."""

from __future__ import annotations

from qgis.PyQt.QtCore import QSize, Qt, QUrl
from qgis.PyQt.QtGui import QDesktopServices, QIcon
from qgis.PyQt.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr, tr_noop
from ..settings import HELP_URL, PLUGIN_DIR
from .atlas_panel import AtlasPanel
from .evaluate_panel import EvaluatePanel
from .label_panel import LabelPanel
from .predict_panel import PredictPanel
from .setup_panel import SetupPanel
from .train_panel import TrainPanel

STATE_TEXT = {
    "stopped": tr_noop("stopped (starts on first use)"),
    "starting": tr_noop("starting the backend... (QGIS stays usable)"),
    "ready": tr_noop("ready"),
    "died": tr_noop("stopped unexpectedly; restarting"),
    "error": tr_noop("not running (see the message bar)"),
}


class PanelScroll(QScrollArea):
    """A panel that scrolls vertically on small screens but never sideways: it asks for its
    panel's full minimum width, so the dock opens wide enough for every button and field."""

    def __init__(self, panel, parent=None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setWidget(panel)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        panel = self.widget().minimumSizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(panel.width() + bar + 2 * self.frameWidth(), min(panel.height(), 160))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = self.widget().sizeHint()
        return QSize(max(hint.width(), self.minimumSizeHint().width()) + self.verticalScrollBar().sizeHint().width(),
                     hint.height())


class SlickDock(QDockWidget):
    def __init__(self, ctx, open_settings, parent=None) -> None:
        super().__init__(tr("Slick: oil slicks"), parent)
        self.setObjectName("SlickDock")
        self.ctx = ctx
        body = QWidget()
        self.device_label = QLabel()
        self.device_label.setWordWrap(True)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.busy = QProgressBar()  # moves while the backend starts: QGIS is not frozen
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(8)
        self.busy.setTextVisible(False)
        self.busy.hide()
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
        self.setup_panel = SetupPanel(ctx)  # only while no backend Python is found (zip users)
        self.tabs = QTabWidget()
        self.tabs.setUsesScrollButtons(False)  # every tab in sight: the dock is as wide as the tabs
        self.tabs.setElideMode(Qt.ElideNone)
        self.label_panel = LabelPanel(ctx)
        self.train_panel = TrainPanel(ctx)
        self.evaluate_panel = EvaluatePanel(ctx)
        self.predict_panel = PredictPanel(ctx)
        self.atlas_panel = AtlasPanel(ctx)
        icons = PLUGIN_DIR / "resources"
        for panel, icon, title in (
            (self.label_panel, "label.svg", tr("Label")),
            (self.train_panel, "train.svg", tr("Train")),
            (self.evaluate_panel, "evaluate.svg", tr("Evaluate")),
            (self.predict_panel, "predict.svg", tr("Predict")),
            (self.atlas_panel, "atlas.svg", tr("Seep atlas")),
        ):
            self.tabs.addTab(PanelScroll(panel), QIcon(str(icons / icon)), title)
        layout = QVBoxLayout(body)
        layout.addWidget(self.device_label)
        layout.addWidget(self.state_label)
        layout.addWidget(self.busy)
        layout.addLayout(row)
        layout.addWidget(self.setup_panel)
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

    def settings_changed(self) -> None:
        self.setup_panel.refresh()

    def show_state(self, state: str) -> None:
        self.state_label.setText(tr("Backend: {state}").format(state=tr(STATE_TEXT.get(state, state))))
        self.start_button.setText(tr("Restart backend") if state in ("ready", "starting") else tr("Start backend"))
        self.busy.setVisible(state == "starting")
        if state == "ready":
            self.after_ready()
        elif state == "error":
            self.setup_panel.refresh()

    def after_ready(self) -> None:
        """Fill the model lists and SAM choices from the fresh backend."""
        self.ctx.refresh_models()  # and the SAM models (samModelsChanged)

    def start_backend(self) -> None:
        """Start, or restart a running backend; returns at once (the state line follows)."""
        if self.ctx.manager.is_active():
            self.ctx.manager.restart()
        else:
            self.ctx.manager.ensure_started()

    def unload(self) -> None:
        self.label_panel.unload()
