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
        assert dock.tabs.count() == 4
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
    from slick_plugin.settings import SlickSettings
    from slick_plugin.ui.settings_page import SettingsForm, SlickOptionsFactory

    form = SettingsForm()
    assert form.python.filePath() == isolated_settings.python
    form.mode.setCurrentIndex(form.mode.findData("remote"))
    form.url.setText("http://gpu-box:8765")
    form.token.setText("secret")
    saved = []
    try:
        stored = form.save()
        assert stored.mode == "remote" and stored.url == "http://gpu-box:8765" and stored.token == "secret"
        assert SlickSettings.load() == stored
        assert not form.python.isEnabled() and form.url.isEnabled()
        page = SlickOptionsFactory(saved.append).createWidget(None)
        page.apply()
        assert saved and saved[0].url == "http://gpu-box:8765"
    finally:
        isolated_settings.save()  # the other tests use the local backend settings
