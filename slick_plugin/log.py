"""Messages to the user: the QGIS message bar for the headline, the log panel for details.

Backend errors are shown with the backend's own one-line message; a traceback never
reaches a dialog.
"""

from __future__ import annotations

from qgis.core import Qgis, QgsMessageLog

from .i18n import tr

TAG = "Slick"


def log(message: str, level=Qgis.Info) -> None:
    QgsMessageLog.logMessage(message, TAG, level)


class Notifier:
    """Pushes to ``iface.messageBar()`` when there is an iface, always logs."""

    def __init__(self, iface=None) -> None:
        self.iface = iface

    def _push(self, text: str, level, duration: int) -> None:
        log(text, level)
        if self.iface is not None:
            title = "" if text.startswith(TAG) else TAG  # task titles already say "Slick: ..."
            self.iface.messageBar().pushMessage(title, text, level=level, duration=duration)

    def info(self, text: str) -> None:
        self._push(text, Qgis.Info, 5)

    def success(self, text: str) -> None:
        self._push(text, Qgis.Success, 5)

    def warning(self, text: str) -> None:
        self._push(text, Qgis.Warning, 10)

    def error(self, text: str) -> None:
        self._push(text, Qgis.Critical, 0)

    def backend_error(self, what: str, error: Exception) -> None:
        self.error(tr("{what} failed: {reason}").format(what=what, reason=str(error)))
