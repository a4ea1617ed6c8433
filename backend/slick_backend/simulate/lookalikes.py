"""Dark (and bright) features that are not oil but fool a naive dark-spot threshold.

- low-wind zones: the wind drops below the Bragg threshold over large areas with smooth edges;
- atmospheric rain cells: a downdraft gust front brightens a crescent, rain damps a dark core;
- eddies (a third of the scenes): surfactants gathered along spiral lines, faint and thin;
- biogenic streaks: natural surface films drawn into long, thin, faint filaments by the wind;
- newly formed ice (EW, Arctic): an ice edge with bright pack ice and very dark, smooth grease
  ice / nilas patches in front of it;
- ships: bright point targets, and the dark straight turbulent wakes some of them draw;
- sea-ice floes with dark leads between them;
- land (Prins Karls Forland, and random coasts and islands anywhere): bright, textured, never
  oiled, with clutter along the shore; a bright outlier for the stretch.
Each function returns fields on the image grid (or adds into them) so the scene composer
can combine them with the sea clutter.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from .backscatter import db_to_linear
from .fields import powerlaw_noise, smooth_noise, soft_step, upsample


def _local_grid(shape, row: float, col: float, radius_px: float):
    r0, r1 = int(max(0, row - radius_px)), int(min(shape[0], row + radius_px + 1))
    c0, c1 = int(max(0, col - radius_px)), int(min(shape[1], col + radius_px + 1))
    if r1 <= r0 or c1 <= c0:
        return None
    rr = np.arange(r0, r1, dtype=np.float32)[:, None] - row
    cc = np.arange(c0, c1, dtype=np.float32)[None, :] - col
    return (slice(r0, r1), slice(c0, c1)), rr, cc


def rain_cells(wind_gain: np.ndarray, damp_db: np.ndarray, pixel_m: float, rng: np.random.Generator) -> int:
    """Add rain cells: wind gain (x1..x2) in a gust-front crescent, a damped (dark) core. Returns the count."""
    shape = wind_gain.shape
    n = int(rng.poisson(1.0)) if rng.random() < 0.5 else 0
    for _ in range(n):
        radius = rng.uniform(2000, 6000) / pixel_m
        row, col = rng.uniform(0, shape[0]), rng.uniform(0, shape[1])
        grid = _local_grid(shape, row, col, 2.2 * radius)
        if grid is None:
            continue
        win, rr, cc = grid
        r = np.hypot(rr, cc)
        phi = np.arctan2(rr, cc)
        motion = rng.uniform(-np.pi, np.pi)
        crescent = np.exp(-(((r - radius) / (0.35 * radius)) ** 2)) * (0.5 + 0.5 * np.cos(phi - motion)) ** 2
        wind_gain[win] *= 1.0 + rng.uniform(0.5, 1.2) * crescent
        damp_db[win] += rng.uniform(2.0, 5.0) * np.exp(-((r / (0.45 * radius)) ** 2))
    return n


def eddies(damp: np.ndarray, pixel_m: float, rng: np.random.Generator) -> int:
    """Add spiral lines of surfactant (damping fraction 0..1) around a few eddy centres."""
    shape = damp.shape
    n = int(rng.choice([0, 0, 0, 1, 1, 2]))  # spiral lines look just like slicks: rarer than before
    for _ in range(n):
        radius = rng.uniform(3000, 10000) / pixel_m
        spacing = rng.uniform(0.25, 0.45) * radius  # distance between spiral turns
        row, col = rng.uniform(0, shape[0]), rng.uniform(0, shape[1])
        grid = _local_grid(shape, row, col, 1.5 * radius)
        if grid is None:
            continue
        win, rr, cc = grid
        r = np.hypot(rr, cc)
        sense = 1.0 if rng.random() < 0.5 else -1.0
        arms = int(rng.integers(1, 3))
        # a distorted spiral: the phase is perturbed by a smooth field so the arms are irregular
        wobble = smooth_noise(r.shape, 0.5 * radius, rng)
        phase = arms * np.arctan2(rr, cc) + sense * 2 * np.pi * r / spacing + 1.2 * wobble
        wrapped = ((phase + np.pi) % (2 * np.pi) - np.pi).astype(np.float32)
        line_px = max(1.5, rng.uniform(80, 250) / pixel_m)
        line = np.exp(-((wrapped * spacing / (2 * np.pi) / (0.5 * line_px)) ** 2))
        envelope = np.exp(-((r / radius) ** 2)) * (1.0 - np.exp(-((r / (0.15 * radius)) ** 2)))
        # patchy along the arms: parts of the spiral are missing, as in real scenes
        envelope = envelope * soft_step(smooth_noise(r.shape, 0.3 * radius, rng), -0.2, 0.3)
        np.maximum(damp[win], line * envelope * rng.uniform(0.3, 0.7), out=damp[win])
    return n


def biogenic_streaks(damp: np.ndarray, pixel_m: float, wind_dir: float, rng: np.random.Generator) -> bool:
    """Add long thin faint filaments along the wind in some parts of the scene (damping fraction)."""
    if rng.random() < 0.3:
        return False
    shape = damp.shape
    across_px = rng.uniform(500, 1000) / pixel_m
    field = smooth_noise(shape, across_px, rng, anisotropy=rng.uniform(6, 12), angle=wind_dir + rng.normal(0, 0.2))
    line_px = max(1.2, rng.uniform(60, 200) / pixel_m)
    # zero crossings of an elongated field are long thin wavy lines; |grad| ~ 1/across_px
    lines = np.exp(-((field * across_px / (0.5 * line_px)) ** 2))
    region = soft_step(smooth_noise(shape, 12000 / pixel_m, rng), rng.uniform(-0.3, 0.8), 0.3)
    np.maximum(damp, lines * region * rng.uniform(0.3, 0.8), out=damp)
    return True


def ice_edge(shape, pixel_m: float, rng: np.random.Generator):
    """Ice concentration 0..1 and grease-ice damping (dB) near a meandering ice edge."""
    rows = np.arange(shape[0], dtype=np.float32)[:, None]
    cols = np.arange(shape[1], dtype=np.float32)[None, :]
    angle = rng.uniform(-np.pi, np.pi)
    # signed distance (px) to a straight edge, meandered by a smooth field of a few km
    centre = rng.uniform(0.55, 0.85) * 0.5 * math.hypot(*shape)
    dist = (cols - shape[1] / 2) * math.cos(angle) + (rows - shape[0] / 2) * math.sin(angle) - centre
    dist = dist + (rng.uniform(2000, 5000) / pixel_m) * smooth_noise(shape, 6000 / pixel_m, rng)
    ice = soft_step(dist, 0.0, 300.0 / pixel_m)
    band_px = rng.uniform(3000, 9000) / pixel_m
    patches = soft_step(smooth_noise(shape, 1200 / pixel_m, rng, anisotropy=3.0, angle=angle + np.pi / 2), 0.2, 0.25)
    in_band = np.clip(1.0 + dist / band_px, 0.0, 1.0) * (1.0 - ice)
    grease_db = rng.uniform(6.0, 11.0) * patches * in_band
    return ice, grease_db.astype(np.float32)


def pack_ice_sigma0(shape, pixel_m: float, rng: np.random.Generator) -> np.ndarray:
    """HH sigma0 (linear) of pack ice: about -14 dB, nearly flat in incidence, made of floes of
    their own brightness with dark leads (open water or new ice) between some of them."""
    tex = 2.0 * smooth_noise(shape, 800 / pixel_m, rng) + 1.0 * smooth_noise(shape, 150 / pixel_m, rng)
    floes, edges = _floes(shape, pixel_m, float(rng.uniform(500, 4000)), rng)
    tex += floes * float(rng.uniform(1.0, 4.0))
    tex -= edges * float(rng.uniform(3.0, 10.0))
    return db_to_linear(tex - float(rng.uniform(11.0, 16.0)))


def _floes(shape, pixel_m: float, floe_m: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel floe brightness offset (unit std) and a 0..1 mask of open leads between floes."""
    from scipy.spatial import cKDTree

    step = max(1, int(round(floe_m / pixel_m / 8)))
    ch, cw = -(-shape[0] // step), -(-shape[1] // step)
    n = max(4, int(ch * cw * step * step * pixel_m**2 / floe_m**2))
    seeds = rng.uniform(0, 1, (n, 2)) * (ch, cw)
    rr, cc = np.mgrid[0:ch, 0:cw]
    dist, idx = cKDTree(seeds).query(np.column_stack([rr.ravel(), cc.ravel()]), k=2)
    gap = (dist[:, 1] - dist[:, 0]).reshape(ch, cw)  # 0 on the boundary between two floes
    bright = rng.normal(0.0, 1.0, n)[idx[:, 0]].reshape(ch, cw).astype(np.float32)
    open_lead = (rng.random(n) < 0.3)[idx[:, 0]].reshape(ch, cw)
    leads = (np.exp(-((gap * step * pixel_m / 60.0) ** 2)) * open_lead).astype(np.float32)
    bright = np.repeat(np.repeat(bright, step, 0), step, 1)[: shape[0], : shape[1]]
    leads = upsample(leads, shape, step) if step > 1 else leads
    return bright, leads


def ship_wakes(damp_db: np.ndarray, targets: list, pixel_m: float, rng: np.random.Generator) -> int:
    """Some moving ships draw a dark, straight turbulent wake (1-4 dB, 2-15 km) behind them: a
    classic look-alike. Adds the damping in place; returns how many wakes were drawn."""
    drawn = 0
    for row, col, _ in targets:
        if rng.random() >= 0.5:
            continue
        heading = float(rng.uniform(-np.pi, np.pi))
        length = float(rng.uniform(2000, 15000)) / pixel_m
        width0, width1 = float(rng.uniform(30, 80)) / pixel_m, float(rng.uniform(80, 250)) / pixel_m
        grid = _local_grid(damp_db.shape, row - 0.5 * length * math.sin(heading), col - 0.5 * length * math.cos(heading),
                           0.5 * length + 3 * width1)
        if grid is None:
            continue
        win, rr, cc = grid
        rr = rr + 0.5 * length * math.sin(heading)  # coordinates relative to the ship
        cc = cc + 0.5 * length * math.cos(heading)
        back = -(cc * math.cos(heading) + rr * math.sin(heading))  # distance behind the ship
        side = -cc * math.sin(heading) + rr * math.cos(heading)
        s = np.clip(back / length, 0.0, 1.0)
        width = width0 + (width1 - width0) * s
        wake = np.exp(-((side / (0.5 * width + 0.3)) ** 2)) * (back > 0) * (back < length) * (1.0 - 0.8 * s)
        damp_db[win] += float(rng.uniform(1.0, 4.0)) * wake.astype(np.float32)
        drawn += 1
    return drawn


def random_coast(geom, rng: np.random.Generator) -> np.ndarray | None:
    """0..1 land cover of a random ragged coast or a few islands (12 % of scenes, any site)."""
    if rng.random() >= 0.12:
        return None
    shape, px = (geom.rows, geom.cols), geom.pixel_m
    field = powerlaw_noise(shape, px, rng, float(rng.uniform(3.0, 3.8)), 150.0, 30000.0)
    if rng.random() < 0.6:  # a coast: a tilted ramp plus the fractal field
        angle = float(rng.uniform(-np.pi, np.pi))
        rows = np.linspace(-1, 1, shape[0], dtype=np.float32)[:, None]
        cols = np.linspace(-1, 1, shape[1], dtype=np.float32)[None, :]
        field += 2.5 * (cols * math.cos(angle) + rows * math.sin(angle))
    level = float(np.quantile(field[::8, ::8], 1.0 - rng.uniform(0.03, 0.3)))
    return soft_step(field, level, 0.03)


def ships(shape, rng: np.random.Generator, count: int) -> list[tuple[int, int, float]]:
    """(row, col, sigma0) of bright point targets."""
    out = []
    for _ in range(count):
        out.append((int(rng.integers(0, shape[0])), int(rng.integers(0, shape[1])), float(10 ** rng.uniform(0.0, 1.5))))
    return out


def add_ships(sigma: np.ndarray, targets, pixel_m: float) -> None:
    """Add ships as a small bright body plus the weaker cross of the SAR impulse response."""
    h, w = sigma.shape
    body = max(1, int(round(60 / pixel_m)))
    for row, col, s in targets:
        r0, r1, c0, c1 = max(0, row - body), min(h, row + body + 1), max(0, col - 1), min(w, col + 2)
        sigma[r0:r1, c0:c1] += s
        arm = 6
        sigma[row, max(0, col - arm) : min(w, col + arm + 1)] += 0.05 * s
        sigma[max(0, row - arm) : min(h, row + arm + 1), col] += 0.05 * s


def land_fraction(geom, rng: np.random.Generator) -> np.ndarray | None:
    """0..1 land cover on the image grid from the site's stylised coastline (None: all sea)."""
    from affine import Affine
    from rasterio import features
    from shapely.geometry import Polygon

    footprint = geom.footprint_utm()
    land = [poly for poly in map(Polygon, geom.site.land_utm()) if poly.intersects(footprint)]
    if not land:
        return None
    # work on a grid 4x coarser (the coast is smooth at that scale), then upsample
    step = 4
    shape = (-(-geom.rows // step) + 1, -(-geom.cols // step) + 1)
    mask = features.rasterize(land, out_shape=shape, transform=geom.transform @ Affine.scale(step), dtype="uint8")
    if not mask.any():
        return None
    # a crinkled coast: blur the straight polygon edges, then cut with a noisy threshold
    soft = ndimage.gaussian_filter(mask.astype(np.float32), 400 / geom.pixel_m / step)
    near_coast = 4.0 * soft * (1.0 - soft)  # 1 on the polygon edge, 0 away from it
    soft += 0.3 * near_coast * smooth_noise(shape, 700 / geom.pixel_m / step, rng)
    soft = upsample(soft, (geom.rows, geom.cols), step)
    return soft_step(soft, 0.5, 0.03)


def land_sigma0(shape, pixel_m: float, rng: np.random.Generator) -> np.ndarray:
    """Land / glacier sigma0 (linear): bright (~ -6 dB) and strongly textured by relief."""
    tex = 3.0 * smooth_noise(shape, 1500 / pixel_m, rng) + 1.5 * smooth_noise(shape, 250 / pixel_m, rng)
    return db_to_linear(tex - float(rng.uniform(3.0, 9.0)))


def coast_clutter(sigma: np.ndarray, land: np.ndarray, pixel_m: float, rng: np.random.Generator) -> None:
    """Bright, speckly returns along the shore (breakers, rocks, sea ice stuck to the coast)."""
    shore = land * (1.0 - land) * 4.0
    near = ndimage.uniform_filter(shore, max(3, int(600 / pixel_m)))
    spots = soft_step(smooth_noise(sigma.shape, 120 / pixel_m, rng), 1.0, 0.2)
    sigma *= 1.0 + float(rng.uniform(1.0, 8.0)) * (near * spots).astype(np.float32)
