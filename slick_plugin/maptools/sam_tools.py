"""SAM box and points tools: live rubber-band preview, Enter accepts, Ctrl+Z undoes, Esc clears.

Prompts are drawn in the canvas CRS and transformed to the scene raster's CRS with the
project's transform context before they reach the prompt handler; the project CRS is
never changed. Proposals come back in the raster's CRS and are shown through
``QgsRubberBand.setToGeometry(geometry, crs)``, which reprojects them for display.
"""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateTransform,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsWkbTypes,
)
from qgis.gui import QgsMapTool, QgsRubberBand, QgsVertexMarker
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QApplication

from ..i18n import tr
from ..layers.label_layer import layer_path
from ..layers.sources import label_key


def raster_under(canvas, point: QgsPointXY) -> QgsRasterLayer | None:
    """The top visible raster layer of the canvas that covers ``point`` (canvas CRS)."""
    settings = canvas.mapSettings()
    for layer in canvas.layers():
        if isinstance(layer, QgsRasterLayer) and layer.isValid():
            if settings.layerExtentToOutputExtent(layer, layer.extent()).contains(point):
                return layer
    return None


class SamTool(QgsMapTool):
    """Shared behaviour; subclasses collect the prompt."""

    SOURCE = "sam"
    proposalChanged = pyqtSignal(bool)  # a proposal is (not) on the canvas
    accepted = pyqtSignal(int)  # fid in the label layer
    failed = pyqtSignal(str)
    busy = pyqtSignal(bool)  # a prompt is on its way to SAM

    def __init__(self, canvas, history, handler=None, raster_getter=None) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.history = history
        self.handler = handler
        self.raster_getter = raster_getter  # () -> QgsRasterLayer | None (the panel's choice)
        self.raster: QgsRasterLayer | None = None
        self.proposal: QgsGeometry | None = None
        self._pending = 0  # ticket of the newest prompt; older answers are ignored
        self._quiet = -1  # ticket of a quiet prompt still on its way
        self.preview = QgsRubberBand(canvas, QgsWkbTypes.PolygonGeometry)
        self.preview.setColor(QColor(0, 200, 255, 200))
        self.preview.setFillColor(QColor(0, 200, 255, 50))
        self.preview.setWidth(2)
        self.setCursor(Qt.CrossCursor)

    # --- coordinates ---------------------------------------------------------------------
    def pick_raster(self, canvas_point: QgsPointXY) -> QgsRasterLayer | None:
        layer = self.raster_getter() if self.raster_getter else None
        return layer if layer is not None else raster_under(self.canvas, canvas_point)

    def to_raster(self) -> QgsCoordinateTransform:
        return QgsCoordinateTransform(
            self.canvas.mapSettings().destinationCrs(), self.raster.crs(), QgsProject.instance().transformContext()
        )

    # --- proposals -----------------------------------------------------------------------
    def request(self, box: QgsRectangle | None, points: list[tuple[QgsPointXY, int]], quiet: bool = False) -> None:
        """Ask the handler (prompt already in raster CRS) and preview the answer.

        A handler with ``start()`` answers in the background (the real backend); one with
        only ``propose()`` answers at once (tests, simple handlers). A ``quiet`` prompt that finds
        nothing or fails leaves the proposal shown as it was, without a warning.
        """
        if self.handler is None:
            self.failed.emit(tr("no SAM prompt handler: start the backend first"))
            return
        self._pending += 1
        ticket = self._pending
        self._quiet = ticket if quiet else -1
        if hasattr(self.handler, "start"):
            try:
                self.busy.emit(True)
                self.handler.start(self.raster, box, points, lambda geoms, error: self._answer(ticket, geoms, error))
            except Exception as exc:  # noqa: BLE001 - e.g. the backend cannot start
                self._answer(ticket, [], str(exc))
            return
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            geometries, error = self.handler.propose(self.raster, box, points), ""
        except Exception as exc:  # noqa: BLE001 - backend or network: a message, never a traceback
            geometries, error = [], str(exc)
        finally:
            QApplication.restoreOverrideCursor()
        self._answer(ticket, geometries, error)

    def _answer(self, ticket: int, geometries: list, error: str) -> None:
        if ticket != self._pending:  # a newer prompt (or a clear) came since: drop this answer
            return
        quiet, self._quiet = ticket == self._quiet, -1
        self.busy.emit(False)
        if quiet and (error or not geometries):
            return
        if error:
            self.failed.emit(tr("SAM prompt failed: {reason}").format(reason=error))
            return
        self.set_proposal(QgsGeometry.unaryUnion(geometries) if geometries else None)
        if not geometries:
            self.failed.emit(tr("SAM found no slick for this prompt; try another box or more points"))

    @property
    def waiting_quietly(self) -> bool:
        """The newest prompt is a quiet one and its answer has not come yet."""
        return self._quiet == self._pending

    def set_proposal(self, geometry: QgsGeometry | None) -> None:
        self.proposal = geometry if geometry is not None and not geometry.isEmpty() else None
        if self.proposal is None:
            self.preview.reset(QgsWkbTypes.PolygonGeometry)
        else:
            self.preview.setToGeometry(self.proposal, self.raster.crs())  # reprojected for display
        self.proposalChanged.emit(self.proposal is not None)

    def scene_name(self) -> str:
        # the file name: one of the keys the backend's prepare matches a label's `scene` with
        return label_key(layer_path(self.raster)) if self.raster is not None else ""

    def accept(self) -> int | None:
        """Put the proposal into the label layer (committed); None if there was nothing."""
        if self.proposal is None or self.raster is None:
            return None
        try:
            fid = self.history.accept(self.proposal, self.raster.crs(), self.scene_name(), self.SOURCE)
        except Exception as exc:  # noqa: BLE001 - layer problems are shown, the proposal stays
            self.failed.emit(tr("could not save the outline: {reason}").format(reason=str(exc)))
            return None
        self.clear()
        self.accepted.emit(fid)
        return fid

    def undo(self) -> int | None:
        self.clear()
        return self.history.undo()

    def clear(self) -> None:
        self._pending += 1  # an answer still on its way must not reappear
        self.busy.emit(False)
        self.set_proposal(None)

    # --- keys and life cycle ------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        key = event.key()
        if key in (Qt.Key_Return, Qt.Key_Enter):
            self.accept()
        elif key == Qt.Key_Escape:
            self.clear()
        elif key == Qt.Key_Z and event.modifiers() & Qt.ControlModifier:
            self.undo()
        else:
            event.ignore()
            return
        event.accept()

    def deactivate(self) -> None:
        self.clear()
        super().deactivate()

    def remove_bands(self) -> None:
        self.clear()
        self.canvas.scene().removeItem(self.preview)


