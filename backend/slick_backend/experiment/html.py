"""report.html: one self-contained page (Fig. 2 embedded as base64 PNG) with a reading guide."""

from __future__ import annotations

import base64
import html
import math
from datetime import datetime, timezone
from pathlib import Path

from ..atomic import write_text_atomic
from .results import ModelResult

STYLE = """
body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222;line-height:1.4}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f2f2f2}td.l,th.l{text-align:left}caption{text-align:left;font-weight:bold;margin-bottom:.3em}
.note{color:#555;font-size:.9em}img{max-width:100%}
"""

GUIDE = """
<h2>How to read this report</h2>
<ul>
<li><b>Dice</b> is computed on the slick class of each test scene, 2TP / (2TP + FP + FN); 1 is a
perfect outline, 0 no overlap. A model's average Dice is the mean over the test scenes.</li>
<li><b>base</b> models start from generic weights; <b>transfer</b> models are fine-tuned from a
model pretrained on another domain (another area or acquisition mode). Each transfer model has a
base twin trained on the very same N scenes (same draw), so the difference is <i>paired</i>.</li>
<li><b>Table II, paper protocol</b> reproduces Vadnais et al. (2025): for each N the change is the
mean of the transfer models minus the mean of the base models; "±" is the width of the 2.5-97.5
percentile range of those per-N changes and "change" its centre. It shows how much the effect
varies with N; it is <i>not</i> a confidence interval of the effect.</li>
<li><b>Bootstrap</b>: the transfer-minus-base difference per test scene, averaged over
architectures, backbones and N; its 95 % interval comes from resampling test scenes with
replacement (and training draws when there are several), keeping each pair together. If the
interval excludes 0, transfer helped on scenes like these test scenes.</li>
<li><b>Fig. 2</b>: mean Dice against N for each architecture (formats and backbones pooled); the
shaded band is the 95 % bootstrap interval of that mean. Overlapping bands of unpaired means can
hide a consistent paired gain: read the paired intervals in the tables for the comparison.</li>
<li>Few test scenes or one draw per cell give wide or optimistic intervals; more draws (B) and more
test scenes tighten them.</li>
</ul>
"""


def number(value, fmt: str = ".3f") -> str:
    return "&ndash;" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, fmt)


def html_table(caption: str, head: list[str], rows: list[list[str]], left: int = 0) -> str:
    out = [f"<table><caption>{html.escape(caption)}</caption><tr>"]
    out += [f"<th{' class=l' if i < left else ''}>{h}</th>" for i, h in enumerate(head)]
    out.append("</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td{' class=l' if i < left else ''}>{c}</td>" for i, c in enumerate(row)) + "</tr>")
    out.append("</table>")
    return "".join(out)


def write_html(target: Path, tables, series: dict, png: Path, sources, results: list[ModelResult],
               resamples: int, title: str = "") -> Path:
    table2 = html_table(
        "Table II: average Dice and the change from transfer learning, per format",
        ["tile / pixel", "average Dice", "change (paper)", "± (paper)", "bootstrap change",
         "bootstrap 95 % CI", "models", "test scenes", "draws"],
        [[f"{r['tile']} / {r['pixel_size']} m", number(r["average_dice"]), number(r["change"], "+.3f"),
          number(r["plus_minus"]), number(r["bootstrap_change"], "+.3f"),
          f"[{number(r['bootstrap_low'], '+.3f')}, {number(r['bootstrap_high'], '+.3f')}]", str(r["models"]),
          str(r["test_scenes"]), str(r["max_draws"])] for r in tables.table2],
        left=1,
    )
    by_n = html_table(
        "Paired change per format, architecture and N (bootstrap over test scenes and draws)",
        ["tile / pixel", "architecture", "N", "base Dice", "transfer Dice", "change", "95 % CI", "pairs"],
        [[f"{r['tile']} / {r['pixel_size']} m", html.escape(r["arch"]), str(r["n"]), number(r["base_dice"]),
          number(r["transfer_dice"]), number(r["change"], "+.3f"), f"[{number(r['low'], '+.3f')}, {number(r['high'], '+.3f')}]",
          str(r["pairs"])] for r in tables.by_n],
        left=2,
    )
    fig_rows = [[html.escape(arch), init, str(n), number(m), f"[{number(lo)}, {number(hi)}]", str(k)]
                for arch, inits in series.items() for init, pts in inits.items() for n, m, lo, hi, k in pts]
    fig_table = html_table("Fig. 2 values", ["architecture", "init", "N", "mean Dice", "95 % band", "models"],
                       fig_rows, left=2)
    image = base64.b64encode(png.read_bytes()).decode("ascii")
    scenes = len({s for r in results for s in r.scene_dice})
    src = "".join(f"<li><code>{html.escape(str(Path(p).resolve()))}</code></li>" for p in sources)
    heading = html.escape(title or "Transfer learning for few-shot oil-slick segmentation")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{heading}</title>
<style>{STYLE}</style></head><body>
<h1>{heading}</h1>
<p class=note>{len(results)} models, {scenes} test scenes, {resamples} bootstrap resamples; generated {stamp}
by <code>slick-backend report</code>. Results files:</p><ul class=note>{src}</ul>
{table2}
<p class=note>"change" and "±" follow the paper's recipe (centre and full width of the 2.5-97.5 percentile
range of the per-N changes); the bootstrap columns resample test scenes (and draws) on paired differences.</p>
<h2>Fig. 2: Dice versus the number of training scenes</h2>
<img alt="Fig. 2: Dice versus N, base versus transfer, one panel per architecture" src="data:image/png;base64,{image}">
<p class=note>Also as <a href="fig2.svg">fig2.svg</a> and <a href="fig2.png">fig2.png</a>; tables as
<a href="table2.csv">table2.csv</a> and <a href="table_by_n.csv">table_by_n.csv</a>.</p>
{fig_table}
{by_n}
{GUIDE}
<p class=note>Method: Vadnais et al. (2025), "Transfer learning between Sentinel-1 acquisition modes enhances
the few-shot segmentation of natural oil slicks in the Arctic". Contains modified Copernicus Sentinel-1 data.</p>
</body></html>
"""
    write_text_atomic(target, page)
    return target
