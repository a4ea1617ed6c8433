"""Accepted outlines and their undo: shared by the box and points tools."""

from __future__ import annotations

from qgis.core import QgsCoordinateReferenceSystem, QgsGeometry, QgsVectorLayer
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..layers.label_layer import add_label, delete_label


class LabelHistory(QObject):
    """Adds accepted polygons to the label layer (committed) and undoes them, newest first."""

    changed = pyqtSignal(int)  # how many accepted outlines can still be undone
    undone = pyqtSignal(int)  # fid of the outline an undo removed

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.label_layer: QgsVectorLayer | None = None
        self._stack: list[tuple[QgsVectorLayer, int]] = []

    def accept(self, geometry: QgsGeometry, crs: QgsCoordinateReferenceSystem, scene: str, source: str) -> int:
        if self.label_layer is None:
            raise RuntimeError("no label layer")
        fid = add_label(self.label_layer, geometry, crs, scene, source)
        self._stack.append((self.label_layer, fid))
        self.changed.emit(len(self._stack))
        return fid

    def undo(self) -> int | None:
        """Delete the last accepted outline; returns its fid (None when nothing to undo)."""
        while self._stack:
            layer, fid = self._stack.pop()
            try:
                deleted = delete_label(layer, fid)
            except RuntimeError:  # the layer was removed from the project meanwhile
                deleted = False
            self.changed.emit(len(self._stack))
            if deleted:
                self.undone.emit(fid)
                return fid
        return None

    def __len__(self) -> int:
        return len(self._stack)
