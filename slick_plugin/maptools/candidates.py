"""Step through candidate slicks with the keyboard: accept, reject, refine with a click, next.

The candidates are the outlines a segmentation model found in the map view (the Label tab's
*Slicks in view*). Each is shown as the tool's proposal and, when it is first shown, refined by
the prompt model with its box alone (on simulated scenes its answer fits the slicks better than
the segmentation model's outline: benchmarks/bench_candidates_sim.py); if that answer is empty or
fails, the outline stays. A click refines it further (the candidate's box, loosened, plus the
click: left on the slick, right on water).

Keys: Enter accepts (into the label layer, source "proposal") and shows the next; Delete or
Backspace rejects it; N skips to the next, P goes back (Tab belongs to Qt's focus chain and
Space to QGIS's pan); Esc ends; Ctrl+Z undoes the last accepted outline.

A candidate at least half covered by an outline the analyst accepted is not offered any more:
the refined outline of one piece of a slick often takes in its other pieces, and accepting those
again would only stack copies of the slick in the label layer.
"""

from __future__ import annotations

from qgis.core import QgsCoordinateTransform, QgsGeometry, QgsPointXY, QgsRectangle
from qgis.PyQt.QtCore import Qt, pyqtSignal

from ..i18n import tr
from .sam_tools import SamTool

# A refining prompt's box: the candidate's extent loosened by this share of its size. Chosen on
# simulated validation scenes for the refinement of each candidate when shown (0 / 0.1 / 0.2 gave
# a mean Dice of 0.546 / 0.626 / 0.646 against 0.481 for the outlines themselves;
# benchmarks/bench_candidates_sim.py, docs/server-api.md); a click's prompt uses it too.
REFINE_MARGIN = 0.2
# Outline pieces this close are one candidate: the prompt model's training data joins pieces of a
# slick up to 4 px (100 m at its 25 m) apart into one slick (prompt/data.py, slick_parts).
JOIN_M = 100.0
COVERED_SHARE = 0.5  # a candidate this much inside accepted outlines is already labelled


def is_covered(geometry: QgsGeometry, covered: QgsGeometry | None) -> bool:
    """``geometry`` lies at least COVERED_SHARE inside ``covered`` (same CRS)."""
    if covered is None or covered.isEmpty() or not geometry.boundingBox().intersects(covered.boundingBox()):
        return False
    return geometry.intersection(covered).area() >= COVERED_SHARE * geometry.area()


