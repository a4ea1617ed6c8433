"""Label panel: scene and label layers, the SAM box / points tools, accept, undo, clear."""

from __future__ import annotations

import dataclasses
from pathlib import Path, PurePath

from qgis.core import (
    QgsCoordinateTransform,
    QgsGeometry,
    QgsMapLayerProxyModel,
    QgsProject,
    QgsVectorLayer,
)
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon, QKeySequence
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QShortcut,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..layers.clip import ClipError, view_clip
from ..layers.label_layer import configure_label_layer, create_label_layer, fill_scene, layer_path
from ..layers.results import result_paths, unique_prefix
from ..layers.sources import scene_name
from ..layers.styles import style_labels
from ..maptools.candidates import CandidateTool, is_covered, join_pieces
from ..maptools.prompts import BackendSamHandler
from ..maptools.sam_tools import SamBoxTool, SamPointsTool, raster_under
from ..settings import DEFAULT_SAM_MODEL, PLUGIN_DIR
from ..tasks.params import PredictRequest
from . import model_choices
from .widgets import fitting


def geometries_in(layer, crs) -> list[QgsGeometry]:
    """Every feature's geometry of ``layer``, transformed to ``crs``."""
    transform = QgsCoordinateTransform(layer.crs(), crs, QgsProject.instance().transformContext())
    out = []
    for feature in layer.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(transform)
        out.append(geometry)
    return out


def icon(name: str) -> QIcon:
    return QIcon(str(PLUGIN_DIR / "resources" / name))


def sam_model_label(value: str) -> str:
    """What the SAM model list shows: a name as it is, a model folder or checkpoint by its name."""
    return PurePath(value).name if ("/" in value or "\\" in value) else value


