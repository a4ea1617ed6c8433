"""docs/outlines.md documents every field that predict and baseline write, under the names the
files carry (the Shapefile's shortened ones included)."""

import re
from pathlib import Path

from slick_backend.vectorize import CENTRELINE_FIELDS, FIELDS, SHP_NAMES

DOC = Path(__file__).resolve().parents[3] / "docs" / "outlines.md"


def table_rows(section: str) -> dict[str, str]:
    """field -> Shapefile name, from the first table under the heading that starts with ``section``."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"## {section}")
    rows = {}
    for line in text[start:].splitlines()[1:]:
        if line.startswith("## "):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        names = [re.fullmatch(r"`([a-z_0-9]+)`", c) for c in cells[:2]]
        if len(cells) > 2 and all(names):
            rows[names[0].group(1)] = names[1].group(1)
    return rows


def test_every_outline_field_is_documented_with_its_shapefile_name():
    rows = table_rows("Outline layer")
    assert list(rows) == FIELDS, "docs/outlines.md lists the outline fields in the files' order"
    assert all(rows[f] == SHP_NAMES.get(f, f) for f in FIELDS)


def test_every_centreline_field_is_documented():
    rows = table_rows("Centreline layer")
    assert sorted(rows) == sorted(CENTRELINE_FIELDS) and all(rows[f] == SHP_NAMES.get(f, f) for f in rows)
