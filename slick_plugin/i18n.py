"""Translation helpers: one context ("Slick") for every user-visible string.

``tr()`` is a plain function so modules, tasks and Processing algorithms can all use it;
``scripts/update_translations.py`` finds every literal ``tr("...")`` call and keeps
``i18n/slick_*.ts`` in step with the sources.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

CONTEXT = "Slick"
I18N_DIR = Path(__file__).resolve().parent / "i18n"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def user_locale() -> str:
    """Two-letter language code QGIS is set to (QGIS's own setting, then the system)."""
    settings = QgsSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        name = settings.value("locale/userLocale", "", type=str)
    else:
        name = settings.value("locale/userLocale", "", type=str) or QLocale.system().name()
    return (name or "en")[:2]


def install_translator(locale: str | None = None) -> QTranslator | None:
    """Load ``i18n/slick_<lang>.qm`` into the application; the caller keeps the translator."""
    qm = I18N_DIR / f"slick_{locale or user_locale()}.qm"
    if not qm.exists():
        return None
    translator = QTranslator()
    if not translator.load(str(qm)):
        return None
    QCoreApplication.installTranslator(translator)
    return translator


def remove_translator(translator: QTranslator | None) -> None:
    if translator is not None:
        QCoreApplication.removeTranslator(translator)


def tr_noop(text: str) -> str:
    """Marks a string for translation where it is defined; translate it with tr() where shown."""
    return text
