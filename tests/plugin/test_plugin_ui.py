"""The plugin loads into a real QGIS, opens its dock, registers Processing, and unloads cleanly.
No backend is needed here: the backend starts on first use, not at load time."""

from __future__ import annotations

from qgis.core import QgsApplication

import slick_plugin


def test_load_open_dock_unload(qgis_iface, qgis_processing, isolated_settings):
    plugin = slick_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        assert QgsApplication.processingRegistry().providerById("slick") is not None
        names = {a.name() for a in QgsApplication.processingRegistry().providerById("slick").algorithms()}
        assert {"prepare", "train", "predict", "baseline", "evaluate"} <= names
        dock = plugin.show_dock()
        assert not dock.isHidden() and dock in qgis_iface.mainWindow().findChildren(type(dock))
        assert dock.tabs.count() == 5
        assert "backend" in dock.device_label.text().lower() or "device" in dock.device_label.text().lower()
        assert plugin.manager.process is None  # nothing started before first use
    finally:
        plugin.unload()
    assert QgsApplication.processingRegistry().providerById("slick") is None
    assert plugin.dock is None and plugin.actions == []


def test_translation_loads(qgis_app):
    from slick_plugin.i18n import install_translator, remove_translator, tr

    translator = install_translator("fr")
    try:
        assert translator is not None, "i18n/slick_fr.qm is missing: run scripts/update_translations.py"
        assert tr("Train") == "Entraîner"
    finally:
        remove_translator(translator)
    assert tr("Train") == "Train"


def test_settings_form_round_trip_and_options_page(qgis_app, isolated_settings):
    import dataclasses

    from qgis.core import QgsSettings

    from slick_plugin.settings import SlickSettings
    from slick_plugin.ui.settings_page import SettingsForm, SlickOptionsFactory

    # the session's throw-away profile: its authentication database gets a master password
    # (the desktop asks the user for it when the token is first stored)
    auth = QgsApplication.authManager()
    assert auth.masterPasswordIsSet() or auth.setMasterPassword("test-master", True)
    form = SettingsForm()
    assert form.python.filePath() == isolated_settings.python
    form.mode.setCurrentIndex(form.mode.findData("remote"))
    form.url.setText("http://gpu-box:8765")
    form.token.setText("secret")
    saved = []
    try:
        stored = form.save()
        assert stored.mode == "remote" and stored.url == "http://gpu-box:8765" and stored.token == "secret"
        assert SlickSettings.load() == dataclasses.replace(stored, token="")  # no token in QgsSettings...
        assert not QgsSettings().contains("slick/token") and stored.token_authcfg
        assert SlickSettings.load().stored_token() == "secret"  # ...but in the authentication database
        assert not form.python.isEnabled() and form.url.isEnabled()
        page = SlickOptionsFactory(saved.append).createWidget(None)
        page.apply()
        assert saved and saved[0].url == "http://gpu-box:8765"
    finally:
        isolated_settings.save()  # the other tests use the local backend settings


MACHINERY = """
import sys
sys.path.insert(0, sys.argv[1])
from qgis.core import QgsApplication
app = QgsApplication([], True)
app.initQgis()
from unittest import mock
from qgis.gui import QgsMapCanvas
from qgis.PyQt.QtWidgets import QMainWindow
import qgis.utils
window = QMainWindow()
iface = mock.MagicMock()  # QGIS's interface: real window and canvas, recorded menu/toolbar calls
iface.mainWindow.return_value = window
iface.mapCanvas.return_value = QgsMapCanvas(window)
qgis.utils.iface = iface
qgis.utils.plugin_paths = [sys.argv[1]]  # a plugins folder laid out as `make deploy` makes it
qgis.utils.updateAvailablePlugins()
assert "slick_plugin" in qgis.utils.available_plugins
assert qgis.utils.pluginMetadata("slick_plugin", "name") == "Slick"
assert qgis.utils.pluginMetadata("slick_plugin", "qgisMinimumVersion") == "3.22"
assert qgis.utils.loadPlugin("slick_plugin")
assert qgis.utils.startPlugin("slick_plugin")
assert "slick_plugin" in qgis.utils.active_plugins
assert QgsApplication.processingRegistry().providerById("slick") is not None
assert iface.addPluginToMenu.called and iface.registerOptionsWidgetFactory.called
assert qgis.utils.unloadPlugin("slick_plugin")
assert iface.removePluginMenu.call_count == iface.addPluginToMenu.call_count
assert iface.unregisterOptionsWidgetFactory.called
assert "slick_plugin" not in qgis.utils.active_plugins and "slick_plugin" not in sys.modules
assert QgsApplication.processingRegistry().providerById("slick") is None
print("OK")
"""


def test_qgis_plugin_machinery_loads_and_unloads(tmp_path):
    """As QGIS does it (qgis.utils import, classFactory, initGui, unload), in a fresh QGIS."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "slick_plugin").symlink_to(ROOT / "slick_plugin")  # what `make deploy` does
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", MACHINERY, str(plugins)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0 and "OK" in done.stdout, done.stderr[-3000:]


def test_device_line_for_gpu_cpu_and_probe(qgis_app):
    from slick_plugin.backend.client import describe_device

    gpu = {"device": {"type": "cuda", "name": "NVIDIA H100 80GB HBM3", "free_memory_mb": 80000, "threads": 16}}
    assert describe_device(gpu) == "CUDA: NVIDIA H100 80GB HBM3 (78.1 GiB free, 16 threads)"
    cpu = {"device": {"type": "cpu", "name": "AMD EPYC", "threads": 2}}
    assert describe_device(cpu) == "CPU: AMD EPYC (2 threads)"
    probing = {"device": {"type": "unknown", "name": "probing the device..."}, "device_probe": "running"}
    assert describe_device(probing) == "probing the device..."
