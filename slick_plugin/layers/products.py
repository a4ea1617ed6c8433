"""Sentinel-1 products as downloaded (a .SAFE folder or its .zip) as map layers.

GDAL's SAFE driver opens a product's ``manifest.safe`` (inside a zip through ``/vsizip/``) and
names one band per polarisation: ``SENTINEL1_CALIB:UNCALIB:<manifest>:EW_HH:AMPLITUDE``. That
name is the layer's source and what the backend receives as the scene: it reads the same
product and polarisation (and calibrates it when asked). GCPs georeference the layer; QGIS warps
it on the fly, and the project's CRS is left as it is.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from qgis.core import QgsProject, QgsRasterLayer, QgsRasterRange

from ..i18n import tr
from .sources import SUBDATASET as _SUBDATASET
from .sources import scene_name

CO_POLS = ("HH", "VV")


class ProductError(ValueError):
    """What is wrong with a chosen product, in the analyst's words."""


def manifest_of(path: str) -> str:
    """The GDAL path of a product's manifest.safe: from the .SAFE folder, the manifest itself or the zip."""
    p = Path(path)
    if p.name.lower() == "manifest.safe" and p.is_file():
        return str(p)
    if p.is_dir():
        if not (p / "manifest.safe").is_file():
            raise ProductError(tr("{path}: no manifest.safe in this folder; choose a Sentinel-1 product's .SAFE "
                                  "folder or its .zip").format(path=path))
        return str(p / "manifest.safe")
    try:
        with zipfile.ZipFile(p) as zf:
            manifests = [n for n in zf.namelist() if PurePosixPath(n).name == "manifest.safe"
                         and len(PurePosixPath(n).parts) == 2]
    except (OSError, zipfile.BadZipFile) as exc:
        raise ProductError(tr("{path}: not a readable zip ({error}); download the product again").format(
            path=path, error=exc)) from None
    if len(manifests) != 1:
        raise ProductError(tr("{path}: not the zip of one Sentinel-1 product (it should hold NAME.SAFE/manifest.safe)")
                           .format(path=path))
    return f"/vsizip/{p.resolve()}/{manifests[0]}"


def polarisation_sources(path: str) -> dict[str, str]:
    """{polarisation: layer source} of a product's bands, co-polarised first."""
    from osgeo import gdal

    manifest = manifest_of(path)
    with gdal.quiet_errors() if hasattr(gdal, "quiet_errors") else _Quiet(gdal):
        ds = gdal.Open(manifest)
    if ds is None:
        raise ProductError(tr("{path}: GDAL cannot read this Sentinel-1 product ({error})").format(
            path=path, error=gdal.GetLastErrorMsg() or tr("unknown error")))
    found = {}
    for name, _desc in ds.GetSubDatasets():
        m = _SUBDATASET.match(name)
        if m and m.group("pol") and name.startswith("SENTINEL1_CALIB:UNCALIB:"):
            found[m.group("pol")] = name
    if not found:
        raise ProductError(tr("{path}: no measurement band found; the product is incomplete").format(path=path))
    return dict(sorted(found.items(), key=lambda kv: (kv[0] not in CO_POLS, kv[0])))


def _gcp_crs(source: str):
    from osgeo import gdal
    from qgis.core import QgsCoordinateReferenceSystem

    ds = gdal.Open(source)
    wkt = ds.GetGCPProjection() if ds is not None else ""
    crs = QgsCoordinateReferenceSystem.fromWkt(wkt) if wkt else QgsCoordinateReferenceSystem()
    return crs if crs.isValid() else QgsCoordinateReferenceSystem("EPSG:4326")  # Sentinel-1 GCPs are WGS 84


class _Quiet:
    """gdal.quiet_errors for GDAL builds older than 3.7."""

    def __init__(self, gdal) -> None:
        self.gdal = gdal

    def __enter__(self):
        self.gdal.PushErrorHandler("CPLQuietErrorHandler")

    def __exit__(self, *exc):
        self.gdal.PopErrorHandler()


def add_product_layer(path: str, polarisation: str, project: QgsProject | None = None) -> QgsRasterLayer:
    """Add one polarisation of a product to the project (named 'PRODUCT POL') and return the layer."""
    sources = polarisation_sources(path)
    if polarisation not in sources:
        raise ProductError(tr("{path}: the product has no {pol} band (it holds {pols})").format(
            path=path, pol=polarisation, pols=", ".join(sources)))
    layer = QgsRasterLayer(sources[polarisation], f"{scene_name(sources[polarisation]).rsplit('_', 1)[0]} "
                           f"{polarisation}", "gdal")
    if not layer.isValid():
        raise ProductError(tr("{path}: QGIS cannot display the {pol} band of this product").format(
            path=path, pol=polarisation))
    if not layer.crs().isValid():
        # GDAL georeferences the band by its GCPs; QGIS 3.22 shows them only once the layer
        # has their CRS (else the layer has no CRS and draws nothing)
        layer.setCrs(_gcp_crs(sources[polarisation]))
    # DN 0 is no data in GRD products (the borders and the frame around the warped swath)
    layer.dataProvider().setUserNoDataValue(1, [QgsRasterRange(0, 0)])
    (project or QgsProject.instance()).addMapLayer(layer)
    return layer
