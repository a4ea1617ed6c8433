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
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..layers.label_layer import layer_path
from ..tasks.params import BACKBONES, PROMPT_MODEL_PIXEL_M, PrepareTrainRequest
from . import model_choices
from .model_card import card_html
from .widgets import JobProgress, LayerChecklist, fitting

# What the Train tab starts with, by the backend's device: on a CPU a fixed learning rate (the
# range test costs minutes before the first epoch) and fewer epochs; on a GPU the paper's recipe.
# A field the analyst changed is left alone.
DEFAULTS = {"cpu": {"epochs": 20, "lr": "0.0003"}, "cuda": {"epochs": 100, "lr": ""}}


class TrainPanel(QWidget):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._select: str | None = None  # a model dir to select once the model list has it
        self.scenes = LayerChecklist()
        self.labels = fitting(QgsMapLayerComboBox())
        self.labels.setFilters(QgsMapLayerProxyModel.PolygonLayer)
        self.arch = QComboBox()
        self.arch.addItems(list(BACKBONES))
        self.backbone = QComboBox()
        self.arch.currentTextChanged.connect(self._arch_changed)
        self._arch_changed(self.arch.currentText())
        self.decoder = fitting(QComboBox())
        self.decoder.addItem(tr("DeepLabv3 (ASPP)"), "aspp")
        self.decoder.addItem(tr("DeepLabv3+ (as the shipped source)"), "plus")
        self.init = QComboBox()
        self.init.addItem(tr("base (generic weights)"), "base")
        self.init.addItem(tr("transfer (from a model)"), "transfer")
        self.source = fitting(QComboBox())  # the shipped Slick Sentinel-1 source first: the default
        self.source.setToolTip(tr("Transfer takes the source model's architecture, backbone and decoder"))
        self.init.currentIndexChanged.connect(self._init_changed)
        self.source.currentIndexChanged.connect(self._show_source_arch)
        self._sources: dict[str, dict] = {}  # source value -> its card's "model" (arch, backbone, options)
        self._chosen: tuple[str, str, int] | None = None  # the analyst's own choice, back when base is chosen
        self._init_changed()
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
        self.epochs.setToolTip(tr("Maximum epochs; training stops early when validation loss stops improving"))
        self._defaults: dict = {}
        self._apply_defaults("cpu")  # until the backend says it has a GPU
        ctx.manager.deviceChanged.connect(self._device_changed)
        self.random_init = QCheckBox(tr("Allow random initialisation"))
        self.calibration = fitting(QComboBox())  # how Sentinel-1 products are read; predict repeats it
        self.calibration.addItem(tr("as delivered (amplitude)"), "none")
        self.calibration.addItem(tr("calibrated sigma0"), "sigma0")
        self.calibration.addItem(tr("calibrated sigma0, thermal noise removed"), "sigma0-denoised")
        self.calibration.setToolTip(tr(
            "For scenes opened as Sentinel-1 products: calibrate them with the product's own annotation, and "
            "remove the thermal noise that makes the sub-swath seams of EW HH scenes look like dark slicks. "
            "Models trained this way read products the same way when they predict."))
        self.random_init.setToolTip(tr("Train from random weights when no pretrained weights are installed"))
        self.light = QCheckBox(tr("Light model (faster on CPU)"))
        self.adapt_prompt = QCheckBox(tr("Adapt the labelling model to these labels"))
        self.adapt_prompt.setChecked(False)  # opt-in until it measures better (docs/plugin.md, Train)
        self.pixel.currentTextChanged.connect(self._pixel_changed)
        self._pixel_changed(self.pixel.currentText())
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("model name (default: date and time)"))
        self.train_button = QPushButton(tr("Train"))
        self.train_button.clicked.connect(self.train)
        self.progress = JobProgress()
        self.models = QListWidget()
        self.models.currentItemChanged.connect(self._show_card)
        self.card = QTextBrowser()
        self.refresh_button = QPushButton(tr("Refresh models"))
        self.refresh_button.clicked.connect(self.ctx.refresh_models)
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
        form.addRow(self.adapt_prompt)
        self.advanced = QgsCollapsibleGroupBox(tr("Advanced"))
        self.advanced.setCollapsed(True)
        more = QFormLayout(self.advanced)
        more.addRow(tr("Epochs (max)"), self.epochs)
        more.addRow(tr("Learning rate"), self.lr)
        more.addRow(tr("DeepLab decoder"), self.decoder)
        more.addRow(tr("Sentinel-1 products"), self.calibration)
        more.addRow(self.random_init)
        more.addRow(self.light)
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
        layout.addWidget(self.refresh_button)

    def _apply_defaults(self, device: str) -> None:
        wanted = DEFAULTS.get(device, DEFAULTS["cpu"])
        if wanted == self._defaults:
            return
        if not self._defaults or self.epochs.value() == self._defaults["epochs"]:
            self.epochs.setValue(wanted["epochs"])
        if not self._defaults or self.lr.text().strip() == self._defaults["lr"]:
            self.lr.setText(wanted["lr"])
        self._defaults = wanted

    def _device_changed(self, *_args) -> None:
        device = self.ctx.manager.health.get("device") if isinstance(self.ctx.manager.health, dict) else None
        kind = device.get("type") if isinstance(device, dict) else None
        if kind in ("cpu", "cuda"):
            self._apply_defaults(kind)

    def _pixel_changed(self, text: str) -> None:
        """The labelling model works at 25 m only: the choice is offered where it applies."""
        try:
            fits = abs(float(text) - PROMPT_MODEL_PIXEL_M) <= 0.01 * PROMPT_MODEL_PIXEL_M
        except ValueError:
            fits = False
        self.adapt_prompt.setEnabled(fits)
        self.adapt_prompt.setToolTip(
            tr("Also fine-tune the box and point labelling model on these labels (about 4 minutes more on a 2-core "
               "CPU). It appears as NAME-prompt in the Label tab's SAM model list; the shipped one stays the "
               "default.") if fits else
            tr("The labelling model works at {px:g} m: choose that pixel size to adapt it").format(px=PROMPT_MODEL_PIXEL_M))

    def _arch_changed(self, arch: str) -> None:
        self.backbone.clear()
        self.backbone.addItems(BACKBONES.get(arch, []))

    def _transfer(self) -> bool:
        return self.init.currentData() == "transfer"

    def _init_changed(self, *_args) -> None:
        """Transfer takes the source's architecture: its choices are greyed out and show the
        source's (not a default that will not be used); base gets the analyst's choice back."""
        self.source.setEnabled(self._transfer())
        for widget in (self.arch, self.backbone, self.decoder):
            widget.setEnabled(not self._transfer())
        if self._transfer():
            self._show_source_arch()
        elif self._chosen is not None:
            arch, backbone, decoder = self._chosen
            self.arch.setCurrentText(arch)
            self.backbone.setCurrentText(backbone)
            self.decoder.setCurrentIndex(decoder)
            self._chosen = None

    def _show_source_arch(self, *_args) -> None:
        model = self._sources.get(self.source.currentData()) if self._transfer() else None
        if not model:
            return
        if self._chosen is None:
            self._chosen = (self.arch.currentText(), self.backbone.currentText(), self.decoder.currentIndex())
        self.arch.setCurrentText(str(model.get("arch", "")))
        self.backbone.setCurrentText(str(model.get("backbone", "")))
        decoder = self.decoder.findData((model.get("options") or {}).get("decoder", "aspp"))
        if decoder >= 0:
            self.decoder.setCurrentIndex(decoder)

    def request(self) -> PrepareTrainRequest:
        name = self.name.text().strip() or time.strftime("slick_%Y%m%d_%H%M%S")
        labels = self.labels.currentLayer()
        return PrepareTrainRequest.of(
            scenes=[layer_path(layer) for layer in self.scenes.checked_layers()],
            labels=layer_path(labels) if labels is not None else "",
            dataset=str(Path(self.ctx.settings.work_dir) / "datasets" / name),
            out_dir=str(Path(self.ctx.settings.models_dir) / name),
            arch=None if self._transfer() else self.arch.currentText(),
            backbone=None if self._transfer() else self.backbone.currentText(),
            decoder=None if self._transfer() or self.arch.currentText() != "deeplabv3" else self.decoder.currentData(),
            init=self.init.currentData(),
            source=self.source.currentData() if self._transfer() else None,
            pixel_size=float(self.pixel.currentText()),
            tile=int(self.tile.currentText()),
            epochs=self.epochs.value(),
            allow_random_init=self.random_init.isChecked(),
            light=self.light.isChecked(),
            lr=float(self.lr.text()) if self.lr.text().strip() else None,
            calibration=self.calibration.currentData(),
            prompt_out_dir=str(Path(self.ctx.settings.models_dir) / f"{name}-prompt")
            if self.adapt_prompt.isEnabled() and self.adapt_prompt.isChecked() else None,
        )

    def confirm_replace(self, name: str) -> bool:
        """Ask before training over an existing model of the same name (tests replace this)."""
        answer = QMessageBox.question(
            self, tr("Replace the model?"),
            tr("A model named {name} already exists. Replace it and its dataset with the new ones? The old model "
               "stays until the new one is complete.").format(name=name),
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes

    def train(self):
        try:
            request = self.request()
        except ValueError:
            self.ctx.notifier.warning(tr("tile, pixel size and learning rate must be numbers"))
            return None
        name = Path(request.train.out_dir).name
        if Path(request.train.out_dir).exists() or (request.prompt_out_dir and Path(request.prompt_out_dir).exists()):
            if not self.confirm_replace(name):
                self.ctx.notifier.info(tr("not trained: choose another name to keep {name}").format(name=name))
                return None
            request.train.overwrite = request.prepare.overwrite = True
        elif Path(request.prepare.out_dir).exists():
            request.prepare.overwrite = True  # the dataset of an earlier try under this name that left no model
        labels = self.labels.currentLayer()
        if labels is not None and labels.isEditable() and labels.isModified():
            labels.commitChanges(False)  # the backend reads the file: save pending hand edits
        task = self.ctx.run_job(request, on_done=self._trained)
        if task is not None:
            self.progress.attach(task)
        return task

    def _trained(self, result: dict) -> None:
        self._select = result.get("model_dir")  # selected when the new model list comes back
        self.ctx.refresh_models()  # the SAM model list too: the adapted labelling model joins it
        if result.get("prompt_model_dir"):
            self.ctx.notifier.info(tr("the labelling model adapted to these labels is in the Label tab's SAM model "
                                      "list as {name}").format(name=Path(result["prompt_model_dir"]).name))
        elif result.get("prompt_error"):
            self.ctx.notifier.warning(tr("the model is trained, but the labelling model was not adapted: {reason}").format(
                reason=result["prompt_error"]))

    def set_models(self, models: list[dict]) -> None:
        current = self.models.currentItem()
        keep = self._select or (current.data(Qt.UserRole).get("path") if current is not None else None)
        self.models.clear()
        for entry in model_choices.ordered(models):
            item = QListWidgetItem(model_choices.label(entry))
            item.setData(Qt.UserRole, entry)
            self.models.addItem(item)
            if keep and str(entry.get("path")) == str(keep):
                self.models.setCurrentItem(item)
                if self._select:
                    self._select = None
        self._sources = {model_choices.value(m): (m.get("card") or {}).get("model") or {} for m in models}
        model_choices.fill_combo(self.source, models)
        self._show_source_arch()

    def _show_card(self, item, _previous=None) -> None:
        self.card.setHtml(card_html(item.data(Qt.UserRole), tr) if item is not None else "")
