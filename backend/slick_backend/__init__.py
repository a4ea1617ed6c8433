"""Slick backend: the QGIS-free core (scenes in, datasets, models, predictions, statistics)."""

__version__ = "0.1.0"
