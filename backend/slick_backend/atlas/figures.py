"""The atlas's figures: atlas.png (recurrence, sources, ellipses) and one chart per source."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from .recurrence import share

MAP_MAX_PX = 1200  # the map shows the grid at most this many pixels a side (strided)
DETECTED, MISSED, SOURCE = "#1f77b4", "#d62728", "#d62728"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    return plt


def write_map(path, grid, hits, count, sources: list[dict], title: str) -> None:
    """``sources``: dicts with id, x, y (grid CRS) and ellipse (a shapely Polygon in the grid CRS)."""
    plt = _pyplot()
    step = max(1, math.ceil(max(grid.width, grid.height) / MAP_MAX_PX))
    rec = share(hits[::step, ::step], count[::step, ::step])
    left, bottom, right, top = (v / 1000 for v in grid.bounds)
    extent = (left, right, bottom, top)
    fig, ax = plt.subplots(figsize=(8, 7))
    ax.imshow(np.where(rec >= 0, 1.0, np.nan), extent=extent, cmap="Greys", vmin=0, vmax=8, interpolation="nearest")
    shown = ax.imshow(np.ma.masked_less_equal(rec, 0), extent=extent, cmap="inferno_r", vmin=0, vmax=1,
                      interpolation="nearest")
    fig.colorbar(shown, ax=ax, shrink=0.8, label="recurrence: share of covering scenes with slick")
    for s in sources:
        ex, ey = s["ellipse"].exterior.xy
        ax.plot(np.asarray(ex) / 1000, np.asarray(ey) / 1000, color=SOURCE, linewidth=1)
        ax.plot(s["x"] / 1000, s["y"] / 1000, "+", color=SOURCE, markersize=9, markeredgewidth=1.5)
        ax.annotate(f"{s['id']} ({s['n_dates']})", (s["x"] / 1000, s["y"] / 1000), xytext=(5, 5),
                    textcoords="offset points", fontsize=8, color=SOURCE)
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_xlabel(f"easting, km ({grid.crs})")
    ax.set_ylabel("northing, km")
    ax.set_title(title, fontsize=10)
    ax.set_facecolor("white")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=120)
    plt.close(fig)


def per_date(rows: list) -> tuple[list, list]:
    """([(date, area km2)] of the dates with a detection, [dates observed without one]). Two passes on
    one date show one slick twice: the date's area is the larger, not the sum."""
    hit: dict = {}
    seen = set()
    for r in rows:
        day = dt.date.fromisoformat(r.date)
        seen.add(day)
        if r.detected:
            hit[day] = max(hit.get(day, 0.0), r.area_km2 or 0.0)
    return sorted(hit.items()), sorted(seen - set(hit))


def write_chart(path, source: dict, rows: list) -> None:
    """Detections over time for one source: slick area per observed date, misses marked at zero."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 2.6))
    hit, miss = per_date(rows)
    top = max([a for _, a in hit], default=1.0) or 1.0
    if hit:
        days, areas = zip(*hit, strict=True)
        ax.vlines(days, 0, areas, color=DETECTED, linewidth=2)
        ax.plot(days, areas, "o", color=DETECTED, label="slick (area)")
    if miss:
        ax.plot(miss, [0] * len(miss), "x", color=MISSED, markersize=7, clip_on=False, label="observed, no slick")
    ax.set_ylim(0, top * 1.4)
    ax.set_ylabel("slick area, km²")
    ax.set_title(f"Source {source['id']}: slick on {source['n_dates']} of {source['n_observed']} observed dates",
                 fontsize=10)
    ax.grid(True, alpha=0.3)
    if hit or miss:
        ax.legend(loc="upper right", ncol=2, fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    plt.close(fig)
