"""The slick label layer: a GeoPackage polygon layer with scene, source, created and note.

Every change goes through the layer's edit buffer and is committed at once, so a
backend failure never loses what was drawn; a layer already in edit mode (the user is
digitising by hand) stays in edit mode.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDefaultValue,
    QgsEditorWidgetSetup,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDateTime, QVariant

from ..i18n import tr
from .sources import label_key

SOURCES = ("manual", "sam_box", "sam_points", "proposal")  # proposal: a model's candidate, accepted
FIELD_NAMES = ("scene", "source", "created", "note")


class LabelLayerError(Exception):
    pass


def label_fields() -> QgsFields:
    fields = QgsFields()
    fields.append(QgsField("scene", QVariant.String, "String", 254))
    fields.append(QgsField("source", QVariant.String, "String", 16))
    fields.append(QgsField("created", QVariant.DateTime, "DateTime"))
    fields.append(QgsField("note", QVariant.String, "String", 1024))
    return fields


def create_label_layer(path: str, crs: QgsCoordinateReferenceSystem, name: str = "slick_labels") -> QgsVectorLayer:
    """Write an empty GeoPackage polygon layer and open it (not added to the project)."""
    path = str(Path(path).with_suffix(".gpkg"))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = name
    writer = QgsVectorFileWriter.create(
        path, label_fields(), QgsWkbTypes.MultiPolygon, crs, QgsProject.instance().transformContext(), options
    )
    if writer.hasError():
        raise LabelLayerError(tr("cannot create {path}: {error}").format(path=path, error=writer.errorMessage()))
    del writer  # flushes and closes the file
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    if not layer.isValid():
        raise LabelLayerError(tr("{path} was written but cannot be opened").format(path=path))
    configure_label_layer(layer)
    return layer


def configure_label_layer(layer: QgsVectorLayer) -> None:
    """Defaults and widgets so hand-drawn polygons get source=manual and a timestamp; the feature
    form says that an empty scene is filled in (from the raster under the polygon, once added)."""
    idx = layer.fields().indexOf("scene")
    if idx >= 0:
        layer.setFieldAlias(idx, tr("scene (auto if empty)"))
    idx = layer.fields().indexOf("source")
    if idx >= 0:
        layer.setDefaultValueDefinition(idx, QgsDefaultValue("'manual'"))
        layer.setEditorWidgetSetup(idx, QgsEditorWidgetSetup("ValueMap", {"map": [{s: s} for s in SOURCES]}))
    idx = layer.fields().indexOf("created")
    if idx >= 0:
        layer.setDefaultValueDefinition(idx, QgsDefaultValue("now()"))


def scene_of(geometry: QgsGeometry, crs: QgsCoordinateReferenceSystem, rasters) -> str:
    """The value of the `scene` field for a polygon drawn by hand: the file name of the first
    raster (top first) under the polygon, as the SAM tools store it; "" when none is."""
    from qgis.core import QgsRasterLayer

    for raster in rasters:
        if not isinstance(raster, QgsRasterLayer) or not raster.isValid():
            continue
        geom = QgsGeometry(geometry)
        if crs != raster.crs():
            try:
                geom.transform(QgsCoordinateTransform(crs, raster.crs(), QgsProject.instance().transformContext()))
            except Exception:  # noqa: BLE001 - QgsCsException: not over this raster
                continue
        if geom.intersects(QgsGeometry.fromRect(raster.extent())):
            return label_key(layer_path(raster))
    return ""


def fill_scene(layer: QgsVectorLayer, fid: int, rasters) -> str:
    """Give a feature without a `scene` (drawn by hand) the scene under it, in the edit buffer."""
    idx = layer.fields().indexOf("scene")
    if idx < 0:
        return ""
    feature = layer.getFeature(fid)
    value = feature.attribute(idx) if feature.isValid() else None
    if not feature.isValid() or not feature.hasGeometry() or (value not in (None, "") and not _is_null(value)):
        return ""
    scene = scene_of(feature.geometry(), layer.crs(), rasters)
    if scene:
        layer.changeAttributeValue(fid, idx, scene)
    return scene


def _is_null(value) -> bool:
    return hasattr(value, "isNull") and value.isNull()


def has_label_fields(layer: QgsVectorLayer) -> bool:
    names = set(layer.fields().names())
    return all(name in names for name in FIELD_NAMES)


def layer_path(layer) -> str:
    """The file behind a layer (without |layername=... options)."""
    return layer.source().split("|")[0]


def to_layer_crs(geometry: QgsGeometry, source_crs: QgsCoordinateReferenceSystem, layer: QgsVectorLayer) -> QgsGeometry:
    geom = QgsGeometry(geometry)
    if source_crs != layer.crs():
        geom.transform(QgsCoordinateTransform(source_crs, layer.crs(), QgsProject.instance().transformContext()))
    return geom


def _commit(layer: QgsVectorLayer, keep_editing: bool) -> None:
    if not layer.commitChanges(not keep_editing):
        errors = "; ".join(layer.commitErrors())
        raise LabelLayerError(tr("saving {layer} failed: {errors}").format(layer=layer.name(), errors=errors))


def add_label(
    layer: QgsVectorLayer,
    geometry: QgsGeometry,
    crs: QgsCoordinateReferenceSystem,
    scene: str,
    source: str,
    note: str = "",
) -> int:
    """Add one polygon (given in ``crs``) through the edit buffer, commit, return its fid."""
    geom = to_layer_crs(geometry, crs, layer)
    if QgsWkbTypes.isMultiType(layer.wkbType()):
        geom.convertToMultiType()
    feature = QgsFeature(layer.fields())
    feature.setGeometry(geom)
    values = {"scene": scene, "source": source, "created": QDateTime.currentDateTime(), "note": note}
    for name, value in values.items():
        if layer.fields().indexOf(name) >= 0:
            feature[name] = value
    was_editing = layer.isEditable()
    if not was_editing and not layer.startEditing():
        raise LabelLayerError(tr("{layer} cannot be edited").format(layer=layer.name()))
    added: list[int] = []

    def grab(_layer_id, features):
        added.extend(f.id() for f in features)

    layer.committedFeaturesAdded.connect(grab)
    try:
        if not layer.addFeature(feature):
            layer.rollBack(not was_editing)
            raise LabelLayerError(tr("{layer} refused the polygon").format(layer=layer.name()))
        _commit(layer, was_editing)
    finally:
        layer.committedFeaturesAdded.disconnect(grab)
    if not added:
        raise LabelLayerError(tr("{layer}: the new polygon was not saved").format(layer=layer.name()))
    return added[-1]


def delete_label(layer: QgsVectorLayer, fid: int) -> bool:
    """Delete one feature through the edit buffer and commit; False if it was already gone."""
    if not layer.getFeature(fid).isValid():
        return False
    was_editing = layer.isEditable()
    if not was_editing:
        layer.startEditing()
    ok = layer.deleteFeature(fid)
    _commit(layer, was_editing)
    return ok
