"""What a layer's source names on disk (pure Python: the job params use it without QGIS).

A Sentinel-1 product's layer source is GDAL's subdataset name,
``SENTINEL1_CALIB:UNCALIB:<dir>/X.SAFE/manifest.safe:EW_HH:AMPLITUDE``, or inside a zip
``...:/vsizip/<dir>/X.zip/X.SAFE/manifest.safe:EW_HH:AMPLITUDE``; the backend reads the same
names (slick_backend/scenes/safe.py).
"""

from __future__ import annotations

import re
from pathlib import Path

SUBDATASET = re.compile(r"^SENTINEL1_CALIB:[A-Z0-9]+:(?P<path>.+?):(?P<swath>[A-Z0-9]+)(?:_(?P<pol>[A-Z]{2}))?:[A-Z0-9]+$")


def source_file(source: str) -> str:
    """The file on disk behind a layer source: a product's manifest.safe or zip, else the source."""
    m = SUBDATASET.match(source)
    text = m.group("path") if m else source
    if text.startswith("/vsizip/"):
        inner = text[len("/vsizip/"):]
        cut = inner.lower().find(".zip")
        text = inner[: cut + 4] if cut >= 0 else inner
    return text


def scene_name(source: str) -> str:
    """A short name for outputs: the product name (S1A_EW_GRDM_...), else the file stem."""
    m = SUBDATASET.match(source)
    path = Path(source_file(source))
    if path.name.lower() == "manifest.safe":
        path = path.parent
    name = path.stem if path.suffix.upper() in (".SAFE", ".ZIP", ".TIF", ".TIFF") else path.name
    return f"{name}_{m.group('pol')}" if m and m.group("pol") else name


def label_key(source: str) -> str:
    """What a label's ``scene`` field holds for this scene: a product's name (the backend's scene
    id for any of its bands), else the raster's file name."""
    path = Path(source_file(source))
    if path.name.lower() == "manifest.safe":
        return path.parent.stem
    if path.suffix.upper() == ".ZIP":
        return path.stem
    return path.name
