"""Model entries of GET /models in the panels' lists: shipped models (by title, sent by name)
first, then the analyst's own model dirs (by folder name, sent by path)."""

from __future__ import annotations

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QComboBox

from ..i18n import tr


def label(entry: dict) -> str:
    if entry.get("shipped"):
        title = str(entry.get("title") or entry.get("name"))
        return title if entry.get("ready") else tr("{title} (not installed)").format(title=title)
    return str(entry.get("name"))


def value(entry: dict) -> str:
    """What a request carries: a shipped model's name (the backend finds it), else the model dir."""
    return str(entry.get("name")) if entry.get("shipped") else str(entry.get("path"))


def usable(entry: dict) -> bool:
    return not entry.get("error") and (entry.get("ready", True))


def ordered(models: list[dict]) -> list[dict]:
    return [m for m in models if m.get("shipped")] + [m for m in models if not m.get("shipped")]


def fill_combo(combo: QComboBox, models: list[dict]) -> None:
    """Shipped models first (a missing one shown greyed out), then the usable own models; the
    previous choice is kept, else the first usable entry (the shipped source when installed)."""
    current = combo.currentData()
    combo.clear()
    for entry in ordered(models):
        if entry.get("shipped") or usable(entry):
            combo.addItem(label(entry), value(entry))
            if not usable(entry):
                item = combo.model().item(combo.count() - 1)
                item.setEnabled(False)
                item.setToolTip(str(entry.get("error", "")))
    index = combo.findData(current)
    if index < 0 or not _enabled(combo, index):
        index = next((i for i in range(combo.count()) if _enabled(combo, i)), -1)
    combo.setCurrentIndex(index)


def _enabled(combo: QComboBox, index: int) -> bool:
    return bool(combo.model().item(index).flags() & Qt.ItemIsEnabled)
