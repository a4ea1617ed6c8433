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
