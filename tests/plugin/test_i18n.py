"""The French translation is complete: every tr() string of the plugin has a finished
translation with the same {placeholders}, and the compiled .qm QGIS loads gives it."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from update_translations import source_strings  # noqa: E402

PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def ts_messages(lang: str = "fr") -> dict[str, ET.Element]:
    root = ET.parse(ROOT / "i18n" / f"slick_{lang}.ts").getroot()
    return {m.findtext("source"): m.find("translation") for m in root.iter("message")}


def test_every_string_has_a_finished_french_translation():
    messages = ts_messages()
    missing = [s for s in source_strings() if s not in messages or messages[s].get("type") or not messages[s].text]
    assert missing == [], f"untranslated (run scripts/update_translations.py): {missing[:5]}"
    for source, translation in messages.items():
        if translation.get("type") != "obsolete":
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(translation.text)), source


def test_compiled_qm_translates_every_string(qgis_app):
    from qgis.PyQt.QtCore import QTranslator

    translator = QTranslator()
    assert translator.load(str(ROOT / "i18n" / "slick_fr.qm"))
    messages = ts_messages()
    stale = [s for s in source_strings() if translator.translate("Slick", s) != messages[s].text]
    assert stale == [], f"slick_fr.qm is older than slick_fr.ts (run scripts/update_translations.py): {stale[:5]}"
