"""*Set up the backend* for zip users, from the packaged zip in a fresh QGIS profile with a clean
HOME: the dock's button creates an isolated environment in the profile, installs pinned
requirements from a local wheel folder (offline), checks it by starting the server and asking
/health, then the plugin starts that backend (the server code is the zip's backend_src).

A full install downloads several GB of torch: here the requirements are a minimal pinned set that
is enough for the server to start and answer /health (FastAPI, uvicorn, pydantic, psutil), from a
wheel folder this test fills with pip once; torch is skipped. What this proves is the flow (venv in
the profile, offline pip from wheels, progress, resume, one-line failure with the log path, the
check through /health, the plugin using the new Python), not that torch installs."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import BACKEND_PYTHON, ROOT

# what `slick-backend serve` needs to start and answer /health, at the pins of requirements.txt
SERVER_MINIMUM = ("fastapi", "starlette", "pydantic", "pydantic_core", "uvicorn", "psutil", "anyio", "h11", "click",
                  "idna", "typing_extensions", "annotated-types", "typing-inspection", "annotated-doc")


def _pins(names) -> list[str]:
    wanted = {n.lower().replace("_", "-") for n in names}
    out = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        name = line.split("==")[0].strip().lower().replace("_", "-")
        if "==" in line and name in wanted:
            out.append(line.strip())
    return out


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> Path:
    """A local wheel folder (the offline install's source), filled once with pip download."""
    folder = tmp_path_factory.mktemp("wheels")
    done = subprocess.run([str(BACKEND_PYTHON), "-m", "pip", "download", "-q", "--only-binary=:all:", "-d", str(folder),
                           *_pins(SERVER_MINIMUM)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return folder


@pytest.fixture(scope="module")
def packaged(tmp_path_factory) -> Path:
    """`make package`'s zip, unpacked into a fresh profile's plugins folder, as Install from ZIP does."""
    root = tmp_path_factory.mktemp("zipped")
    out = root / "slick_plugin.zip"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "package.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    plugins = root / "profile" / "profiles" / "default" / "python" / "plugins"
    with zipfile.ZipFile(out) as archive:
        archive.extractall(plugins)
    assert (plugins / "slick_plugin" / "backend_src" / "requirements.txt").is_file()
    return root


SCRIPT = r"""
import json, sys, time
from pathlib import Path
plugins, wheels, requirements, mode = sys.argv[1:5]
sys.path.insert(0, plugins)
from qgis.core import QgsApplication
app = QgsApplication([], True)
app.initQgis()
from unittest import mock
from qgis.gui import QgsMapCanvas
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QMainWindow
import slick_plugin
assert slick_plugin.__file__.startswith(plugins), slick_plugin.__file__  # the zip's code, not the checkout's
from slick_plugin.settings import SlickSettings
from slick_plugin.backend.manager import BackendManager
from slick_plugin.ui.context import SlickContext
from slick_plugin.ui.setup_panel import SetupPanel

def wait(cond, timeout, what):
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, what
        QCoreApplication.processEvents()
        time.sleep(0.05)

from qgis.core import QgsSettings
if mode == "first":
    assert SlickSettings.load().python == "", SlickSettings.load().python  # a zip install finds no backend Python
else:
    QgsSettings().setValue("slick/python", "")  # as if the earlier try had been interrupted
settings = SlickSettings.load()
window = QMainWindow()
iface = mock.MagicMock()
iface.mainWindow.return_value = window
iface.mapCanvas.return_value = QgsMapCanvas(window)
ctx = SlickContext(iface, BackendManager(settings))
panel = SetupPanel(ctx)
assert panel.needed() and not panel.isHidden()
panel.requirements = Path(requirements)  # (no torch pins in it: the torch step is skipped)
panel.wheels.setFilePath(wheels)
seen = []
task = panel.start()
task.progressChanged.connect(seen.append)
messages = []
task.messageChanged.connect(messages.append)
wait(lambda: task.finished_ok is not None, 600, "the setup task")
out = {"ok": task.finished_ok, "error": task.error, "result": task.result, "progress": seen, "messages": messages,
       "bar": panel.progress.bar.value(), "label": panel.progress.message.toolTip()}
if mode != "fail":
    assert task.finished_ok, task.error
    venv = Path(task.result["python"]).parents[1]
    out["venv"] = str(venv)
    out["cfg"] = (venv / "pyvenv.cfg").read_text()
    assert SlickSettings.load().python == task.result["python"]  # saved as Backend Python
    client = ctx.manager.wait_client(timeout=120)  # the plugin starts the new backend by itself
    out["health"] = client.health()
    out["panel_hidden"] = panel.isHidden()
    ctx.manager.stop()
print("RESULT " + json.dumps(out, default=str))
"""


def _run_setup(packaged: Path, wheels: Path, requirements: Path, mode: str) -> dict:
    import json

    home = packaged / "home"
    home.mkdir(exist_ok=True)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV", "PYTHON"))},
           "HOME": str(home), "QGIS_CUSTOM_CONFIG_PATH": str(packaged / "profile"), "QT_QPA_PLATFORM": "offscreen",
           "PIP_CONFIG_FILE": os.devnull}  # nothing of this machine's pip setup: the wheel folder only
    plugins = packaged / "profile" / "profiles" / "default" / "python" / "plugins"
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(plugins), str(wheels), str(requirements), mode],
                          capture_output=True, text=True, env=env, timeout=900)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, (done.stdout[-3000:], done.stderr[-3000:])
    return json.loads(lines[-1][len("RESULT "):])


