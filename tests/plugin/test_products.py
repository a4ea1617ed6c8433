"""Open Sentinel-1 product: miniature products (folder and zip) that the backend's simulator
writes, opened as QGIS layers, and read back by the backend from the layer's own source."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import BACKEND_PYTHON
from qgis.core import QgsProject

from slick_plugin.layers.sources import label_key, scene_name, source_file
from slick_plugin.tasks.params import PredictRequest
from slick_plugin.ui.open_product import open_product


@pytest.fixture(scope="module")
def products(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("products")
    found = {}
    for georef in ("safe", "safe-zip"):
        proc = subprocess.run([str(BACKEND_PYTHON), "-m", "slick_backend", "simulate", "--out", str(out / georef),
                               "--mode", "EW", "--scenes", "1", "--size", "256", "--georef", georef],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        (found[georef],) = sorted((out / georef).glob("S1A_EW_GRDM_*"))
    return found


def _draws_something(layer) -> bool:
    """Render the layer alone (as the canvas would, in its CRS) and look for non-transparent pixels."""
    from qgis.core import QgsMapRendererSequentialJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(layer.extent())
    settings.setOutputSize(QSize(200, 200))
    settings.setBackgroundColor(QColor(0, 0, 0, 0))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    return any(image.pixelColor(x, y).alpha() > 0 and image.pixelColor(x, y).value() > 0
               for x in range(0, 200, 10) for y in range(0, 200, 10))


def _backend_reads(source: str) -> dict:
    code = ("import json, sys; from slick_backend.scenes import open_scene\n"
            "with open_scene(sys.argv[1]) as s: print(json.dumps([s.id, s.polarisation, s.mode]))")
    proc = subprocess.run([str(BACKEND_PYTHON), "-c", code, source], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.mark.parametrize("georef, pick", [("safe", None), ("safe-zip", "HV")])
def test_open_product_adds_the_chosen_band(qgis_iface, products, georef, pick):
    product = products[georef]
    path = product / "manifest.safe" if georef == "safe" else product
    asked = []

    def choose(pols, parent):
        asked.append(pols)
        return pick or pols[0]

    layer = open_product(qgis_iface, str(path), choose=choose)
    try:
        assert asked == [["HH", "HV"]]  # co-polarised first: the default
        pol = pick or "HH"
        name = product.stem
        assert layer is not None and layer.isValid() and layer.name() == f"{name} {pol}"
        assert QgsProject.instance().mapLayer(layer.id()) is layer
        source = layer.source()
        assert source.startswith("SENTINEL1_CALIB:UNCALIB:") and f":EW_{pol}:" in source
        assert Path(source_file(source)) == (product / "manifest.safe" if georef == "safe" else product)
        assert label_key(source) == name and scene_name(source) == f"{name}_{pol}"
        # Svalbard waters: the GCPs georeference the layer (QGIS warps it; the project CRS is untouched)
        assert layer.crs().authid() == "EPSG:4326"  # without it QGIS 3.22 draws nothing
        assert _draws_something(layer)
        extent = layer.extent()
        assert 5 < extent.center().x() < 35 and 74 < extent.center().y() < 82
        request = PredictRequest(model="slick-s1-source", scene=source, out_prefix=str(product.parent / "p"))
        request.validate()
        assert name in request.title()
        assert _backend_reads(source) == [name, pol, "EW"]
    finally:
        if layer is not None:
            QgsProject.instance().removeMapLayer(layer.id())


def test_unreadable_products_are_reported_not_raised(qgis_iface, products, tmp_path):
    cut = tmp_path / "S1A_cut.zip"
    cut.write_bytes(products["safe-zip"].read_bytes()[:4000])
    assert open_product(qgis_iface, str(cut), choose=lambda pols, parent: pols[0]) is None
    empty = tmp_path / "empty.SAFE"
    empty.mkdir()
    assert open_product(qgis_iface, str(empty), choose=lambda pols, parent: pols[0]) is None
    assert open_product(qgis_iface, str(products["safe"]), choose=lambda pols, parent: None) is None  # cancelled
