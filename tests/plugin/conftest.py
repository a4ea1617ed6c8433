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


@pytest.fixture(scope="session")
def mosaics(tmp_path_factory) -> dict[str, Path]:
    """Copies of the three real Arctic mosaics, each in a folder named after its sample."""
    folder = tmp_path_factory.mktemp("arctic")
    return {s: copy_mosaic(s, folder / s) for s in ("sample_135", "sample_123", "sample_70")}


@pytest.fixture(scope="session")
def label_file(tmp_path_factory, arctic_dir) -> Path:
    from helpers import polygonize_labels

    return polygonize_labels(arctic_dir, ["sample_135", "sample_123", "sample_70"], tmp_path_factory.mktemp("labels") / "labels.gpkg")


@pytest.fixture(scope="session")
def backend(qgis_app, isolated_settings):
    """A real backend server process (the project's .venv), shared by the tests that need one."""
    from slick_plugin.backend.manager import BackendManager

    if not BACKEND_PYTHON.exists():
        pytest.fail(f"the backend venv is missing: {BACKEND_PYTHON} (run make install)")
    manager = BackendManager(isolated_settings)
    manager.start()
    yield manager
    manager.stop()


@pytest.fixture
def ctx(qgis_iface, backend):
    """The dock's shared context on the real backend."""
    from slick_plugin.ui.context import SlickContext

    return SlickContext(qgis_iface, backend)
