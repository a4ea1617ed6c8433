"""Compose one simulated scene in radar geometry: wind -> sea clutter -> damping -> noise -> speckle.

Random draws come from independent streams (one per component, spawned from the scene's
seed), so switching one component off (e.g. the slicks, in tests) leaves every other pixel
of the scene exactly as it was.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import lookalikes as lk
from .backscatter import db_to_linear, noise_floor, sea_sigma0, speckle
from .fields import smooth_noise
from .geometry import SceneGeometry
from .plumes import VISIBLE_DB, random_plume, render_plume, wind_factor

STREAMS = ("wind", "texture", "lookalikes", "ice", "slicks", "ships", "speckle", "noise", "land")


@dataclass
class SceneResult:
    intensity: np.ndarray  # float32 linear sigma0 as measured (speckled, with noise floor)
    labels: np.ndarray  # uint8: 0 = no slick, k = slick of seep k (1-based, see seeps)
    seeps: list[dict] = field(default_factory=list)  # per seep in view: id, plume params, pixels
    info: dict = field(default_factory=dict)  # wind, lookalike counts, ...


def simulate_scene(geom: SceneGeometry, seed_seq: np.random.SeedSequence, slicks: bool = True) -> SceneResult:
    rngs = dict(zip(STREAMS, (np.random.default_rng(s) for s in seed_seq.spawn(len(STREAMS))), strict=True))
    mode, px = geom.mode, geom.pixel_m
    shape = (geom.rows, geom.cols)
    theta = geom.incidence()[None, :]

    # --- wind: a smooth field (m/s) with calm zones and rain-cell gusts --------------------------
    rw = rngs["wind"]
    mean_wind = float(rw.uniform(4.0, 10.0))
    wind_dir_map = float(rw.uniform(0.0, 360.0))  # direction the wind blows towards
    wind_dir = geom.map_to_image_angle(wind_dir_map)
    wind = mean_wind * (1.0 + 0.15 * smooth_noise(shape, 15000 / px, rw) + 0.10 * smooth_noise(shape, 2500 / px, rw))
    calm = lk.low_wind_zones(shape, px, rw)
    wind *= 1.0 - rw.uniform(0.5, 0.8) * calm
    gain = np.ones(shape, np.float32)
    damp_db = np.zeros(shape, np.float32)  # damping by things that are not oil, dB
    n_rain = lk.rain_cells(gain, damp_db, px, rw)
    wind *= gain
    np.maximum(wind, 0.2, out=wind)
    # 0 when the radar looks into the wind (upwind, brightest), pi when it looks downwind
    rel_dir = wind_dir - geom.look_angle_image() - np.pi + 0.15 * smooth_noise(shape, 20000 / px, rw)

    sigma = sea_sigma0(mode, theta, wind, rel_dir)
    del rel_dir, gain

    # --- sea texture: wind streaks (boundary-layer rolls) and convective cells ---------------------
    rt = rngs["texture"]
    streaks = smooth_noise(shape, rt.uniform(400, 900) / px, rt, anisotropy=rt.uniform(3, 6), angle=wind_dir)
    cells = smooth_noise(shape, rt.uniform(800, 2000) / px, rt)  # convective cells of the boundary layer
    streaks *= rt.uniform(0.15, 0.45)
    streaks += rt.uniform(0.15, 0.6) * cells
    sigma *= db_to_linear(streaks)
    del streaks, cells

    # --- surfactant lookalikes: eddies and biogenic streaks (damping fraction, wind-dependent) ---
    rl = rngs["lookalikes"]
    film = np.zeros(shape, np.float32)
    n_eddies = lk.eddies(film, px, rl)
    has_biogenic = lk.biogenic_streaks(film, px, wind_dir, rl)
    wf = wind_factor(wind)
    damp_db += film * 4.0 * wf
    del film

    # --- ice (EW, Arctic sites): pack ice replaces the sea, grease ice damps it strongly ------------
    ri = rngs["ice"]
    ice = None
    if mode.name == "EW" and ri.random() < geom.site.ice_probability:
        ice, grease_db = lk.ice_edge(shape, px, ri)
        damp_db += grease_db
        del grease_db

    # --- land (where the site has a coast): replaces sea and ice, never carries oil -----------------
    rland = rngs["land"]
    land = lk.land_fraction(geom, rland)
    solid = land if ice is None else (ice if land is None else np.maximum(ice, land))  # no oil there

    # --- slicks from the seeps in view ------------------------------------------------------------
    rs = rngs["slicks"]
    candidates = np.zeros(shape, np.uint8)  # seep index where a plume covers the pixel
    seeps_out: list[dict] = []
    drift_dir = wind_dir + rs.normal(0.0, math.radians(30))  # wind drift plus a current
    oil_db = np.zeros(shape, np.float32)
    active_any = False
    for k, seep in enumerate(geom.site.seeps, start=1):
        row, col = geom.utm_to_image(*geom.site.seep_utm(seep))
        plume = random_plume(seep.id, row, col, drift_dir, rs)
        active = rs.random() < 0.8
        inside = 0 <= row < shape[0] and 0 <= col < shape[1]
        if inside and not active_any and k == len(geom.site.seeps):
            active = True  # every scene shows at least one slick
        if not (slicks and active and inside):
            continue
        rendered = render_plume(plume, shape, px, rs)
        if rendered is None:
            continue
        win, frac, outline = rendered
        if solid is not None:
            frac *= 1.0 - solid[win]
        np.maximum(oil_db[win], plume.damping_db * frac * wf[win], out=oil_db[win])
        candidates[win][outline & (candidates[win] == 0)] = k
        active_any = True
        seeps_out.append({"index": k, "row": round(row, 1), "col": round(col, 1), **plume.to_json()})
    del wf

    damp_db *= -1.0
    sigma *= db_to_linear(damp_db)
    del damp_db
    del solid
    if ice is not None:
        sigma = sigma * (1.0 - ice) + lk.pack_ice_sigma0(shape, px, ri) * ice
    if land is not None:
        sigma = sigma * (1.0 - land) + lk.land_sigma0(shape, px, rland) * land

    # --- labels: plume pixels whose contrast over the noise floor a person could see -------------------
    nesz = noise_floor(mode, geom.range_km(), geom.azimuth_km(), float(rngs["noise"].uniform(0, np.pi)))
    labels = np.zeros(shape, np.uint8)
    rr, cc = np.nonzero(candidates)
    if rr.size:
        sea, n = sigma[rr, cc], nesz[rr, cc]
        seen_db = 10.0 * np.log10((sea + n) / (sea * 10.0 ** (-0.1 * oil_db[rr, cc]) + n))
        keep = seen_db >= VISIBLE_DB
        labels[rr[keep], cc[keep]] = candidates[rr[keep], cc[keep]]
        which = candidates[rr[keep], cc[keep]]
        for s in seeps_out:  # what the labels of each seep hold: nominal damping and contrast seen
            mine = which == s["index"]
            s["label_damping_db"] = round(float(oil_db[rr[keep][mine], cc[keep][mine]].mean()), 3) if mine.any() else 0.0
            s["label_contrast_db"] = round(float(seen_db[keep][mine].mean()), 3) if mine.any() else 0.0
    del candidates, rr, cc
    oil_db *= -1.0
    sigma *= db_to_linear(oil_db)
    del oil_db

    # --- bright ships, additive noise floor, multiplicative speckle ----------------------------------
    rsh = rngs["ships"]
    area_km2 = shape[0] * shape[1] * (px / 1000.0) ** 2
    targets = lk.ships(shape, rsh, int(rsh.poisson(min(8.0, 1.0 + area_km2 / 3000.0))))
    lk.add_ships(sigma, targets, px)
    sigma += nesz
    del nesz
    sigma *= speckle(shape, mode.enl, rngs["speckle"])

    for s in seeps_out:
        s["slick_pixels"] = int(np.count_nonzero(labels == s["index"]))
    info = {
        "mean_wind_ms": round(mean_wind, 2),
        "wind_direction_deg": round(wind_dir_map, 1),
        "calm_fraction": round(float((wind < 2.5).mean()), 3),
        "rain_cells": n_rain,
        "eddies": n_eddies,
        "biogenic_streaks": has_biogenic,
        "ice_edge": ice is not None,
        "land_fraction": 0.0 if land is None else round(float(land.mean()), 3),
        "ships": len(targets),
        "incidence_deg": [round(float(theta.min()), 2), round(float(theta.max()), 2)],
    }
    return SceneResult(sigma.astype(np.float32, copy=False), labels, seeps_out, info)
