"""report.html: the map, the sources table and each source's chart on one self-contained page."""

from __future__ import annotations

import base64
import html
from datetime import datetime, timezone
from pathlib import Path

from ..experiment.html import STYLE, html_table, number

GUIDE = """
<h2>How to read this atlas</h2>
<ul>
<li><b>Recurrence</b> (the map's colours, band 1 of recurrence.tif): for each pixel, the share of the
scenes covering it in which it was slick. Grey: covered, never slick; white: no scene covered it.
Band 2 counts the covering scenes: a share over few scenes says little.</li>
<li><b>Sources</b> (crosses, labelled "id (dates)"): clusters of candidate origins, the up-drift end of
each slick when the scene has a drift direction, else both ends at half weight, over at least
the minimum number of distinct dates. The ellipse is the 95 % uncertainty of the position (the
standard error of the weighted mean, at least half a pixel).</li>
<li><b>Confidence</b> = (1 - 2<sup>-dates</sup>) &times; (0.5 + 0.5 &times; share of up-drift
candidates): more dates and a known drift raise it; without drift it is at most 0.5.</li>
<li><b>Charts</b>: per source, the slick area on each date a scene covered the source; a cross marks a
date observed without a slick there.</li>
</ul>
<p class=note>Formulas and fields: docs/atlas.md.</p>
"""


def _png(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def write_report(target: Path, out: Path, records: list[dict], summary: dict) -> None:
    """``records``: the sources' fields plus lon / lat; ``summary``: n_scenes, n_slicks, n_dates,
    pixel_size, cluster_m, source_radius_m, min_dates, drift (bool)."""
    rows = [[str(r["id"]), f"{r['lat']:.5f}", f"{r['lon']:.5f}", str(r["n_dates"]), str(r["n_observed"]),
             str(r["n_slicks"]), r["first_date"], r["last_date"], number(r["confidence"], ".2f"),
             f"{r['semi_major_m']:.0f} / {r['semi_minor_m']:.0f}", f"{r['orientation_deg']:.0f}"] for r in records]
    table = html_table("Sources (sources.gpkg)", ["id", "lat", "lon", "dates", "observed", "slicks", "first", "last",
                                              "confidence", "ellipse m", "azimuth °"], rows)
    charts = "".join(f"<h3>Source {r['id']}</h3>"
                     + _png(out / "charts" / f"source_{r['id']}.png", f"detections over time, source {r['id']}")
                     + f"<p class=note>slicks: {html.escape(r['slick_ids'])}</p>" for r in records)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    s = summary
    drift = "with drift directions" if s["drift"] else "without drift directions (both ends of each slick)"
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Seep atlas</title>
<style>{STYLE}</style></head><body>
<h1>Seep atlas</h1>
<p class=note>{s['n_slicks']} slicks in {s['n_scenes']} scenes over {s['n_dates']} dates, {drift};
{len(records)} sources (at least {s['min_dates']} dates of candidate origins within {s['source_radius_m']:g} m,
in clusters chained within {s['cluster_m']:g} m);
recurrence on a {s['pixel_size']:g} m grid. Generated {stamp} by <code>slick-backend atlas</code>.</p>
{_png(out / "atlas.png", "map: recurrence, sources and their ellipses")}
{table if records else "<p>No source: no cluster of candidate origins spans enough dates.</p>"}
<p class=note>Files: <a href="recurrence.tif">recurrence.tif</a>, <a href="sources.gpkg">sources.gpkg</a>,
<a href="timeseries.csv">timeseries.csv</a>, <a href="atlas.json">atlas.json</a>.</p>
{"<h2>Detections over time</h2>" + charts if records else ""}
{GUIDE}
</body></html>
"""
    target.write_text(page, encoding="utf-8")
