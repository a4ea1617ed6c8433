"""A time series at one site with known truth (``simulate --site NAME --gaps SHARE``), for the seep atlas.

Every scene lies at the site, one date each; the site's seeps are the truth. Wind, current and
the drift direction are drawn per scene (scene.py), a seep leaks on some dates and not on others,
and calm or strong wind, the noise floor, ice and land hide some of the slicks that do leak.
``--gaps`` makes a share of the dates miss some or all of the seeps: the scene is placed beside
the site, so that "not seen" (outside the scene) can be told apart from "no slick".

Written besides the scenes: ``drift.csv`` (per scene the drift and wind directions an analyst
would be given) and, in the manifest, the site's seeps and per scene which seeps were in view,
leaking and labelled.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np

from .geometry import SceneGeometry, track_heading
from .modes import ModeSpec
from .sites import Site

GAP_MARGIN_M = 1000.0  # in a gap scene a seep is this far outside the image, and a seep in view this far inside
GAP_TRIES = 500
DRIFT_COLUMNS = ("scene", "acq_time", "drift_to_deg", "wind_to_deg")


def gap_dates(n_scenes: int, share: float, seed_seq: np.random.SeedSequence) -> set[int]:
    """The indices of the scenes that miss seeps: round(share x n) of them, spread at random."""
    n_gaps = int(round(share * n_scenes))
    rng = np.random.default_rng(seed_seq)
    return {int(i) for i in rng.choice(n_scenes, size=n_gaps, replace=False)}


def _seep_side(geom: SceneGeometry, x: float, y: float, margin_px: float) -> int:
    """1: inside the image by at least the margin; -1: outside by at least it; 0: near an edge."""
    row, col = geom.utm_to_image(x, y)
    depth = min(row, col, geom.rows - row, geom.cols - col)
    outside = max(-row, -col, row - geom.rows, col - geom.cols)
    if depth >= margin_px:
        return 1
    return -1 if outside >= margin_px else 0


def place_gap_scene(mode: ModeSpec, site: Site, size: int, rng: np.random.Generator, ascending: bool) -> SceneGeometry:
    """A scene beside the site that leaves some of its seeps outside, or (one time in two, and
    always for a one-seep site) all of them, each by GAP_MARGIN_M at least."""
    heading = track_heading(site.lat, ascending)
    extent_m = size * mode.pixel_m
    range_offset = float(rng.uniform(0.0, max(0.0, mode.swath_km - extent_m / 1000.0)))
    cx, cy = site.centre_utm()
    seeps = [site.seep_utm(s) for s in site.seeps]
    spread = max(math.hypot(x - cx, y - cy) for x, y in seeps)
    reach = extent_m / 2 + spread + GAP_MARGIN_M
    all_out = len(seeps) < 2 or rng.random() < 0.5
    margin_px = GAP_MARGIN_M / mode.pixel_m
    for _ in range(GAP_TRIES):
        dx, dy = rng.uniform(-reach, reach, size=2)
        geom = SceneGeometry(mode, site, size, size, heading, range_offset, cx + dx, cy + dy)
        sides = [_seep_side(geom, x, y, margin_px) for x, y in seeps]
        if 0 in sides:
            continue
        n_in = sides.count(1)
        if (all_out and n_in == 0) or (not all_out and 0 < n_in < len(seeps)):
            return geom
    # nothing found (a scene much smaller than the margins): far enough that no seep can be inside
    angle = float(rng.uniform(0.0, 2 * math.pi))
    far = extent_m / math.sqrt(2) + spread + GAP_MARGIN_M
    return SceneGeometry(mode, site, size, size, heading, range_offset, cx + far * math.cos(angle),
                         cy + far * math.sin(angle))


def site_seeps_truth(geom: SceneGeometry, intensity: np.ndarray, seeps: list[dict]) -> list[dict]:
    """Per seep of the site on this date: in view (inside the image, on valid data), leaking
    (None where it is out of view: nobody could tell), labelled (it left a slick a person outlines)."""
    rendered = {s["seep"]: s for s in seeps}
    truth = []
    for seep in geom.site.seeps:
        row, col = geom.utm_to_image(*geom.site.seep_utm(seep))
        inside = 0 <= row < geom.rows and 0 <= col < geom.cols
        in_view = bool(inside and np.isfinite(intensity[int(row), int(col)]))
        mine = rendered.get(seep.id)
        pixels = int(mine["slick_pixels"]) if mine else 0
        truth.append({"seep": seep.id, "in_view": in_view, "leaking": (mine is not None) if in_view else None,
                      "labelled": pixels > 0, "slick_pixels": pixels})
    return truth


def sites_record(sites: list[Site]) -> list[dict]:
    """The manifest's ``sites``: every seep of the sites in the series, in lon/lat (the truth)."""
    from pyproj import Transformer

    out = []
    for site in sites:
        to_ll = Transformer.from_crs(site.epsg, 4326, always_xy=True)
        seeps = []
        for seep in site.seeps:
            lon, lat = to_ll.transform(*site.seep_utm(seep))
            seeps.append({"seep": seep.id, "lon": round(lon, 6), "lat": round(lat, 6)})
        out.append({"name": site.name, "seeps": seeps})
    return out


def drift_csv(scenes: list[dict]) -> str:
    """drift.csv: scene, acq_time, drift_to_deg, wind_to_deg (map directions the oil / wind go towards)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(DRIFT_COLUMNS)
    for s in scenes:
        writer.writerow([s["id"], s["acquisition_time"], s["drift_to_deg"], s["wind_to_deg"]])
    return buf.getvalue()
