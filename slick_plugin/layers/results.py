"""Put a job's result files on the map: one layer group per run, layers styled.

Layers keep the CRS of their files; QGIS reprojects them on the fly, and the project CRS
is never touched.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsLayerTreeGroup, QgsProject, QgsRasterLayer, QgsVectorLayer

from ..i18n import tr
from .styles import style_centrelines, style_outlines, style_probability

# The backend's layer names (slick_backend.vectorize LAYER / CENTRELINE_LAYER): a predict
# GeoPackage holds both, so a layer is always opened by its name, never as "the first one".
OUTLINE_LAYER = "slicks"
CENTRELINE_LAYER = "centrelines"


def outline_source(path: str) -> str:
    """The QGIS data source of the outlines in a result file (``path|layername=slicks`` for a GeoPackage)."""
    return f"{path}|layername={OUTLINE_LAYER}" if path.lower().endswith(".gpkg") else path


def centreline_source(outlines: str) -> str:
    """The data source of the centrelines that go with an outlines file or source: the
    ``centrelines`` layer of the same GeoPackage, else the ``<stem>_centrelines`` sibling file."""
    path = Path(outlines.split("|")[0])
    if path.suffix.lower() == ".gpkg":
        return f"{path}|layername={CENTRELINE_LAYER}"
    return str(path.with_name(f"{path.stem}_{CENTRELINE_LAYER}{path.suffix}"))


def result_paths(result: dict) -> dict[str, str]:
    """Probability raster, mask raster and outlines among a result's paths.

    The backend names them ``*_prob.tif``, ``*_mask.tif`` and ``*_slicks.gpkg``; keys are
    tried first, file names second, so small naming changes do not break the plugin. The
    outlines come as a layer source (outline_source): a GeoPackage also holds the centrelines.
    """
    found: dict[str, str] = {}
    strings = {k: v for k, v in result.items() if isinstance(v, str)}
    for key, value in strings.items():
        low_key, low = key.lower(), value.lower()
        if CENTRELINE_LAYER in low_key or f"_{CENTRELINE_LAYER}." in low:  # the sibling file, not the outlines
            continue
        if low.endswith((".tif", ".tiff")):
            if "prob" in low_key or low.endswith(("_prob.tif", "_prob.tiff")):
                found.setdefault("prob", value)
            elif "mask" in low_key or low.endswith("_mask.tif"):
                found.setdefault("mask", value)
        elif low.endswith((".gpkg", ".geojson", ".shp")) and ("slick" in low_key or "outline" in low_key or "vector" in low_key or "slicks" in low):
            found.setdefault("outlines", outline_source(value))
    return found


RESULT_PROPERTY = "slick/result"  # marks layers the plugin made from results (not scenes)


def is_result_layer(layer) -> bool:
    return bool(layer.customProperty(RESULT_PROPERTY, False))


def _group(project: QgsProject, name: str) -> QgsLayerTreeGroup:
    root = project.layerTreeRoot()
    return root.insertGroup(0, name)


def add_result_group(
    result: dict, name: str, threshold: float = 0.5, project: QgsProject | None = None
) -> tuple[QgsLayerTreeGroup, list]:
    """Group with the styled outlines, their centrelines (when the result has them) and the
    probability raster (if any); returns the layers, the outlines first."""
    project = project or QgsProject.instance()
    paths = result_paths(result)
    if not paths:
        raise ValueError(tr("the result has no raster or outline files: {result}").format(result=result))
    group = _group(project, name)
    layers = []
    if "outlines" in paths:
        vector = QgsVectorLayer(paths["outlines"], tr("slick outlines"), "ogr")
        if vector.isValid():
            style_outlines(vector)
            vector.setCustomProperty(RESULT_PROPERTY, True)
            project.addMapLayer(vector, False)
            group.addLayer(vector)
            layers.append(vector)
        lines = QgsVectorLayer(centreline_source(paths["outlines"]), tr("slick centrelines"), "ogr")
        if lines.isValid():  # outputs of older backends have none
            style_centrelines(lines)
            lines.setCustomProperty(RESULT_PROPERTY, True)
            project.addMapLayer(lines, False)
            group.addLayer(lines)
            layers.append(lines)
    raster_key = "prob" if "prob" in paths else "mask"
    if raster_key in paths:
        label = tr("slick probability") if raster_key == "prob" else tr("slick mask")
        raster = QgsRasterLayer(paths[raster_key], label, "gdal")
        if raster.isValid():
            if raster_key == "prob":
                style_probability(raster, threshold)
            else:
                style_probability(raster, 0.5)
            raster.setCustomProperty(RESULT_PROPERTY, True)
            project.addMapLayer(raster, False)
            group.addLayer(raster)
            layers.append(raster)
    if not layers:
        raise ValueError(tr("none of the result files could be opened: {paths}").format(paths=", ".join(paths.values())))
    return group, layers


def unique_prefix(folder: str, stem: str) -> str:
    """``folder/stem`` or ``folder/stem_2``... so a new run never overwrites an older one."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    candidate, n = Path(folder) / stem, 1
    while any(Path(folder).glob(candidate.name + "_*")) or candidate.exists():
        n += 1
        candidate = Path(folder) / f"{stem}_{n}"
    return str(candidate)
