"""Fixtures for the plugin tests: a real QGIS (pytest-qgis), real Arctic mosaics, and a
real backend server process started from the project's .venv."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARCTIC = ROOT.parent / "shared" / "data" / "arctic_ew"
BACKEND_PYTHON = ROOT / ".venv" / "bin" / "python"

# the plugin package is imported from the checkout, as `make deploy` would install it
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def arctic_dir() -> Path:
    if not (ARCTIC / "README.md").exists():
        pytest.fail(f"the real Arctic fixtures are missing: expected them in {ARCTIC}")
    return ARCTIC


def copy_mosaic(sample: str, dest: Path) -> Path:
    """Copy a mosaic with its world file and .aux.xml (GDAL may write statistics next to it)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("raw_mosaic.tif", "raw_mosaic.tfw", "raw_mosaic.tif.aux.xml"):
        if (ARCTIC / sample / name).exists():
            shutil.copy(ARCTIC / sample / name, dest / name)
    return dest / "raw_mosaic.tif"


@pytest.fixture
def mosaic_135(tmp_path) -> Path:
    return copy_mosaic("sample_135", tmp_path / "sample_135")


def pytest_sessionfinish(session, exitstatus):
    """pytest-qgis keeps QGIS settings in <rootdir>/.qgis-settings: leave no trace in the checkout."""
    shutil.rmtree(Path(session.config.rootpath) / ".qgis-settings", ignore_errors=True)


@pytest.fixture(scope="session")
def isolated_settings(tmp_path_factory):
    """Slick settings for the session: temp work/models/SAM folders, the project's .venv backend.

    (pytest-qgis already points QgsSettings at a throw-away folder, never the user's profile.)
    """
    from slick_plugin.settings import SlickSettings

    folder = tmp_path_factory.mktemp("slick")
    settings = SlickSettings(
        mode="local", python=str(BACKEND_PYTHON), models_dir=str(folder / "models"),
        work_dir=str(folder / "work"), sam_dir=str(folder / "sam"), sam_model="tiny", start_timeout_s=180.0,
    )
    settings.save()
    return SlickSettings.load()


@pytest.fixture
def idle_ctx(qgis_iface, isolated_settings):
    """The dock's context on a manager that is never started (for tests that need no backend)."""
    from slick_plugin.backend.manager import BackendManager
    from slick_plugin.ui.context import SlickContext

    manager = BackendManager(isolated_settings)
    yield SlickContext(qgis_iface, manager)
    manager.stop()


@pytest.fixture(scope="session")
def mosaics(tmp_path_factory) -> dict[str, Path]:
    """Copies of the three real Arctic mosaics, each in a folder named after its sample."""
    folder = tmp_path_factory.mktemp("arctic")
    return {s: copy_mosaic(s, folder / s) for s in ("sample_135", "sample_123", "sample_70")}


@pytest.fixture(scope="session")
def label_file(tmp_path_factory, arctic_dir) -> Path:
    from helpers import polygonize_labels

    return polygonize_labels(arctic_dir, ["sample_135", "sample_123", "sample_70"], tmp_path_factory.mktemp("labels") / "labels.gpkg")


TINY_SHIPPED = """
import sys, torch
from pathlib import Path
from slick_backend.atomic import atomic_dir
from slick_backend.models.modeldir import save_model_dir
from slick_backend.models.registry import build_from_spec, normalise_spec
torch.manual_seed(0)
spec = normalise_spec("deeplabv3", "resnet18", 64, {"decoder": "plus", "decoder_channels": 128})
card = {"name": "slick-s1-source", "title": "Slick Sentinel-1 source", "arch": "deeplabv3", "backbone": "resnet18",
        "model": spec, "tile": 64, "pixel_size": 25, "bands": 1, "modes": ["EW", "IW"], "polarisations": ["HH", "VV"],
        "threshold": 0.35, "init": "base", "random_init": True}
with atomic_dir(Path(sys.argv[1]) / "slick-s1-source") as tmp:
    save_model_dir(tmp, build_from_spec(spec).eval(), card, half=True)
"""


@pytest.fixture(scope="session")
def shipped_dir(tmp_path_factory) -> Path:
    """A tiny shipped source model (a real DeepLabv3+ ResNet-18 at 64 px, random weights, float16),
    built in the backend's venv; SLICK_SHIPPED_DIR points the backend servers the tests start at it."""
    import os
    import subprocess

    folder = tmp_path_factory.mktemp("shipped")
    proc = subprocess.run([str(BACKEND_PYTHON), "-c", TINY_SHIPPED, str(folder)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    os.environ["SLICK_SHIPPED_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def backend(qgis_app, isolated_settings, shipped_dir):
    """A real backend server process (the project's .venv), shared by the tests that need one."""
    from slick_plugin.backend.manager import BackendManager

    if not BACKEND_PYTHON.exists():
        pytest.fail(f"the backend venv is missing: {BACKEND_PYTHON} (run make install)")
    manager = BackendManager(isolated_settings)
    manager.start()  # returns at once
    manager.wait_client()  # the test waits (a local event loop), as a worker thread would
    yield manager
    manager.stop()


@pytest.fixture
def ctx(qgis_iface, backend):
    """The dock's shared context on the real backend."""
    from slick_plugin.ui.context import SlickContext

    return SlickContext(qgis_iface, backend)
