"""A checkable list of inputs: the project's layers that fit (kept in step with the project),
and files or folders the analyst added with a picker."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProject
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QListWidget, QListWidgetItem

LAYER_ROLE = Qt.UserRole
PATH_ROLE = Qt.UserRole + 1


class InputList(QListWidget):
    """Layers for which ``accepts(layer)`` is true, then the added paths; all are checkable."""

    def __init__(self, accepts, parent=None) -> None:
        super().__init__(parent)
        self.accepts = accepts
        self.setMaximumHeight(110)
        project = QgsProject.instance()
        project.layersAdded.connect(self.refresh)
        project.layersRemoved.connect(self.refresh)
        self.refresh()

    def _items(self):
        return [self.item(i) for i in range(self.count())]

    def refresh(self, *_args) -> None:
        checked = {item.data(LAYER_ROLE) for item in self._items() if item.checkState() == Qt.Checked}
        paths = [(item.data(PATH_ROLE), item.checkState()) for item in self._items() if item.data(PATH_ROLE)]
        self.clear()
        for layer in QgsProject.instance().mapLayers().values():
            if self.accepts(layer):
                self._add(layer.name(), layer.id(), None, Qt.Checked if layer.id() in checked else Qt.Unchecked)
        for path, state in paths:
            self._add(_path_text(path), None, path, state)

    def _add(self, text: str, layer_id, path, state) -> None:
        item = QListWidgetItem(text)
        item.setData(LAYER_ROLE, layer_id)
        item.setData(PATH_ROLE, path)
        item.setToolTip(path or text)
        item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
        item.setCheckState(state)
        self.addItem(item)

    def add_paths(self, paths) -> None:
        """Files or folders, checked; one already in the list is checked again, not repeated."""
        known = {item.data(PATH_ROLE): item for item in self._items() if item.data(PATH_ROLE)}
        for path in map(str, paths):
            if path in known:
                known[path].setCheckState(Qt.Checked)
            else:
                self._add(_path_text(path), None, path, Qt.Checked)

    def set_checked_layers(self, layer_ids) -> None:
        wanted = set(layer_ids)
        for item in self._items():
            if item.data(LAYER_ROLE):
                item.setCheckState(Qt.Checked if item.data(LAYER_ROLE) in wanted else Qt.Unchecked)

    def checked(self) -> list:
        """The checked entries, in list order: a layer, or a path (str) added by the analyst."""
        layers = QgsProject.instance().mapLayers()
        out = []
        for item in self._items():
            if item.checkState() != Qt.Checked:
                continue
            if item.data(PATH_ROLE):
                out.append(item.data(PATH_ROLE))
            elif item.data(LAYER_ROLE) in layers:
                out.append(layers[item.data(LAYER_ROLE)])
        return out


def _path_text(path: str) -> str:
    """A file by its name, a folder by its name and a slash (the whole path is the tooltip)."""
    return Path(path).name + ("/" if Path(path).is_dir() else "")