def test_setup_from_the_zip_offline_then_resume_then_fail_clearly(packaged, wheels, tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# a minimal pinned set (see the module docstring)\n" + "\n".join(_pins(SERVER_MINIMUM)) + "\n")
    first = _run_setup(packaged, wheels, requirements, "first")
    venv = Path(first["venv"])
    profile = packaged / "profile" / "profiles" / "default"
    assert venv == profile / "slick" / "backend-venv"  # in the QGIS profile
    assert "include-system-site-packages = false" in first["cfg"]  # isolated from QGIS's Python
    assert first["health"]["status"] == "ok" and first["panel_hidden"]
    assert max(first["progress"]) == 100 and len(first["progress"]) > 5 and first["bar"] == 100
    assert any("pip:" in m for m in first["messages"]) and any("/health" in m for m in first["messages"])
    log = (profile / "slick" / "backend-setup.log").read_text()
    assert "--no-index" in log and str(wheels) in log  # offline, from the wheel folder

    # resume: run again; the done steps are not redone
    second = _run_setup(packaged, wheels, requirements, "again")
    assert second["ok"] and any("requirements are installed" in m for m in second["messages"])

    # a package the wheel folder lacks: one line with pip's reason and the log path; the bar empties
    requirements.write_text(requirements.read_text() + "no-such-package-slick==1.0\n")
    failed = _run_setup(packaged, wheels, requirements, mode="fail")
    assert not failed["ok"] and failed["bar"] == 0
    reason = failed["error"]
    assert "\n" not in reason and "no-such-package-slick" in reason and "backend-setup.log" in reason, reason


def test_paths_and_commands_for_every_platform():
    from slick_plugin.backend.setup import split_requirements, torch_index_args, venv_python

    assert venv_python(Path("C:/Users/a/slick/backend-venv"), windows=True).parts[-2:] == ("Scripts", "python.exe")
    assert venv_python(Path("/home/a/slick/backend-venv"), windows=False).parts[-2:] == ("bin", "python")
    assert torch_index_args("cpu", "linux")[-1].endswith("/whl/cpu") and torch_index_args("cpu", "win32")
    assert torch_index_args("cpu", "darwin") == [] and torch_index_args("cuda", "linux") == []
    assert torch_index_args("cuda", "win32")[-1].startswith("https://download.pytorch.org/whl/cu")
    torch, rest = split_requirements((ROOT / "requirements.txt").read_text())
    assert sorted(p.split("==")[0] for p in torch) == ["torch", "torchvision"]
    names = {p.split("==")[0].lower() for p in rest}
    assert {"fastapi", "rasterio", "segmentation_models_pytorch", "numpy"} <= names
    assert not names & {"pytest", "ruff", "ray", "triton"} and not any(n.startswith("nvidia-") for n in names)