class LabelPanel(QWidget):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        canvas = ctx.iface.mapCanvas()
        self.handler = BackendSamHandler(ctx.manager, ctx.settings.sam_model)
        self.scene_combo = fitting(QgsMapLayerComboBox())
        self.scene_combo.setFilters(QgsMapLayerProxyModel.RasterLayer)
        self.scene_combo.setAllowEmptyLayer(True)
        self.scene_combo.setToolTip(tr("Scene SAM segments; empty: the top scene under the cursor"))
        self.label_combo = fitting(QgsMapLayerComboBox())
        self.label_combo.setFilters(QgsMapLayerProxyModel.PolygonLayer)
        self.label_combo.layerChanged.connect(self._label_layer_changed)
        self.new_button = QPushButton(tr("New..."))
        self.new_button.setToolTip(tr("Create a GeoPackage label layer (scene, source, created, note)"))
        self.new_button.clicked.connect(self.new_label_layer)
        self.model_combo = fitting(QComboBox())
        self.model_combo.setEditable(True)  # a checkpoint path may be typed in
        first = ctx.settings.sam_model or DEFAULT_SAM_MODEL
        self.model_combo.addItem(sam_model_label(first), first)
        self.model_combo.currentTextChanged.connect(self._model_changed)
        ctx.samModelsChanged.connect(self.set_sam_models)

        self.box_tool = SamBoxTool(canvas, ctx.history, self.handler, self.scene_combo.currentLayer)
        self.points_tool = SamPointsTool(canvas, ctx.history, self.handler, self.scene_combo.currentLayer)
        self.box_button = self._tool_button(self.box_tool, "sam_box.svg", tr("SAM box: drag a box around a slick"))
        self.points_button = self._tool_button(
            self.points_tool, "sam_points.svg", tr("SAM points: left click on the slick, right click on water")
        )
        # Slicks in view: a segmentation model's outlines as candidates, stepped through with keys
        self.candidate_tool = CandidateTool(canvas, ctx.history, self.handler, self.scene_combo.currentLayer)
        self.proposal_model = fitting(QComboBox())
        self.proposal_model.setToolTip(tr("The segmentation model whose outlines are offered as candidates"))
        ctx.modelsChanged.connect(lambda models: model_choices.fill_combo(self.proposal_model, models))
        self.candidates_button = QPushButton(icon("predict.svg"), tr("Slicks in view"))
        self.candidates_button.setToolTip(tr("Find candidate slicks in the map view, then Enter accepts, Delete "
                                             "rejects, a click refines, N skips"))
        self.candidates_button.clicked.connect(self.find_candidates)
        self.refine_candidates = QCheckBox(tr("Refine candidates with the SAM model"))
        self.refine_candidates.setToolTip(tr("When a candidate is shown, the SAM model outlines it again from its box; "
                                             "untick to keep the segmentation model's own outlines"))
        self.refine_candidates.setChecked(self.candidate_tool.auto_refine)
        self.refine_candidates.toggled.connect(lambda on: setattr(self.candidate_tool, "auto_refine", on))
        self.candidate_task = None
        self.manual_button = QPushButton(icon("label.svg"), tr("Draw by hand"))
        self.manual_button.clicked.connect(self.draw_by_hand)
        self.accept_button = QPushButton(tr("Accept (Enter)"))
        self.undo_button = QPushButton(tr("Undo (Ctrl+Z)"))
        self.clear_button = QPushButton(tr("Clear (Esc)"))
        self.accept_button.clicked.connect(self.accept)
        self.undo_button.clicked.connect(self.undo)
        self.clear_button.clicked.connect(lambda: self.active_tool().clear())
        self.status = QLabel(tr("Pick a label layer, then a SAM tool."))
        self.status.setWordWrap(True)
        # Ctrl+Z also when the focus is in this panel ("Accept (Enter)" leaves it here), not only on the map
        self.undo_shortcut = QShortcut(QKeySequence.Undo, self)
        self.undo_shortcut.setContext(Qt.WidgetWithChildrenShortcut)
        self.undo_shortcut.activated.connect(self.undo)
        self.undo_shortcut.activatedAmbiguously.connect(self.undo)  # QGIS's own Edit > Undo shares the keys
        self.candidate_tool.stepped.connect(lambda *_: self.status.setText(self.candidate_tool.status_text()))
        for tool in (self.box_tool, self.points_tool, self.candidate_tool):
            tool.failed.connect(self.ctx.notifier.warning)
            tool.proposalChanged.connect(lambda present, tool=tool: self._proposal_changed(present, tool))
            tool.accepted.connect(self._accepted)
            tool.busy.connect(lambda on, tool=tool: self._busy(on, tool))
        ctx.history.changed.connect(lambda n: self.undo_button.setEnabled(n > 0))
        ctx.history.undone.connect(self._undone)
        self._hand_layer = None  # the label layer whose hand-drawn polygons get their scene
        self._layout()
        self._label_layer_changed(self.label_combo.currentLayer())
        self._proposal_changed(False)
        self.undo_button.setEnabled(False)

    def _tool_button(self, tool, icon_name: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(icon(icon_name))
        button.setToolTip(tip)
        button.setCheckable(True)
        button.toggled.connect(lambda on: self.activate(tool) if on else None)
        tool.deactivated.connect(lambda: button.setChecked(False))
        return button

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(tr("Scene"), self.scene_combo)
        row = QHBoxLayout()
        row.addWidget(self.label_combo, 1)
        row.addWidget(self.new_button)
        form.addRow(tr("Label layer"), row)
        form.addRow(tr("SAM model"), self.model_combo)
        proposals = QHBoxLayout()
        proposals.addWidget(self.proposal_model, 1)
        proposals.addWidget(self.candidates_button)
        form.addRow(tr("Proposals from"), proposals)
        form.addRow("", self.refine_candidates)
        tools = QHBoxLayout()
        tools.addWidget(self.box_button)
        tools.addWidget(self.points_button)
        tools.addWidget(self.manual_button)
        tools.addStretch(1)
        actions = QHBoxLayout()
        for button in (self.accept_button, self.undo_button, self.clear_button):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(tools)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addStretch(1)

    # --- tools -------------------------------------------------------------------------------
    def active_tool(self):
        tool = self.ctx.iface.mapCanvas().mapTool()
        return tool if tool in (self.points_tool, self.candidate_tool) else self.box_tool

    def accept(self) -> None:
        """Accept the proposal; the keys (Enter, Esc, Ctrl+Z) go back to the map for the next one."""
        self.active_tool().accept()
        canvas = self.ctx.iface.mapCanvas()
        if canvas.mapTool() in (self.box_tool, self.points_tool, self.candidate_tool):
            canvas.setFocus()

    def undo(self) -> None:
        """Remove the last accepted outline (button, or Ctrl+Z on the map or in this panel)."""
        if len(self.ctx.history):
            self.active_tool().undo()

    def activate(self, tool) -> None:
        if self.ctx.history.label_layer is None:
            self.ctx.notifier.warning(tr("choose or create a label layer first"))
            (self.box_button if tool is self.box_tool else self.points_button).setChecked(False)
            return
        self.ctx.iface.mapCanvas().setMapTool(tool)
        self.ctx.iface.mapCanvas().setFocus()

    def find_candidates(self):
        """Run the chosen model over the part of the scene in view (written in the job's task),
        then step through its outlines with the candidate tool."""
        if self.ctx.history.label_layer is None:
            self.ctx.notifier.warning(tr("choose or create a label layer first"))
            return None
        canvas = self.ctx.iface.mapCanvas()
        scene = self.scene_combo.currentLayer() or raster_under(canvas, canvas.extent().center())
        model = self.proposal_model.currentData()
        if scene is None or model is None:
            self.ctx.notifier.warning(tr("choose a scene and a model for the proposals"))
            return None
        out = unique_prefix(str(Path(self.ctx.settings.work_dir) / "candidates"), scene_name(layer_path(scene)))
        try:
            writer = view_clip(scene, canvas, out + "_view.tif")
        except ClipError as exc:
            self.ctx.notifier.warning(str(exc))
            return None
        request = PredictRequest(model=model, scene=out + "_view.tif", out_prefix=out, adapt_bn=True)
        check = dataclasses.replace(request, scene=layer_path(scene))
        self.status.setText(tr("Finding slicks in view with {model}...").format(model=self.proposal_model.currentText()))
        self.candidate_task = self.ctx.run_job(request, on_done=lambda result: self.show_candidates(scene, result),
                                               before=writer, check=check)
        return self.candidate_task

    def show_candidates(self, scene, result: dict) -> int:
        """The outlines of a predict result as candidates on ``scene``; activates the candidate tool."""
        path = result_paths(result).get("outlines")
        layer = QgsVectorLayer(path, "candidates", "ogr") if path else None
        geometries = geometries_in(layer, scene.crs()) if layer is not None and layer.isValid() else []
        geometries = self._not_labelled_yet(scene, join_pieces(geometries, scene.crs()))
        self.ctx.iface.mapCanvas().setMapTool(self.candidate_tool)
        self.candidate_tool.set_candidates(scene, geometries)
        self.ctx.iface.mapCanvas().setFocus()
        return len(geometries)

    def _not_labelled_yet(self, scene, geometries: list) -> list:
        """Candidates less than half covered by outlines already in the label layer (scene CRS)."""
        labels = self.ctx.history.label_layer
        if labels is None or not geometries:
            return geometries
        done = geometries_in(labels, scene.crs())
        if not done:
            return geometries
        covered = QgsGeometry.unaryUnion(done)
        return [g for g in geometries if not is_covered(g, covered)]

    def draw_by_hand(self) -> None:
        layer = self.ctx.history.label_layer
        if layer is None:
            self.ctx.notifier.warning(tr("choose or create a label layer first"))
            return
        self.ctx.iface.setActiveLayer(layer)
        if not layer.isEditable():
            layer.startEditing()
        self.ctx.iface.actionAddFeature().trigger()

    def sam_model(self) -> str:
        """The chosen SAM model: a listed one (its name or folder), or what the analyst typed."""
        combo, text = self.model_combo, self.model_combo.currentText().strip()
        index = combo.currentIndex()
        if index >= 0 and combo.itemText(index) == text and combo.itemData(index):
            return str(combo.itemData(index))
        return text or DEFAULT_SAM_MODEL

    def _model_changed(self, _text: str = "") -> None:
        self.handler.model = self.sam_model()

    def set_sam_models(self, names: list[str]) -> None:
        """The backend's SAM models (the shipped prompt model first, the analyst's adapted ones
        next); the current choice stays chosen."""
        current = self.sam_model()
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for value in dict.fromkeys([current, *names]):
            self.model_combo.addItem(sam_model_label(value), value)
            self.model_combo.setItemData(self.model_combo.count() - 1, value, Qt.ToolTipRole)
        self.model_combo.setCurrentIndex(0)
        self.model_combo.blockSignals(False)
        self._model_changed()

    # --- label layer ---------------------------------------------------------------------------
    def _label_layer_changed(self, layer) -> None:
        self.ctx.history.label_layer = layer
        if self._hand_layer is not None:
            try:
                self._hand_layer.featureAdded.disconnect(self._feature_added)
            except (TypeError, RuntimeError):  # not connected, or the layer is gone
                pass
        self._hand_layer = layer
        if layer is not None:
            configure_label_layer(layer)
            layer.featureAdded.connect(self._feature_added)

    def _feature_added(self, fid: int) -> None:
        """A polygon drawn by hand (QGIS's digitising) gets its `scene` as SAM outlines do, so that
        training matches it to its scene (a NULL scene matches none)."""
        layer = self._hand_layer
        if layer is None:
            return
        chosen = self.scene_combo.currentLayer()
        tree = [node.layer() for node in QgsProject.instance().layerTreeRoot().findLayers()]
        fill_scene(layer, fid, ([chosen] if chosen is not None else []) + [lay for lay in tree if lay is not chosen])

    def new_label_layer(self, path: str | None = None) -> None:
        if not path:
            start = str(Path(self.ctx.settings.work_dir) / "slick_labels.gpkg")
            path, _ = QFileDialog.getSaveFileName(self, tr("New label layer"), start, "GeoPackage (*.gpkg)")
        if not path:
            return
        scene = self.scene_combo.currentLayer()
        crs = scene.crs() if scene is not None else self.ctx.iface.mapCanvas().mapSettings().destinationCrs()
        try:
            layer = create_label_layer(path, crs, Path(path).stem)
        except Exception as exc:  # noqa: BLE001
            self.ctx.notifier.error(str(exc))
            return
        style_labels(layer)
        QgsProject.instance().addMapLayer(layer)
        self.label_combo.setLayer(layer)
        return layer

    # --- feedback --------------------------------------------------------------------------
    def _speaks(self, tool) -> bool:
        """Only the map tool in use writes the status line (a late answer to another must not)."""
        return tool is None or self.ctx.iface.mapCanvas().mapTool() is tool

    def _proposal_changed(self, present: bool, tool=None) -> None:
        self.accept_button.setEnabled(present)
        self.clear_button.setEnabled(present or bool(self.points_tool.points))
        if not self._speaks(tool):
            return
        if present and tool is self.candidate_tool:  # its refinements keep "Candidate i of n" in view
            self.status.setText(self.candidate_tool.status_text())
        elif present:
            score = self.handler.last_score
            text = tr("Proposal shown: Enter to accept, Esc to clear.")
            if score is not None:
                text += " " + tr("SAM score {score:.2f}").format(score=float(score))
            self.status.setText(text)

    def _busy(self, on: bool, tool=None) -> None:
        if not self._speaks(tool):
            return
        if on:
            self.status.setText(tr("Asking SAM... (the first prompt on a scene also computes its embedding)"))
        elif tool is self.candidate_tool and self.candidate_tool.proposal is not None:
            self.status.setText(self.candidate_tool.status_text())  # also when SAM kept the outline

    def _accepted(self, fid: int) -> None:
        self.status.setText(tr("Outline saved in {layer} (feature {fid}); Ctrl+Z undoes it.").format(
            layer=self.ctx.history.label_layer.name(), fid=fid))

    def _undone(self, fid: int) -> None:
        left = len(self.ctx.history)
        text = tr("Outline {fid} removed.").format(fid=fid)
        text += " " + (tr("Ctrl+Z removes the one before.") if left else tr("Nothing more to undo."))
        self.status.setText(text)

    def unload(self) -> None:
        canvas = self.ctx.iface.mapCanvas()
        for tool in (self.box_tool, self.points_tool, self.candidate_tool):
            if canvas.mapTool() is tool:
                canvas.unsetMapTool(tool)
            tool.remove_bands()
