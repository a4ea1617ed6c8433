"""Small widgets the panels share: a job progress row, a checkable list of scene layers."""

from __future__ import annotations

from qgis.core import QgsMapLayerType, QgsProject, QgsRasterLayer
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..layers.results import is_result_layer


class JobProgress(QWidget):
    """Progress bar, the job's message and a Cancel button, bound to one JobTask at a time."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.task = None
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.message = QLabel()
        self.message.setWordWrap(True)
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
        self.bar.setValue(0)
        self.message.setText(tr("{title}: queued").format(title=task.description()))
        self.cancel_button.setEnabled(True)
        task.progressChanged.connect(lambda value: self.bar.setValue(int(value)))
        task.messageChanged.connect(self.message.setText)
        task.taskCompleted.connect(lambda: self._finished(tr("done")))
        task.taskTerminated.connect(lambda: self._finished(task.error or tr("stopped")))

    def _finished(self, text: str) -> None:
        if text == tr("done"):
            self.bar.setValue(100)
        self.message.setText(text)
        self.task = None
        self._idle()

    def cancel(self) -> None:
        if self.task is not None:
            self.message.setText(tr("cancelling..."))
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
