#!/usr/bin/env python3
"""Keep i18n/slick_<lang>.ts in step with the plugin's tr() / tr_noop() strings, then compile.

Finds every literal ``tr("...")`` and ``tr_noop("...")`` in slick_plugin/, keeps existing
translations, adds new strings as unfinished, marks strings no longer used as obsolete,
and runs lrelease to write the .qm files QGIS loads.

    python3 scripts/update_translations.py [--lang fr] [--fill translations.json] [--check]

``--fill`` merges a JSON object {source: translation}; ``--check`` only reports (exit 1 when
a string lacks a translation).
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTEXT = "Slick"
MARKERS = {"tr", "tr_noop"}


def source_strings(plugin: Path = ROOT / "slick_plugin") -> dict[str, str]:
    """{string: "file:line"} for every literal tr()/tr_noop() call."""
    found: dict[str, str] = {}
    for path in sorted(plugin.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and node.args:
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                arg = node.args[0]
                if name in MARKERS and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def read_ts(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    out = {}
    for message in ET.parse(path).getroot().iter("message"):
        translation = message.find("translation")
        text = translation.text if translation is not None and translation.get("type") not in ("unfinished", "obsolete") else ""
        out[message.findtext("source")] = text or ""
    return out


def write_ts(path: Path, lang: str, strings: dict[str, str], translations: dict[str, str]) -> None:
    root = ET.Element("TS", version="2.1", language=lang)
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for source in sorted(strings):
        message = ET.SubElement(context, "message")
        file, line = strings[source].rsplit(":", 1)
        ET.SubElement(message, "location", filename=f"../{file}", line=line)
        ET.SubElement(message, "source").text = source
        translation = ET.SubElement(message, "translation")
        if translations.get(source):
            translation.text = translations[source]
        else:
            translation.set("type", "unfinished")
    ET.indent(root)
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + ET.tostring(root, encoding="unicode") + "\n")


def compile_qm(ts: Path) -> Path:
    lrelease = shutil.which("lrelease") or shutil.which("lrelease-qt5")
    if lrelease is None:
        sys.exit("lrelease not found: apt-get install qttools5-dev-tools")
    qm = ts.with_suffix(".qm")
    subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="fr")
    parser.add_argument("--fill", help="JSON file {source: translation} to merge")
    parser.add_argument("--check", action="store_true", help="report missing translations, change nothing")
    args = parser.parse_args(argv)
    ts = ROOT / "i18n" / f"slick_{args.lang}.ts"
    strings = source_strings()
    translations = read_ts(ts)
    if args.fill:
        translations.update(json.loads(Path(args.fill).read_text()))
    missing = [s for s in strings if not translations.get(s)]
    if args.check:
        for s in missing:
            print(f"missing: {strings[s]}: {s!r}")
        return 1 if missing else 0
    write_ts(ts, args.lang, strings, translations)
    qm = compile_qm(ts)
    print(f"{ts.name}: {len(strings)} strings, {len(strings) - len(missing)} translated; wrote {qm.name}")
    if missing:
        print(json.dumps({s: "" for s in missing}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
