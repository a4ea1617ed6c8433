"""Seep atlas panel: outlines over many dates + the scenes that were looked at -> one backend
"atlas" job -> recurrence, sources and their ellipses on the map; a chart per source."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsMapLayerType, QgsRasterLayer, QgsVectorLayer, QgsWkbTypes
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import Qt, QUrl
from qgis.PyQt.QtGui import QDesktopServices, QPixmap
from qgis.PyQt.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..layers.atlas import add_atlas_group, chart_paths
from ..layers.label_layer import layer_path
from ..layers.results import is_result_layer, unique_prefix
from ..tasks.params import AtlasRequest, ParamsInvalid
from .input_list import InputList
from .widgets import JobProgress

OUTLINE_FILES = "*.gpkg *.shp *.geojson *.json"
SCENE_FILES = "*.tif *.tiff *.zip manifest.safe *.gpkg *.shp *.geojson"


def looks_like_outlines(layer) -> bool:
    """Slick outlines: a polygon layer with a ``scene`` field (predicted, batch or labelled)."""
    return (isinstance(layer, QgsVectorLayer) and layer.geometryType() == QgsWkbTypes.PolygonGeometry
            and layer.fields().indexOf("scene") >= 0)


def is_scene_layer(layer) -> bool:
    return isinstance(layer, QgsRasterLayer) and layer.type() == QgsMapLayerType.RasterLayer and not is_result_layer(layer)


def _spin(low: float, high: float, value: float, step: float, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(0)
    box.setSingleStep(step)
    box.setSuffix(" m")
    box.setValue(value)
    box.setToolTip(tip)
    return box


class AtlasPanel(QWidget):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.outlines = InputList(looks_like_outlines)
        self.outlines.setToolTip(tr("Slick outlines over many dates: polygon layers with a 'scene' field, e.g. the "
                                    "layer that Predict many scenes... adds"))
        self.coverage = InputList(is_scene_layer)
        self.coverage.setToolTip(tr("Every scene that was looked at, with or without slicks: the atlas tells "
                                    "'not seen' from 'no slick' by their footprints"))
        self.drift = QgsFileWidget()
        self.drift.setFilter(tr("Drift table (*.csv)"))
        self.drift.setToolTip(tr("Optional CSV with the columns scene and drift_to_deg (where the surface drift "
                                 "carries oil, degrees clockwise from north): a slick's origin is then its "
                                 "up-drift end"))
        self.cluster_m = _spin(100, 50000, 1500, 100, tr("Candidate origins (where slicks start: their up-drift or "
                                                         "narrow ends) closer than this chain into one cluster"))
        self.source_radius = _spin(50, 10000, 400, 50, tr("A source is made of the candidate origins this close to "
                                                          "a dense place of a cluster"))
        self.pixel_size = _spin(10, 5000, 100, 10, tr("The pixel size of the recurrence raster"))
        self.min_dates = QSpinBox()
        self.min_dates.setRange(1, 1000)
        self.min_dates.setValue(3)
        self.min_dates.setToolTip(tr("A source needs slicks on at least this many dates"))
        self.out = QgsFileWidget()
        self.out.setStorageMode(QgsFileWidget.GetDirectory)
        self.out.lineEdit().setPlaceholderText(tr("a new folder in the work folder"))
        self.build_button = QPushButton(tr("Build atlas"))
        self.build_button.clicked.connect(lambda: self.build())
        self.progress = JobProgress()
        self.sources = QListWidget()
        self.sources.setMaximumHeight(110)
        self.sources.currentItemChanged.connect(self._source_chosen)
        self.chart = QLabel(tr("The chart of the chosen source appears here when the atlas is done."))
        self.chart.setAlignment(Qt.AlignCenter)
        self.chart.setWordWrap(True)
        self.chart.setMinimumHeight(140)
        self.report_button = QPushButton(tr("Open report.html"))
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.open_report)
        self.task = None
        self.result: dict = {}
        self.charts: dict[int, str] = {}
        self.layers: dict = {}
        self.added_groups: list = []
        self._layout()

    def _layout(self) -> None:
        add_outlines = QPushButton(tr("Add files..."))
        add_outlines.clicked.connect(lambda: self.add_outline_files())
        add_scenes = QPushButton(tr("Add files..."))
        add_scenes.clicked.connect(lambda: self.add_coverage_files())
        add_folder = QPushButton(tr("Add folder..."))
        add_folder.clicked.connect(lambda: self.add_coverage_folder())
        scene_buttons = QHBoxLayout()
        scene_buttons.addWidget(add_scenes)
        scene_buttons.addWidget(add_folder)
        form = QFormLayout()
        form.addRow(tr("Outlines"), self.outlines)
        form.addRow("", add_outlines)
        form.addRow(tr("Scenes looked at"), self.coverage)
        form.addRow("", scene_buttons)
        form.addRow(tr("Drift table (optional)"), self.drift)
        form.addRow(tr("Clustering distance"), self.cluster_m)
        form.addRow(tr("Source radius"), self.source_radius)
        form.addRow(tr("Pixel size"), self.pixel_size)
        form.addRow(tr("Minimum dates"), self.min_dates)
        form.addRow(tr("Output folder"), self.out)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.build_button)
        layout.addWidget(self.progress)
        results = QFormLayout()
        results.addRow(tr("Sources"), self.sources)
        layout.addLayout(results)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.report_button)

    # --- inputs -------------------------------------------------------------------------------
    def add_outline_files(self, paths=None) -> None:
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(self, tr("Outline files"), self.ctx.settings.work_dir,
                                                    tr("Outlines ({patterns})").format(patterns=OUTLINE_FILES))
        self.outlines.add_paths(paths)

    def add_coverage_files(self, paths=None) -> None:
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(self, tr("Scenes that were looked at"), self.ctx.settings.work_dir,
                                                    tr("Scenes or footprints ({patterns})").format(patterns=SCENE_FILES))
        self.coverage.add_paths(paths)

    def add_coverage_folder(self, folder=None) -> None:
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, tr("Folder of scenes that were looked at"),
                                                      self.ctx.settings.work_dir)
        if folder:
            self.coverage.add_paths([folder])

    def _files(self, entries, provider: str, what: str) -> list[str]:
        """Paths of the checked entries; a layer must be a file the backend can read."""
        out = []
        for entry in entries:
            if isinstance(entry, str):
                out.append(entry)
            elif entry.providerType() != provider:
                raise ParamsInvalid(tr("{what} '{name}' is not a file: save it as a file first (e.g. Predict > "
                                       "Export outlines)").format(what=what, name=entry.name()))
            else:
                out.append(layer_path(entry))
        return out

    def request(self) -> AtlasRequest:
        """The job's params from the panel (ParamsInvalid in the dock's words when a layer is no file)."""
        out = self.out.filePath().strip() or unique_prefix(str(Path(self.ctx.settings.work_dir) / "atlas"), "atlas")
        return AtlasRequest(
            outlines=self._files(self.outlines.checked(), "ogr", tr("outline layer")),
            coverage=self._files(self.coverage.checked(), "gdal", tr("scene layer")),
            out_dir=out, drift=self.drift.filePath().strip(), pixel_size=self.pixel_size.value(),
            cluster_m=self.cluster_m.value(), source_radius_m=self.source_radius.value(),
            min_dates=self.min_dates.value())

    def confirm_replace(self, folder: str) -> bool:
        """Ask before building over a folder that holds files (tests replace this)."""
        answer = QMessageBox.question(
            self, tr("Replace the atlas?"),
            tr("{folder} is not empty. Replace what it holds with the new atlas?").format(folder=folder),
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes

    def build(self):
        try:
            request = self.request()
        except ParamsInvalid as exc:
            self.ctx.notifier.warning(str(exc))
            return None
        out = Path(request.out_dir)
        if out.is_dir():  # the folder picker's answer exists: the backend replaces it only when told
            if any(out.iterdir()) and not self.confirm_replace(request.out_dir):
                self.ctx.notifier.info(tr("no atlas built: choose another output folder to keep {folder}").format(
                    folder=request.out_dir))
                return None
            request.overwrite = True
        for layer in self.outlines.checked():
            if not isinstance(layer, str) and layer.isEditable() and layer.isModified():
                layer.commitChanges(False)  # the backend reads the file: save pending edits
        task = self.ctx.run_job(request, on_done=lambda result: self.show_atlas(result, request.out_dir))
        if task is not None:
            self.task = task
            self.progress.attach(task)
        return task

    # --- results ------------------------------------------------------------------------------
    def show_atlas(self, result: dict, out: str = "") -> None:
        """On the main thread: the layer group, the source list, the first source's chart."""
        try:
            group, layers = add_atlas_group(result, Path(result.get("out") or out).name)
        except ValueError as exc:
            self.ctx.notifier.error(str(exc))
            return
        self._follow_selection(None)
        self.result, self.layers, self.charts = result, layers, chart_paths(result)
        self.added_groups.append(group)
        self._fill_sources(layers.get("sources"))
        self._follow_selection(layers.get("sources"))
        self.report_button.setEnabled(Path(str(result.get("report") or "")).is_file())
        self.ctx.notifier.info(tr("{sources} seep sources from {slicks} slicks on {scenes} scenes").format(
            sources=result.get("n_sources", self.sources.count()), slicks=result.get("n_slicks", "?"),
            scenes=result.get("n_scenes", "?")))

    def _fill_sources(self, layer) -> None:
        self.sources.clear()
        features = sorted(layer.getFeatures(), key=lambda f: int(f["id"])) if layer is not None else []
        for feature in features:
            item = QListWidgetItem(tr("#{id}: {n} dates ({first} to {last})").format(
                id=feature["id"], n=feature["n_dates"], first=feature["first_date"], last=feature["last_date"]))
            item.setData(Qt.UserRole, int(feature["id"]))
            self.sources.addItem(item)
        if self.sources.count():
            self.sources.setCurrentRow(0)
        else:
            self.chart.setText(tr("No source: no place had slicks on enough dates."))

    def _follow_selection(self, layer) -> None:
        """Selecting a source on the map shows its chart (only the latest atlas is followed)."""
        old = self.layers.get("sources")
        if old is not None:
            try:
                old.selectionChanged.disconnect(self._map_selected)
            except (TypeError, RuntimeError):  # never connected, or the layer is gone
                pass
        if layer is not None:
            layer.selectionChanged.connect(self._map_selected)

    def _map_selected(self, *_args) -> None:
        selected = self.layers["sources"].selectedFeatures()
        if selected:
            self.select_source(int(selected[0]["id"]))

    def select_source(self, source_id: int) -> None:
        for row in range(self.sources.count()):
            if self.sources.item(row).data(Qt.UserRole) == source_id:
                self.sources.setCurrentRow(row)

    def _source_chosen(self, item, _previous=None) -> None:
        if item is not None:
            self.show_chart(item.data(Qt.UserRole))

    def show_chart(self, source_id: int) -> None:
        path = self.charts.get(source_id)
        pixmap = QPixmap(path) if path else QPixmap()
        if pixmap.isNull():
            self.chart.setText(tr("No chart for source {id}.").format(id=source_id))
            return
        self.chart.setPixmap(pixmap.scaledToWidth(max(200, self.width() - 20), Qt.SmoothTransformation))
        self.chart.setToolTip(path)

    def open_report(self) -> None:
        if self.result.get("report"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result["report"])))
