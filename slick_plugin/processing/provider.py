"""Processing provider: prepare, train, predict, baseline, evaluate, experiment through the backend."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..i18n import tr
from ..settings import PLUGIN_DIR
from .algorithms import ALGORITHMS


class SlickProvider(QgsProcessingProvider):
    def __init__(self, manager) -> None:
        super().__init__()
        self.manager = manager

    def id(self) -> str:
        return "slick"

    def name(self) -> str:
        return tr("Slick (oil slicks)")

    def icon(self) -> QIcon:
        return QIcon(str(PLUGIN_DIR / "resources" / "icon.svg"))

    def loadAlgorithms(self) -> None:  # noqa: N802 - QGIS API
        for cls in ALGORITHMS:
            self.addAlgorithm(cls(self.manager))
