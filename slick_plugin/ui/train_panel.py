"""Train panel: scenes + labels + architecture -> one prepare-and-train job -> a new model."""

from __future__ import annotations

import time
from pathlib import Path

from qgis.core import QgsMapLayerProxyModel
from qgis.gui import QgsCollapsibleGroupBox, QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..layers.label_layer import layer_path
from ..tasks.params import PrepareTrainRequest
from .model_card import card_html
from .widgets import JobProgress, LayerChecklist

BACKBONES = {
    "deeplabv3": ["resnet50", "resnet101", "resnet34", "resnet18", "mobilenet_v2"],
    "samlora": ["vit_b", "vit_l", "vit_tiny"],
    "samsvd": ["vit_b", "vit_l", "vit_tiny"],
}


class TrainPanel(QWidget):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.scenes = LayerChecklist()
        self.labels = QgsMapLayerComboBox()
        self.labels.setFilters(QgsMapLayerProxyModel.PolygonLayer)
        self.arch = QComboBox()
        self.arch.addItems(list(BACKBONES))
        self.backbone = QComboBox()
        self.arch.currentTextChanged.connect(self._arch_changed)
        self._arch_changed(self.arch.currentText())
        self.init = QComboBox()
        self.init.addItem(tr("base (generic weights)"), "base")
        self.init.addItem(tr("transfer (from a model)"), "transfer")
        self.source = QComboBox()
        self.init.currentIndexChanged.connect(lambda _i: self.source.setEnabled(self.init.currentData() == "transfer"))
        self.source.setEnabled(False)
        self.tile = QComboBox()
        self.tile.addItems(["256", "512"])
        self.pixel = QComboBox()
        self.pixel.addItems(["25", "10"])
        for combo in (self.tile, self.pixel):  # the paper's values; others may be typed in
            combo.setEditable(True)
        self.lr = QLineEdit()
        self.lr.setPlaceholderText(tr("automatic (learning-rate range test)"))
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 500)
        self.epochs.setValue(100)
        self.epochs.setToolTip(tr("Maximum epochs; training stops early when validation loss stops improving"))
        self.random_init = QCheckBox(tr("Allow random initialisation (no pretrained weights installed)"))
        self.light = QCheckBox(tr("Light model (faster on CPU)"))
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("model name (default: date and time)"))
        self.train_button = QPushButton(tr("Train"))
        self.train_button.clicked.connect(self.train)
        self.progress = JobProgress()
        self.models = QListWidget()
        self.models.currentItemChanged.connect(self._show_card)
        self.card = QTextBrowser()
        refresh = QPushButton(tr("Refresh models"))
        refresh.clicked.connect(self.ctx.refresh_models)
        ctx.modelsChanged.connect(self.set_models)

        form = QFormLayout()
        form.addRow(tr("Scenes"), self.scenes)
        form.addRow(tr("Labels"), self.labels)
        form.addRow(tr("Architecture"), self.arch)
        form.addRow(tr("Backbone"), self.backbone)
        form.addRow(tr("Initialisation"), self.init)
        form.addRow(tr("Source model"), self.source)
        form.addRow(tr("Tile (px)"), self.tile)
        form.addRow(tr("Pixel size (m)"), self.pixel)
        form.addRow(tr("Name"), self.name)
        self.advanced = QgsCollapsibleGroupBox(tr("Advanced"))
        self.advanced.setCollapsed(True)
        more = QFormLayout(self.advanced)
        more.addRow(tr("Epochs (max)"), self.epochs)
        more.addRow(tr("Learning rate"), self.lr)
        more.addRow("", self.random_init)
        more.addRow("", self.light)
        self.models.setMaximumHeight(90)
        self.card.setMinimumHeight(150)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.advanced)
        layout.addWidget(self.train_button)
        layout.addWidget(self.progress)
        layout.addWidget(QLabel(tr("Models")))
        layout.addWidget(self.models)
        layout.addWidget(self.card, 1)
        layout.addWidget(refresh)

    def _arch_changed(self, arch: str) -> None:
        self.backbone.clear()
        self.backbone.addItems(BACKBONES.get(arch, []))

    def request(self) -> PrepareTrainRequest:
        name = self.name.text().strip() or time.strftime("slick_%Y%m%d_%H%M%S")
        labels = self.labels.currentLayer()
        return PrepareTrainRequest(
            scenes=[layer_path(layer) for layer in self.scenes.checked_layers()],
            labels=layer_path(labels) if labels is not None else "",
            dataset=str(Path(self.ctx.settings.work_dir) / "datasets" / name),
            out=str(Path(self.ctx.settings.models_dir) / name),
            arch=self.arch.currentText(),
            backbone=self.backbone.currentText(),
            init=self.init.currentData(),
            source=self.source.currentData() if self.init.currentData() == "transfer" else None,
            pixel_size=float(self.pixel.currentText()),
            tile=int(self.tile.currentText()),
            epochs=self.epochs.value(),
            allow_random_init=self.random_init.isChecked(),
            light=self.light.isChecked(),
            lr=float(self.lr.text()) if self.lr.text().strip() else None,
        )

    def train(self):
        try:
            request = self.request()
        except ValueError:
            self.ctx.notifier.warning(tr("tile, pixel size and learning rate must be numbers"))
            return None
        labels = self.labels.currentLayer()
        if labels is not None and labels.isEditable() and labels.isModified():
            labels.commitChanges(False)  # the backend reads the file: save pending hand edits
        task = self.ctx.run_job(request, on_done=self._trained)
        if task is not None:
            self.progress.attach(task)
        return task

    def _trained(self, result: dict) -> None:
        models = self.ctx.refresh_models()
        out = result.get("model_dir")
        for i, entry in enumerate(models):
            if out and str(entry.get("path")) == str(out):
                self.models.setCurrentRow(i)

    def set_models(self, models: list[dict]) -> None:
        self.models.clear()
        self.source.clear()
        for entry in models:
            item = QListWidgetItem(str(entry.get("name")))
            item.setData(Qt.UserRole, entry)
            self.models.addItem(item)
            if not entry.get("error"):
                self.source.addItem(str(entry.get("name")), str(entry.get("path")))

    def _show_card(self, item, _previous=None) -> None:
        self.card.setHtml(card_html(item.data(Qt.UserRole), tr) if item is not None else "")
