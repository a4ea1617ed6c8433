"""`make package`: the zip installs as a QGIS plugin (one folder with metadata, code, icons,
compiled translations and the bundled backend) and its plugin loads in a fresh QGIS."""

from __future__ import annotations

import configparser
import json
import os
import subprocess
import sys
import zipfile

from conftest import BACKEND_PYTHON, ROOT

LOAD = """
import sys
sys.path.insert(0, sys.argv[1])
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
import slick_plugin
from slick_plugin.backend.manager import BUNDLED_SRC
from slick_plugin.i18n import install_translator, tr
assert slick_plugin.__file__.startswith(sys.argv[1]), slick_plugin.__file__
assert (BUNDLED_SRC / "slick_backend" / "__init__.py").exists()
translator = install_translator("fr")
assert translator is not None and tr("Train") == "Entraîner", (translator, tr("Train"))
print("OK", BUNDLED_SRC)
"""


def test_zip_layout_and_plugin_loads(tmp_path):
    out = tmp_path / "slick_plugin.zip"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "package.py"), "--out", str(out)], check=True, timeout=120)
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        assert all(n.startswith("slick_plugin/") for n in names)
        assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
        for needed in ("metadata.txt", "__init__.py", "plugin.py", "resources/icon.svg", "i18n/slick_fr.qm",
                       "backend_src/slick_backend/__init__.py", "backend_src/slick_backend/server/app.py",
                       *(f"backend_src/slick_backend/models/shipped/slick-s1-source/{f}"
                         for f in ("weights.safetensors", "model.json", "README.md"))):
            assert f"slick_plugin/{needed}" in names, needed
        meta = configparser.ConfigParser()
        meta.read_string(archive.read("slick_plugin/metadata.txt").decode())
        archive.extractall(tmp_path / "plugins")
    general = meta["general"]
    assert general["name"] == "Slick" and general["qgisMinimumVersion"] == "3.22" and general["version"] == "0.1.0"
    assert general["icon"] == "resources/icon.svg" and general["category"] == "Raster"
    plugins = tmp_path / "plugins"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", LOAD, str(plugins)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0 and "OK" in done.stdout, done.stderr[-2000:]
    # the bundled backend is what a plain interpreter imports with the plugin's PYTHONPATH
    bundled = plugins / "slick_plugin" / "backend_src"
    which = subprocess.run([str(BACKEND_PYTHON), "-c", "import slick_backend; print(slick_backend.__file__)"],
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(bundled)}, timeout=60)
    assert which.stdout.strip().startswith(str(bundled))
    # ... and that backend finds the shipped source model in the zip, intact (checksum verified)
    shipped = subprocess.run(
        [str(BACKEND_PYTHON), "-c", "from slick_backend.models.catalog import describe; import json; "
         "print(json.dumps(describe('slick-s1-source')))"],
        capture_output=True, text=True, timeout=120,
        env={**{k: v for k, v in os.environ.items() if k != "SLICK_SHIPPED_DIR"}, "PYTHONPATH": str(bundled)})
    entry = json.loads(shipped.stdout)
    assert entry["ready"] and entry["path"].startswith(str(bundled)), entry
