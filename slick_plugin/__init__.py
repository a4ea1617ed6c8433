"""Slick: few-shot oil-slick segmentation of Sentinel-1 scenes in QGIS (the QGIS side)."""


def classFactory(iface):  # noqa: N802 - QGIS plugin entry point
    from .plugin import SlickPlugin

    return SlickPlugin(iface)
