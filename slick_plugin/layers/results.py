"""Put a job's result files on the map: one layer group per run, layers styled.

Layers keep the CRS of their files; QGIS reprojects them on the fly, and the project CRS
is never touched.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsLayerTreeGroup, QgsProject, QgsRasterLayer, QgsVectorLayer

from ..i18n import tr
from .styles import style_outlines, style_probability


def result_paths(result: dict) -> dict[str, str]:
    """Probability raster, mask raster and outlines among a result's paths.

    The backend names them ``*_prob.tif``, ``*_mask.tif`` and ``*_slicks.gpkg``; keys are
    tried first, file names second, so small naming changes do not break the plugin.
    """
    found: dict[str, str] = {}
    strings = {k: v for k, v in result.items() if isinstance(v, str)}
    for key, value in strings.items():
        low_key, low = key.lower(), value.lower()
        if low.endswith((".tif", ".tiff")):
            if "prob" in low_key or low.endswith(("_prob.tif", "_prob.tiff")):
                found.setdefault("prob", value)
            elif "mask" in low_key or low.endswith("_mask.tif"):
                found.setdefault("mask", value)
        elif low.endswith((".gpkg", ".geojson", ".shp")) and ("slick" in low_key or "outline" in low_key or "vector" in low_key or "slicks" in low):
            found.setdefault("outlines", value)
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
    """Group with the styled probability raster (if any) and the outlines; returns the layers."""
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