class SamBoxTool(SamTool):
    """Drag a box around a slick."""

    SOURCE = "sam_box"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.start: QgsPointXY | None = None
        self.box_band = QgsRubberBand(self.canvas, QgsWkbTypes.PolygonGeometry)
        self.box_band.setColor(QColor(255, 170, 0, 220))
        self.box_band.setFillColor(QColor(255, 170, 0, 20))
        self.box_band.setWidth(1)

    def canvasPressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.LeftButton:
            self.start = self.toMapCoordinates(event.pos())

    def canvasMoveEvent(self, event) -> None:  # noqa: N802
        if self.start is not None:
            rect = QgsRectangle(self.start, self.toMapCoordinates(event.pos()))
            self.box_band.setToGeometry(QgsGeometry.fromRect(rect), None)

    def canvasReleaseEvent(self, event) -> None:  # noqa: N802
        if self.start is None or event.button() != Qt.LeftButton:
            return
        end = self.toMapCoordinates(event.pos())
        start, self.start = self.start, None
        self.prompt_box(QgsRectangle(start, end))

    def prompt_box(self, canvas_rect: QgsRectangle) -> None:
        """Prompt with a box given in canvas CRS (what a drag produces)."""
        self.box_band.setToGeometry(QgsGeometry.fromRect(canvas_rect), None)
        if canvas_rect.width() <= 0 or canvas_rect.height() <= 0:
            return
        self.raster = self.pick_raster(canvas_rect.center())
        if self.raster is None:
            self.failed.emit(tr("draw the box over a Sentinel-1 scene layer"))
            return
        self.request(self.to_raster().transformBoundingBox(canvas_rect), [])

    def clear(self) -> None:
        self.box_band.reset(QgsWkbTypes.PolygonGeometry)
        super().clear()

    def remove_bands(self) -> None:
        super().remove_bands()
        self.canvas.scene().removeItem(self.box_band)


class SamPointsTool(SamTool):
    """Left click: slick (foreground); right click: not slick (background)."""

    SOURCE = "sam_points"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.points: list[tuple[QgsPointXY, int]] = []  # canvas CRS
        self.markers: list[QgsVertexMarker] = []

    def canvasReleaseEvent(self, event) -> None:  # noqa: N802
        label = {Qt.LeftButton: 1, Qt.RightButton: 0}.get(event.button())
        if label is not None:
            self.add_point(self.toMapCoordinates(event.pos()), label)

    def add_point(self, canvas_point: QgsPointXY, label: int) -> None:
        if not self.points:
            self.raster = self.pick_raster(canvas_point)
            if self.raster is None:
                self.failed.emit(tr("click on a Sentinel-1 scene layer"))
                return
        self.points.append((QgsPointXY(canvas_point), int(label)))
        marker = QgsVertexMarker(self.canvas)
        marker.setCenter(canvas_point)
        marker.setColor(QColor(0, 200, 80) if label else QColor(230, 40, 40))
        marker.setIconType(QgsVertexMarker.ICON_CIRCLE if label else QgsVertexMarker.ICON_X)
        marker.setIconSize(12)
        marker.setPenWidth(3)
        self.markers.append(marker)
        transform = self.to_raster()
        self.request(None, [(transform.transform(p), lab) for p, lab in self.points])

    def clear(self) -> None:
        for marker in self.markers:
            self.canvas.scene().removeItem(marker)
        self.markers, self.points = [], []
        super().clear()
