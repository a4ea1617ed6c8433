"""Evaluate panel: run an experiment config, then show Fig. 2 and the table; open report.html."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import Qt, QUrl
from qgis.PyQt.QtGui import QDesktopServices, QPixmap
from qgis.PyQt.QtWidgets import (
    QFormLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..settings import PLUGIN_DIR
from ..tasks.params import ExperimentRequest
from .widgets import JobProgress


def default_config() -> str:
    for folder in (PLUGIN_DIR.parent / "configs", PLUGIN_DIR / "configs"):
        if (folder / "experiment-small.toml").exists():
            return str(folder / "experiment-small.toml")
    return ""


def find_outputs(result: dict, out_dir: str) -> dict[str, str]:
    """fig2.png, the table (CSV) and report.html, from the result or else the output dir."""
    found: dict[str, str] = {}
    for value in (v for v in result.values() if isinstance(v, str)):
        name = Path(value).name.lower()
        if name.endswith(".png") and "fig2" in name:
            found.setdefault("figure", value)
        elif name.endswith(".html"):
            found.setdefault("report", value)
        elif name.endswith(".csv") and "table" in name:
            found.setdefault("table", value)
    folder = Path(result.get("out") or out_dir)
    for key, pattern in (("figure", "**/fig2*.png"), ("report", "**/report.html"), ("table", "**/table*.csv")):
        if key not in found:
            match = sorted(folder.glob(pattern))
            if match:
                found[key] = str(match[0])
    return found


class EvaluatePanel(QWidget):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.outputs: dict[str, str] = {}
        self.config = QgsFileWidget()
        self.config.setFilter(tr("Experiment config (*.toml)"))
        self.config.setFilePath(default_config())
        self.run_button = QPushButton(tr("Run experiment"))
        self.run_button.clicked.connect(self.run)
        self.progress = JobProgress()
        self.figure = QLabel(tr("Fig. 2 appears here when the experiment is done."))
        self.figure.setAlignment(Qt.AlignCenter)
        self.figure.setWordWrap(True)
        self.figure.setMinimumHeight(160)
        self.table = QTableWidget()
        self.report_button = QPushButton(tr("Open report.html"))
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.open_report)
        form = QFormLayout()
        form.addRow(tr("Config"), self.config)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.run_button)
        layout.addWidget(self.progress)
        layout.addWidget(self.figure, 1)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.report_button)

    def request(self) -> ExperimentRequest:
        config = self.config.filePath()
        out = Path(self.ctx.settings.work_dir) / "experiments" / time.strftime(f"{Path(config).stem}_%Y%m%d_%H%M%S")
        return ExperimentRequest(config=config, out_dir=str(out))

    def run(self):
        request = self.request()
        task = self.ctx.run_job(request, on_done=lambda result: self.show_results(result, request.out_dir))
        if task is not None:
            self.progress.attach(task)
        return task

    def show_results(self, result: dict, out_dir: str = "") -> None:
        self.outputs = find_outputs(result, out_dir)
        if "figure" in self.outputs:
            pixmap = QPixmap(self.outputs["figure"])
            self.figure.setPixmap(pixmap.scaledToWidth(max(200, self.width() - 20), Qt.SmoothTransformation))
        if "table" in self.outputs:
            self.load_table(self.outputs["table"])
        self.report_button.setEnabled("report" in self.outputs)

    def load_table(self, path: str) -> None:
        with open(path, newline="") as handle:
            rows = list(csv.reader(handle))
        if not rows:
            return
        self.table.setColumnCount(len(rows[0]))
        self.table.setHorizontalHeaderLabels(rows[0])
        self.table.setRowCount(len(rows) - 1)
        for r, row in enumerate(rows[1:]):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def open_report(self) -> None:
        if "report" in self.outputs:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.outputs["report"]))
