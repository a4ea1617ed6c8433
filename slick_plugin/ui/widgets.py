"""Small widgets the panels share: a job progress row, a checkable list of scene layers, the
probability threshold box."""

from __future__ import annotations

from qgis.core import QgsMapLayerType, QgsProject, QgsRasterLayer
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..layers.results import is_result_layer
from ..tasks.eta import Eta, eta_text


class JobProgress(QWidget):
    """Progress bar, the job's message with a time estimate and a Cancel button, bound to one
    JobTask at a time. When a job fails or is cancelled the bar goes back to empty."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.task = None
        self._eta, self._fraction = Eta(), 0.0
        self._text = ""
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        # two lines, always: the panel does not move when a message comes or goes (e.g. after Cancel)
        self.message.setFixedHeight(2 * self.message.fontMetrics().lineSpacing() + 4)
        self.message.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self._idle()

    def _idle(self) -> None:
        self.cancel_button.setEnabled(False)

    def attach(self, task) -> None:
        self.task = task
        self._eta, self._fraction = Eta(), 0.0
        self.bar.setValue(0)
        self._text = tr("{title}: queued").format(title=task.description())
        self.set_message(self._text)
        self.cancel_button.setEnabled(True)
        # bound methods: Qt drops the connections when this widget is deleted (dock closed)
        task.progressChanged.connect(self._progress)
        task.messageChanged.connect(self._message)
        task.taskCompleted.connect(self._completed)
        task.taskTerminated.connect(self._terminated)

    def _is_current(self) -> bool:
        return self.task is not None and self.sender() is self.task

    def _progress(self, value: float) -> None:
        if self._is_current():
            self._fraction = float(value) / 100.0
            self.bar.setValue(int(value))
            self._show()

    def _message(self, text: str) -> None:
        if self._is_current():
            self._text = text
            self._show()

    def _show(self) -> None:
        eta = eta_text(self._eta(self._fraction))
        self.set_message(f"{self._text} ({eta})" if eta and "ETA" not in self._text else self._text)

    def _completed(self) -> None:
        if self._is_current():
            self.bar.setValue(100)
            self._finished(tr("done"))

    def _terminated(self) -> None:
        if self._is_current():
            task = self.task
            self.bar.setValue(0)  # a failed or cancelled job leaves no half-full bar behind
            self._finished(getattr(task, "error", None) or tr("stopped"))

    def set_message(self, text: str) -> None:
        """At most two lines (elided; the whole text in the tooltip)."""
        self.message.setToolTip(text)
        fm, width = self.message.fontMetrics(), max(50, self.message.width() - 4)
        kept = shown = text
        while len(kept) > 8 and fm.boundingRect(0, 0, width, 10000, Qt.TextWordWrap, shown).height() > 2 * fm.lineSpacing():
            kept = kept[: int(len(kept) * 0.9)].rstrip()
            shown = kept + "…"
        self.message.setText(shown)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self.message.toolTip():
            self.set_message(self.message.toolTip())  # elide again for the new width

    def _finished(self, text: str) -> None:
        self.set_message(text)
        self.task = None
        self._idle()

    def cancel(self) -> None:
        if self.task is not None:
            self.set_message(tr("cancelling..."))
            self.task.cancel()


class LayerChecklist(QListWidget):
    """Scene layers of the project with check boxes (rasters, not the plugin's own results)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMaximumHeight(110)
        project = QgsProject.instance()
        project.layersAdded.connect(self.refresh)
        project.layersRemoved.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args) -> None:
        checked = set(self.checked_ids())
        self.clear()
        for layer in QgsProject.instance().mapLayers().values():
            if isinstance(layer, QgsRasterLayer) and layer.type() == QgsMapLayerType.RasterLayer and not is_result_layer(layer):
                item = QListWidgetItem(layer.name())
                item.setData(Qt.UserRole, layer.id())
                item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
                item.setCheckState(Qt.Checked if layer.id() in checked else Qt.Unchecked)
                self.addItem(item)

    def checked_ids(self) -> list[str]:
        return [self.item(i).data(Qt.UserRole) for i in range(self.count()) if self.item(i).checkState() == Qt.Checked]

    def set_checked(self, layer_ids) -> None:
        wanted = set(layer_ids)
        for i in range(self.count()):
            item = self.item(i)
            item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in wanted else Qt.Unchecked)

    def checked_layers(self) -> list[QgsRasterLayer]:
        layers = QgsProject.instance().mapLayers()
        return [layers[i] for i in self.checked_ids() if i in layers]


def threshold_box(value: float) -> QDoubleSpinBox:
    """0.05..0.95 in steps of 0.05; its minimum (0) reads "the model's threshold" (the model card's,
    chosen on validation data for the shipped models)."""
    box = QDoubleSpinBox()
    box.setRange(0.0, 0.95)
    box.setSingleStep(0.05)
    box.setSpecialValueText(tr("the model's threshold"))
    box.setValue(value)
    return box


def fitting(combo):
    """A combo box that does not widen the dock to its longest entry (long names are elided)."""
    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    return combo
