"""Styles of the result layers: probability ramp transparent below the threshold, outlines."""

from __future__ import annotations

from qgis.core import (
    QgsColorRampShader,
    QgsFillSymbol,
    QgsLineSymbol,
    QgsRasterLayer,
    QgsRasterShader,
    QgsSingleBandPseudoColorRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

RAMP = (("#ffff66", 150), ("#ff9900", 200), ("#e6001a", 235))  # threshold -> 1: yellow, orange, red


def style_probability(layer: QgsRasterLayer, threshold: float = 0.5, band: int = 1) -> None:
    """Pseudo-colour on slick probability; values below ``threshold`` are not drawn."""
    threshold = min(max(float(threshold), 0.0), 0.999)
    items = []
    for i, (hex_color, alpha) in enumerate(RAMP):
        value = threshold + (1.0 - threshold) * i / (len(RAMP) - 1)
        color = QColor(hex_color)
        color.setAlpha(alpha)
        items.append(QgsColorRampShader.ColorRampItem(value, color, f"{value:.2f}"))
    apply_ramp(layer, band, items, threshold)
    layer.setCustomProperty("slick/threshold", threshold)


def apply_ramp(layer: QgsRasterLayer, band: int, items: list, lowest: float) -> None:
    """An interpolated pseudo-colour ramp from ``lowest`` to 1; values below ``lowest`` are not drawn."""
    ramp = QgsColorRampShader(lowest, 1.0)
    ramp.setColorRampType(QgsColorRampShader.Interpolated)
    ramp.setColorRampItemList(items)
    ramp.setClip(True)  # below the first item: transparent
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(ramp)
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), band, shader)
    renderer.setClassificationMin(lowest)
    renderer.setClassificationMax(1.0)
    layer.setRenderer(renderer)
    layer.triggerRepaint()


def style_outlines(layer: QgsVectorLayer, color: str = "#ffd400") -> None:
    symbol = QgsFillSymbol.createSimple(
        {"color": "255,0,0,40", "outline_color": color, "outline_width": "0.6", "outline_style": "solid"}
    )
    layer.renderer().setSymbol(symbol)
    layer.triggerRepaint()


def style_centrelines(layer: QgsVectorLayer, color: str = "#0050ff") -> None:
    symbol = QgsLineSymbol.createSimple({"line_color": color, "line_width": "0.5", "line_style": "solid"})
    layer.renderer().setSymbol(symbol)
    layer.triggerRepaint()


def style_labels(layer: QgsVectorLayer) -> None:
    symbol = QgsFillSymbol.createSimple(
        {"color": "255,140,0,70", "outline_color": "#ff8c00", "outline_width": "0.5"}
    )
    layer.renderer().setSymbol(symbol)
    layer.triggerRepaint()
