"""Predict panel: model + scenes (or the current extent) -> layer group; a folder of scenes as one
batch job -> the merged outlines; baseline; export."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from qgis.core import QgsMapLayerProxyModel
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..layers.clip import ClipError, view_clip
from ..layers.export import FILE_FILTER, export_layer
from ..layers.label_layer import layer_path
from ..layers.results import add_result_group, unique_prefix
from ..layers.sources import scene_name
from ..tasks.params import BaselineRequest, BatchPredictRequest, PredictRequest
from . import model_choices
from .widgets import JobProgress, LayerChecklist, threshold_box


class PredictPanel(QWidget):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = QComboBox()
        self.scenes = LayerChecklist()
        self.extent_only = QCheckBox(tr("Only the current map extent"))
        self.threshold = threshold_box(ctx.settings.threshold)
        self.adapt = QCheckBox(tr("Adapt to each scene (no labels needed)"))
        self.adapt.setToolTip(tr(
            "Re-measure the model's normalisation statistics on each scene before predicting (AdaBN): "
            "no labels needed. docs/models.md gives what it changes on real mosaics."))
        self.adapt.setChecked(True)
        self.land_mask = QCheckBox(tr("No slicks over land (coastline + 1 km)"))
        self.land_mask.setToolTip(tr(
            "Land and the sea within 1 km of the coast (GSHHG full-resolution coastline) are left out: "
            "nodata in the probability and mask, no outline. docs/masks.md says how."))
        self.land_mask.setChecked(True)
        self.mask_layer = QgsMapLayerComboBox()
        self.mask_layer.setFilters(QgsMapLayerProxyModel.PolygonLayer | QgsMapLayerProxyModel.RasterLayer)
        self.mask_layer.setAllowEmptyLayer(True)
        self.mask_layer.setLayer(None)
        self.mask_layer.setToolTip(tr("Areas to leave out as well: sea ice, platforms, wind farms (polygons, "
                                      "or a raster whose non-zero pixels are masked)"))
        self.predict_button = QPushButton(tr("Predict"))
        self.predict_button.clicked.connect(self.predict)
        self.baseline_button = QPushButton(tr("Classic baseline"))
        self.baseline_button.setToolTip(tr("Adaptive-threshold dark-spot detector, for comparison"))
        self.baseline_button.clicked.connect(self.baseline)
        self.batch_button = QPushButton(tr("Predict many scenes..."))
        self.batch_button.setToolTip(tr(
            "Predict every scene of a folder (GeoTIFFs, Sentinel-1 .SAFE folders and .zip products) into an "
            "output folder, then add the outlines of them all. Choosing the same output folder again resumes."))
        self.batch_button.clicked.connect(lambda: self.predict_many())
        self.progress = JobProgress()
        self.export_layer = QgsMapLayerComboBox()
        self.export_layer.setFilters(QgsMapLayerProxyModel.PolygonLayer)
        self.export_button = QPushButton(tr("Export..."))
        self.export_button.clicked.connect(lambda: self.export())
        ctx.modelsChanged.connect(self.set_models)
        self.tasks: list = []
        self.added_groups: list = []

        form = QFormLayout()
        form.addRow(tr("Model"), self.model)
        form.addRow(tr("Scenes"), self.scenes)
        form.addRow("", self.extent_only)
        form.addRow(tr("Threshold"), self.threshold)
        form.addRow("", self.adapt)
        form.addRow("", self.land_mask)
        form.addRow(tr("Mask layer"), self.mask_layer)
        buttons = QHBoxLayout()
        buttons.addWidget(self.predict_button)
        buttons.addWidget(self.baseline_button)
        buttons.addWidget(self.batch_button)
        export = QHBoxLayout()
        export.addWidget(self.export_layer, 1)
        export.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        form2 = QFormLayout()
        form2.addRow(tr("Export outlines"), export)
        layout.addLayout(form2)
        layout.addStretch(1)

    def set_models(self, models: list[dict]) -> None:
        model_choices.fill_combo(self.model, models)

    def _scene_file(self, layer, out: str):
        """(scene file, writer): the scene's own file, or, with "current extent" ticked, the
        file the clip of the part in view will be written to by ``writer`` in the job's task."""
        if not self.extent_only.isChecked():
            return layer_path(layer), None
        path = out + "_extent.tif"
        return path, view_clip(layer, self.ctx.iface.mapCanvas(), path)

    def _out(self, kind: str, layer) -> str:
        folder = Path(self.ctx.settings.work_dir) / kind
        return unique_prefix(str(folder), scene_name(layer_path(layer)) + "_" + layer.name().replace(" ", "_"))

    def _mask_options(self) -> dict:
        layer = self.mask_layer.currentLayer()
        return {"land_mask": self.land_mask.isChecked(), "masks": [layer_path(layer)] if layer is not None else []}

    def _inputs(self, kind: str):
        """(layer, scene file, output prefix, writer) for each checked scene; with "current extent
        only" the scene file is a copy of the part in view, written in the job's own task (a scene
        outside the view is skipped)."""
        layers = self.scenes.checked_layers()
        if not layers:
            self.ctx.notifier.warning(tr("choose at least one scene layer"))
        for layer in layers:
            out = self._out(kind, layer)
            try:
                scene, writer = self._scene_file(layer, out)
            except ClipError as exc:
                self.ctx.notifier.warning(str(exc))
                continue
            yield layer, scene, out, writer

    def predict(self) -> list:
        if self.model.currentData() is None:
            self.ctx.notifier.warning(tr("no model: train one or refresh the model list"))
            return []
        started = []
        for layer, scene, out, writer in self._inputs("predictions"):
            request = PredictRequest(model=self.model.currentData(), scene=scene, out_prefix=out, threshold=self._threshold(),
                                     adapt_bn=self.adapt.isChecked(), **self._mask_options())
            check = dataclasses.replace(request, scene=layer_path(layer)) if writer else None
            name = tr("Slick: {model} on {scene}").format(model=self.model.currentText(), scene=layer.name())
            started.append(self._run(request, name, writer, check))
        return [t for t in started if t is not None]

    def predict_many(self, folder: str | None = None, out: str | None = None):
        """Every scene of ``folder`` into ``out`` as one backend job (asked with dialogs when not
        given); the merged outlines (DIR/slicks.gpkg) are added when it is done."""
        if self.model.currentData() is None:
            self.ctx.notifier.warning(tr("no model: train one or refresh the model list"))
            return None
        work = Path(self.ctx.settings.work_dir)
        folder = folder or QFileDialog.getExistingDirectory(self, tr("Folder of scenes to predict"), str(work))
        if not folder:
            return None
        if not out:
            (work / "batches").mkdir(parents=True, exist_ok=True)
            out = QFileDialog.getExistingDirectory(
                self, tr("Output folder (the same folder again resumes the batch)"), str(work / "batches"))
        if not out:
            return None
        request = BatchPredictRequest(model=self.model.currentData(), scenes=[folder], out_dir=out,
                                      threshold=self._threshold(), adapt_bn=self.adapt.isChecked(),
                                      **self._mask_options())
        name = tr("Slick: {model} on the scenes of {folder}").format(model=self.model.currentText(),
                                                                     folder=Path(folder).name)
        task = self.ctx.run_job(request, on_done=lambda result: self._batch_done(result, name))
        if task is not None:
            self.progress.attach(task)
            self.tasks.append(task)
        return task

    def _batch_done(self, result: dict, name: str) -> None:
        failed = result.get("failed") or []
        if failed:
            self.ctx.notifier.warning(tr("{n} of {total} scenes failed (see {status}); first: {error}").format(
                n=len(failed), total=result.get("scenes"), status=result.get("status"), error=failed[0].get("error")))
        if not result.get("outlines"):
            self.ctx.notifier.error(tr("no scene could be predicted; nothing to add"))
            return
        try:
            group, layers = add_result_group({"outlines": result["outlines"]}, name, self._threshold() or 0.5)
        except ValueError as exc:
            self.ctx.notifier.error(str(exc))
            return
        self.added_groups.append(group)
        self.export_layer.setLayer(layers[0])

    def baseline(self) -> list:
        started = []
        for layer, scene, out, writer in self._inputs("baseline"):
            request = BaselineRequest(scene=scene, out_prefix=out, **self._mask_options())
            check = dataclasses.replace(request, scene=layer_path(layer)) if writer else None
            started.append(self._run(request, tr("Slick: baseline on {scene}").format(scene=layer.name()), writer, check))
        return [t for t in started if t is not None]

    def _threshold(self) -> float | None:
        """None at the box's minimum ("the model's threshold"): the backend takes the model card's."""
        value = self.threshold.value()
        return None if value <= self.threshold.minimum() else value

    def _run(self, request, group_name: str, writer=None, check=None):
        threshold = self._threshold()

        def done(result: dict) -> None:
            try:
                group, layers = add_result_group(result, group_name, result.get("threshold") or threshold or 0.5)
            except ValueError as exc:
                self.ctx.notifier.error(str(exc))
                return
            self.added_groups.append(group)
            vectors = [lay for lay in layers if lay.type() == lay.VectorLayer]
            if vectors:
                self.export_layer.setLayer(vectors[0])

        task = self.ctx.run_job(request, on_done=done, before=writer, check=check)
        if task is not None:
            self.progress.attach(task)
            self.tasks.append(task)
        return task

    def export(self, path: str | None = None) -> str | None:
        layer = self.export_layer.currentLayer()
        if layer is None:
            self.ctx.notifier.warning(tr("no outline layer to export"))
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, tr("Export outlines"), self.ctx.settings.work_dir, FILE_FILTER)
        if not path:
            return None
        try:
            export_layer(layer, path)
        except Exception as exc:  # noqa: BLE001 - shown, not raised
            self.ctx.notifier.error(str(exc))
            return None
        self.ctx.notifier.success(tr("exported {n} outlines to {path}").format(n=layer.featureCount(), path=path))
        return path
