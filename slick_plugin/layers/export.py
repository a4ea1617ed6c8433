"""Export outlines (or labels) to GeoPackage, Shapefile or GeoJSON with QgsVectorFileWriter."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProject, QgsVectorFileWriter, QgsVectorLayer

from ..i18n import tr

DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON"}
FILE_FILTER = "GeoPackage (*.gpkg);;ESRI Shapefile (*.shp);;GeoJSON (*.geojson)"


class ExportError(Exception):
    pass


def export_layer(layer: QgsVectorLayer, path: str) -> str:
    """Write every feature with its attributes; the format follows the file extension."""
    suffix = Path(path).suffix.lower()
    if suffix not in DRIVERS:
        raise ExportError(tr("{path}: unknown format; use .gpkg, .shp or .geojson").format(path=path))
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = DRIVERS[suffix]
    options.fileEncoding = "UTF-8"
    if suffix == ".gpkg":
        options.layerName = Path(path).stem
    # V3 from QGIS 3.20 on; V2 (deprecated there) kept for older builds
    writer = getattr(QgsVectorFileWriter, "writeAsVectorFormatV3", None) or QgsVectorFileWriter.writeAsVectorFormatV2
    result = writer(layer, path, QgsProject.instance().transformContext(), options)
    error, message = result[0], result[1]
    if error != QgsVectorFileWriter.NoError:
        raise ExportError(tr("export to {path} failed: {message}").format(path=path, message=message))
    return path