def join_pieces(geometries: list[QgsGeometry], crs, distance_m: float = JOIN_M) -> list[QgsGeometry]:
    """Pieces less than ``distance_m`` apart merged into one (multi)polygon each, so one slick
    cut into fragments is one candidate; in a geographic CRS (degrees) they stay as they are."""
    pieces = [QgsGeometry(g) for g in geometries if g is not None and not g.isEmpty()]
    if len(pieces) < 2 or crs.isGeographic():
        return pieces
    parent = list(range(len(pieces)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    boxes = [g.boundingBox().buffered(distance_m) for g in pieces]
    for i in range(len(pieces)):
        for j in range(i + 1, len(pieces)):
            if boxes[i].intersects(pieces[j].boundingBox()) and pieces[i].distance(pieces[j]) <= distance_m:
                parent[root(i)] = root(j)
    groups: dict[int, list[QgsGeometry]] = {}
    for i, g in enumerate(pieces):
        groups.setdefault(root(i), []).append(g)
    return [members[0] if len(members) == 1 else QgsGeometry.unaryUnion(members) for members in groups.values()]


class CandidateTool(SamTool):
    SOURCE = "proposal"
    stepped = pyqtSignal(int, int)  # index of the candidate shown (-1: none left), candidates left

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.candidates: list[QgsGeometry] = []
        self.refined: list[bool] = []  # the prompt model has answered for this candidate
        self.index = -1
        self.auto_refine = True

    # --- the list ------------------------------------------------------------------------------
    def set_candidates(self, raster, geometries: list[QgsGeometry]) -> None:
        """Candidates in ``raster``'s CRS, largest first; shows the first."""
        self.raster = raster
        self.candidates = sorted((QgsGeometry(g) for g in geometries if g is not None and not g.isEmpty()),
                                 key=lambda g: -g.area())
        self.refined = [False] * len(self.candidates)
        self.index = 0 if self.candidates else -1
        self._show()

    def _show(self) -> None:
        self.clear()
        if self.index < 0 or not self.candidates:
            self.index = -1
            self.stepped.emit(-1, 0)
            return
        geometry = self.candidates[self.index]
        self.set_proposal(QgsGeometry(geometry))
        self._bring_into_view(geometry)
        self.stepped.emit(self.index, len(self.candidates))
        if self.auto_refine and not self.refined[self.index] and self.handler is not None:
            self.refined[self.index] = True
            box = QgsRectangle(geometry.boundingBox())
            box.grow(REFINE_MARGIN * max(box.width(), box.height()))
            self.request(box, [], quiet=True)  # an empty or failed answer keeps the outline

    def _bring_into_view(self, geometry: QgsGeometry) -> None:
        box = self.to_raster().transformBoundingBox(geometry.boundingBox(), QgsCoordinateTransform.ReverseTransform)
        if not self.canvas.extent().contains(box):
            self.canvas.setCenter(box.center())
            self.canvas.refresh()

    def step(self, delta: int) -> None:
        if self.candidates:
            self.index = (self.index + delta) % len(self.candidates)
            self._show()

    def _drop_current(self, covered: QgsGeometry | None = None) -> None:
        """The candidate shown leaves the list, and with ``covered`` (an accepted outline) so do
        the others it covers; the next one left is shown."""
        if 0 <= self.index < len(self.candidates):
            self.candidates.pop(self.index)
            self.refined.pop(self.index)
        if covered is not None:
            keep = [i for i, g in enumerate(self.candidates) if not is_covered(g, covered)]
            self.index = sum(1 for i in keep if i < self.index)  # the next one kept after the accepted
            self.candidates = [self.candidates[i] for i in keep]
            self.refined = [self.refined[i] for i in keep]
        if self.index >= len(self.candidates):
            self.index = 0
        self._show()

    def reject(self) -> None:
        self._drop_current()

    def accept(self) -> int | None:
        outline = QgsGeometry(self.proposal) if self.proposal is not None else None
        fid = super().accept()
        if fid is not None:
            self._drop_current(covered=outline)
        return fid

    def stop(self) -> None:
        """Esc: no more candidates."""
        self.candidates, self.refined, self.index = [], [], -1
        self.clear()
        self.stepped.emit(-1, 0)

    # --- refine with a click ---------------------------------------------------------------------
    def canvasReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.index < 0 or self.raster is None:
            return
        label = 1 if event.button() == Qt.LeftButton else 0 if event.button() == Qt.RightButton else None
        if label is None:
            return
        point = self.to_raster().transform(QgsPointXY(event.mapPoint()))
        box = QgsRectangle(self.candidates[self.index].boundingBox())
        box.grow(REFINE_MARGIN * max(box.width(), box.height()))
        self.request(box, [(point, label)])

    @property
    def refining(self) -> bool:
        """The prompt model's outline of the candidate shown is still on its way."""
        return self.waiting_quietly

    def _answer(self, ticket: int, geometries: list, error: str) -> None:
        super()._answer(ticket, geometries, error)
        if self.proposal is not None and 0 <= self.index < len(self.candidates):
            self.candidates[self.index] = QgsGeometry(self.proposal)  # the refined outline is the candidate now

    # --- keys ----------------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key_Delete, Qt.Key_Backspace):
            self.reject()
        elif key == Qt.Key_P or (key == Qt.Key_N and mods & Qt.ShiftModifier):
            self.step(-1)
        elif key == Qt.Key_N:
            self.step(1)
        elif key == Qt.Key_Escape:
            self.stop()
        else:
            super().keyPressEvent(event)  # Enter, Esc, Ctrl+Z
            return
        event.accept()

    def status_text(self) -> str:
        if self.index < 0:
            return tr("No candidates left.")
        return tr("Candidate {i} of {n}: Enter accepts, Delete rejects, a click refines, N skips.").format(
            i=self.index + 1, n=len(self.candidates))
