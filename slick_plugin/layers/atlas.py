"""The seep atlas on the map: one layer group with the recurrence raster, the sources (labelled
with their number of dates) and their uncertainty ellipses, each styled.

The backend writes them (slick_backend.atlas): recurrence.tif band 1 is the share of covering
scenes with a slick on the pixel (0..1, nodata -1 where no scene looked), sources.gpkg holds the
layers "sources" (points) and "ellipses" (polygons). Layers keep their files' CRS.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsColorRampShader,
    QgsFillSymbol,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsProject,
    QgsProperty,
    QgsRasterLayer,
    QgsSymbolLayer,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor

from ..i18n import tr
from .results import RESULT_PROPERTY
from .styles import apply_ramp

# share of covering scenes with a slick: pale yellow (seen once in a while) to dark red (nearly always)
RECURRENCE_RAMP = ((0.0, "#ffffb2"), (0.25, "#fecc5c"), (0.5, "#fd8d3c"), (0.75, "#f03b20"), (1.0, "#bd0026"))
LOWEST = 1e-6  # 0 (covered, never slick) and the nodata -1 (never covered) fall below the ramp: not drawn
SOURCE_COLOR = "#7b1fa2"


def style_recurrence(layer: QgsRasterLayer, band: int = 1) -> None:
    """Colour ramp on the recurrence band; pixels never slick or never covered are transparent."""
    items = []
    for value, hex_color in RECURRENCE_RAMP:
        color = QColor(hex_color)
        color.setAlpha(210)
        items.append(QgsColorRampShader.ColorRampItem(max(value, LOWEST), color, f"{value:.0%}"))
    apply_ramp(layer, band, items, LOWEST)


def style_sources(layer: QgsVectorLayer) -> None:
    """Circles growing with the number of dates, labelled with that number."""
    symbol = QgsMarkerSymbol.createSimple({"name": "circle", "color": SOURCE_COLOR, "outline_color": "#ffffff",
                                           "outline_width": "0.4", "size": "3"})
    symbol.symbolLayer(0).setDataDefinedProperty(
        QgsSymbolLayer.PropertySize, QgsProperty.fromExpression('min(2.5 + 0.4 * coalesce("n_dates", 0), 8)'))
    layer.renderer().setSymbol(symbol)
    settings = QgsPalLayerSettings()
    settings.fieldName = "n_dates"
    settings.isExpression = False
    settings.placement = QgsPalLayerSettings.OverPoint
    settings.yOffset = -3.0  # above the circle
    text = QgsTextFormat()
    text.setColor(QColor(SOURCE_COLOR))
    text.setSize(10)
    buffer = QgsTextBufferSettings()
    buffer.setEnabled(True)
    buffer.setColor(QColor("#ffffff"))
    buffer.setSize(1.0)
    text.setBuffer(buffer)
    settings.setFormat(text)
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)
    layer.triggerRepaint()


def style_ellipses(layer: QgsVectorLayer) -> None:
    """Outline only: the recurrence under the ellipse stays visible."""
    symbol = QgsFillSymbol.createSimple({"style": "no", "outline_color": SOURCE_COLOR, "outline_width": "0.5",
                                         "outline_style": "dash"})
    layer.renderer().setSymbol(symbol)
    layer.triggerRepaint()


def add_atlas_group(result: dict, name: str, project: QgsProject | None = None) -> tuple[object, dict]:
    """Group ``name`` at the top of the layer tree with the sources, the ellipses and the
    recurrence (in that order, top down); returns the group and {"sources", "ellipses",
    "recurrence": layer} for those that opened."""
    project = project or QgsProject.instance()
    wanted = (
        ("sources", tr("seep sources (label: number of dates)"), "ogr", style_sources),
        ("ellipses", tr("source uncertainty (95 % ellipses)"), "ogr", style_ellipses),
        ("recurrence", tr("slick recurrence (share of scenes)"), "gdal", style_recurrence),
    )
    opened = {}
    for key, title, provider, style in wanted:
        source = result.get(key)
        if not source:
            continue
        layer = QgsVectorLayer(source, title, provider) if provider == "ogr" else QgsRasterLayer(source, title, provider)
        if layer.isValid():
            style(layer)
            layer.setCustomProperty(RESULT_PROPERTY, True)  # not offered as a scene or outline layer
            opened[key] = layer
    if not opened:
        files = ", ".join(str(result.get(key)) for key, *_ in wanted)
        raise ValueError(tr("none of the atlas files could be opened: {paths}").format(paths=files))
    group = project.layerTreeRoot().insertGroup(0, name)
    for layer in opened.values():
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    return group, opened


def chart_paths(result: dict) -> dict[int, str]:
    """{source id: chart PNG} from the result, the ones on disk."""
    charts = result.get("charts") or {}
    return {int(key): str(path) for key, path in charts.items() if Path(str(path)).is_file()}
