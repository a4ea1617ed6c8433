"""Compose one simulated scene in radar geometry, stage by stage:

wind -> sea clutter -> sea texture -> look-alike damping -> ice and land -> oil slicks and
their labels -> ships, noise floor, speckle -> product artefacts (seams, nodata holes).

Random draws come from independent streams (one per component, spawned from the scene's
seed), so switching one component off (e.g. the slicks, in tests) leaves every other pixel
of the scene exactly as it was.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import lookalikes as lk
from .artefacts import correlated_speckle, mosaic_seam_db, nodata_holes, subswath_steps_db
from .backscatter import db_to_linear, noise_floor, sea_sigma0
from .geometry import SceneGeometry
from .plumes import (
    LABEL_SMOOTH_M,
    LOOK_M,
    MIN_CNR,
    MIN_LABEL_M2,
    RING_M,
    VISIBLE_DB,
    DriftField,
    random_plume,
    render_plume,
    wind_factor,
)
from .texture import internal_waves, sea_texture_db
from .wind import Wind, relative_direction, wind_field

STREAMS = ("wind", "texture", "lookalikes", "ice", "slicks", "ships", "speckle", "noise", "land", "artefacts")


@dataclass
class SceneResult:
    intensity: np.ndarray  # float32 linear sigma0 as measured (speckled, with noise floor); NaN = no data
    labels: np.ndarray  # uint8: 0 = no slick, k = slick of seep k (1-based, see seeps)
    seeps: list[dict] = field(default_factory=list)  # per seep in view: id, plume params, pixels
    info: dict = field(default_factory=dict)  # wind, lookalike counts, ...
    nesz: np.ndarray | None = None  # float32 linear noise floor added to intensity (a product's noise LUT)
    ice: np.ndarray | None = None  # float32 0..1 sea-ice concentration (the truth of where ice is); None: no ice


@dataclass
class _Layers:
    """Fields shared by the stages (image grid)."""

    sigma: np.ndarray  # linear sigma0 of the surface so far
    damp_db: np.ndarray  # damping by things that are not oil, dB (positive = darker)
    wind: Wind
    solid: np.ndarray | None = None  # 0..1 ice or land: never oiled
    info: dict = field(default_factory=dict)


def simulate_scene(geom: SceneGeometry, seed_seq: np.random.SeedSequence, slicks: bool = True) -> SceneResult:
    rngs = dict(zip(STREAMS, (np.random.default_rng(s) for s in seed_seq.spawn(len(STREAMS))), strict=True))
    rsp = rngs["speckle"]
    looks = float(geom.mode.enl * rsp.uniform(0.6, 1.4))
    corr = float(rsp.uniform(0.5, 1.3))  # GRD pixels are about half the resolution cell
    layers = _sea(geom, rngs)
    layers.info.update({"looks": round(looks, 2), "speckle_corr_px": round(corr, 2)})
    targets = _lookalikes(geom, layers, rngs)
    ice, land = _ice_and_land(geom, layers, rngs)
    oil_db, candidates, seeps = _slicks(geom, layers, rngs["slicks"], slicks)
    layers.sigma *= db_to_linear(-layers.damp_db)
    layers.damp_db = None
    _replace_surface(geom, layers, ice, land, rngs)
    nesz = _noise_floor(geom, rngs["noise"], layers.info)
    labels, seen_db = _candidate_labels(layers.sigma, nesz, oil_db, candidates, geom.pixel_m)
    layers.sigma *= db_to_linear(-oil_db)
    del candidates
    sigma = _measure(geom, layers, targets, nesz, looks, corr, rsp)
    holes = nodata_holes(geom, rngs["artefacts"])
    if holes is not None:
        sigma[holes] = np.nan
        labels[holes] = 0
    labels = visible_pieces(sigma, labels, geom.pixel_m)
    _seep_label_stats(seeps, labels, oil_db, seen_db)
    del oil_db, seen_db
    theta = geom.incidence()
    info = {**layers.info, "nodata_holes": 0.0 if holes is None else round(float(holes.mean()), 3),
            "incidence_deg": [round(float(theta.min()), 2), round(float(theta.max()), 2)]}
    return SceneResult(sigma, labels, seeps, info, nesz, None if ice is None else ice.astype(np.float32, copy=False))


def _sea(geom: SceneGeometry, rngs) -> _Layers:
    """Wind (gusts, calm patches, rain cells) -> sea clutter -> texture in dB (rolls, cells,
    mottle, internal waves, sub-swath steps, a mosaic seam)."""
    shape, px = (geom.rows, geom.cols), geom.pixel_m
    rw = rngs["wind"]
    wind = wind_field(shape, px, geom.map_to_image_angle, rw)
    gain = np.ones(shape, np.float32)
    damp_db = np.zeros(shape, np.float32)
    n_rain = lk.rain_cells(gain, damp_db, px, rw)
    wind.speed *= gain
    del gain
    rel = relative_direction(shape, px, wind, geom.look_angle_image(), rw)
    sigma = sea_sigma0(geom.mode, geom.incidence()[None, :], wind.speed, rel)
    del rel
    rt = rngs["texture"]
    tex, tex_info = sea_texture_db(shape, px, wind.direction, rt)
    n_waves = internal_waves(tex, px, rt)
    ra = rngs["artefacts"]
    tex += subswath_steps_db(geom, ra)[None, :]
    seam, seam_db = mosaic_seam_db(shape, ra)
    if seam is not None:
        tex += seam
    sigma *= db_to_linear(tex)
    info = {**wind.info, "calm_fraction": round(float((wind.speed < 2.5).mean()), 3), "rain_cells": n_rain,
            **tex_info, "internal_waves": n_waves, "seam_db": round(seam_db, 2)}
    return _Layers(sigma, damp_db, wind, info=info)


def _lookalikes(geom: SceneGeometry, layers: _Layers, rngs) -> list:
    """Surfactant films (eddies, biogenic streaks) and ship wakes damp the sea; returns the ships."""
    shape, px = layers.sigma.shape, geom.pixel_m
    rl = rngs["lookalikes"]
    film = np.zeros(shape, np.float32)
    n_eddies = lk.eddies(film, px, rl)
    has_biogenic = lk.biogenic_streaks(film, px, layers.wind.direction, rl)
    layers.damp_db += film * float(rl.uniform(2.0, 6.0)) * wind_factor(layers.wind.speed)
    del film
    rsh = rngs["ships"]
    area_km2 = shape[0] * shape[1] * (px / 1000.0) ** 2
    targets = lk.ships(shape, rsh, int(rsh.poisson(min(8.0, 1.0 + area_km2 / 3000.0))))
    wakes = lk.ship_wakes(layers.damp_db, targets, px, rsh)
    layers.info.update({"eddies": n_eddies, "biogenic_streaks": has_biogenic, "ships": len(targets), "ship_wakes": wakes})
    return targets


def _ice_and_land(geom: SceneGeometry, layers: _Layers, rngs):
    """Ice edge (EW, Arctic sites) with grease-ice damping; the site's land and random coasts."""
    shape, px = layers.sigma.shape, geom.pixel_m
    ri = rngs["ice"]
    ice = None
    if geom.mode.name == "EW" and ri.random() < geom.site.ice_probability:
        ice, grease_db = lk.ice_edge(shape, px, ri)
        layers.damp_db += grease_db
        del grease_db
    rland = rngs["land"]
    land = lk.land_fraction(geom, rland)
    coast = lk.random_coast(geom, rland)
    if coast is not None:
        land = coast if land is None else np.maximum(land, coast)
    solid = [a for a in (ice, land) if a is not None]
    layers.solid = None if not solid else (solid[0] if len(solid) == 1 else np.maximum(*solid))
    layers.info.update({"ice_edge": ice is not None, "land_fraction": 0.0 if land is None else round(float(land.mean()), 3)})
    return ice, land


def _slicks(geom: SceneGeometry, layers: _Layers, rs: np.random.Generator, slicks: bool):
    """Oil damping (dB) of the plumes of the seeps in view, their outline candidates, seep records."""
    shape, px = layers.sigma.shape, geom.pixel_m
    candidates = np.zeros(shape, np.uint8)  # seep index where a plume's outline covers the pixel
    oil_db = np.zeros(shape, np.float32)
    seeps_out: list[dict] = []
    flow = DriftField(shape, px, layers.wind.direction, layers.wind.mean, rs)
    drift_dir = layers.wind.direction + rs.normal(0.0, math.radians(30))
    # the surface drift at the site (current, eddies, wind drift), as an ocean model would give it: what carries
    # the plumes (they start around drift_dir and turn into the flow); the nearest edge when the site is off-scene
    at_site = flow.heading(*geom.utm_to_image(*geom.site.centre_utm()))
    layers.info["drift_to_deg"] = round(geom.image_to_map_deg(drift_dir if at_site is None else at_site), 1)
    layers.info["plume_start_to_deg"] = round(geom.image_to_map_deg(drift_dir), 1)
    wf = wind_factor(layers.wind.speed)
    active_any = False
    for k, (seep_id, row, col, persistent) in enumerate(_seeps_in_scene(geom, rs), start=1):
        plume = random_plume(seep_id, row, col, drift_dir, rs)
        active = rs.random() < 0.8
        inside = 0 <= row < shape[0] and 0 <= col < shape[1]
        if inside and not active_any and k == len(geom.site.seeps):
            active = True  # every scene shows at least one slick from a site's seep
        if not (slicks and active and inside):
            continue
        rendered = render_plume(plume, shape, px, rs, flow)
        if rendered is None:
            continue
        win, frac, outline = rendered
        if layers.solid is not None:
            frac *= 1.0 - layers.solid[win]
        np.maximum(oil_db[win], plume.damping_db * frac * wf[win], out=oil_db[win])
        candidates[win][outline & (candidates[win] == 0)] = k
        active_any = True
        seeps_out.append({"index": k, "row": round(row, 1), "col": round(col, 1), "persistent": persistent,
                          **plume.to_json()})
    layers.info.update(flow.info)
    return oil_db, candidates, seeps_out


def _seeps_in_scene(geom: SceneGeometry, rs: np.random.Generator) -> list[tuple[str, float, float, bool]]:
    """(id, row, col, persistent) of the site's persistent seeps, then of a few transient ones
    anywhere in the scene (short-lived seeps and spills that nobody has mapped yet)."""
    seeps = [(seep.id, *geom.utm_to_image(*geom.site.seep_utm(seep)), True) for seep in geom.site.seeps]
    for j in range(int(rs.poisson(1.5))):
        seeps.append((f"T{j + 1}", float(rs.uniform(0, geom.rows)), float(rs.uniform(0, geom.cols)), False))
    return seeps


def _replace_surface(geom: SceneGeometry, layers: _Layers, ice, land, rngs) -> None:
    """Pack ice and land replace the sea where they lie; shores get bright clutter."""
    shape, px = layers.sigma.shape, geom.pixel_m
    if ice is not None:
        layers.sigma = layers.sigma * (1.0 - ice) + lk.pack_ice_sigma0(shape, px, rngs["ice"]) * ice
    if land is not None:
        rland = rngs["land"]
        layers.sigma = layers.sigma * (1.0 - land) + lk.land_sigma0(shape, px, rland) * land
        lk.coast_clutter(layers.sigma, land, px, rland)
    layers.solid = None


def _noise_floor(geom: SceneGeometry, rn: np.random.Generator, info: dict) -> np.ndarray:
    """The mode's NESZ pattern, shifted per scene (noise removal is never perfect)."""
    offset = float(rn.uniform(-2.0, 2.0))
    info["nesz_offset_db"] = round(offset, 2)
    return noise_floor(geom.mode, geom.range_km(), geom.azimuth_km(), float(rn.uniform(0, np.pi))) * db_to_linear(offset)


def _candidate_labels(sigma, nesz, oil_db, candidates, pixel_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Plume outline pixels whose contrast over the noise floor, averaged over a stretch of the
    plume, is at least VISIBLE_DB (what the physics lets through; `visible_pieces` then keeps what
    a person would see in the final image). Also the contrast seen at each pixel (dB)."""
    from scipy import ndimage

    labels = np.zeros(sigma.shape, np.uint8)
    seen = np.zeros(sigma.shape, np.float32)
    rr, cc = np.nonzero(candidates)
    if not rr.size:
        return labels, seen
    sea, n = sigma[rr, cc], nesz[rr, cc]
    seen[rr, cc] = 10.0 * np.log10((sea + n) / (sea * 10.0 ** (-0.1 * oil_db[rr, cc]) + n))
    r0, r1, c0, c1 = rr.min(), rr.max() + 1, cc.min(), cc.max() + 1  # work in the plumes' bounding box
    inside = (candidates[r0:r1, c0:c1] > 0).astype(np.float32)
    reach = max(1.5, LABEL_SMOOTH_M / pixel_m)
    mean_seen = ndimage.gaussian_filter(seen[r0:r1, c0:c1], reach) / np.maximum(ndimage.gaussian_filter(inside, reach), 1e-3)
    keep = mean_seen[rr - r0, cc - c0] >= VISIBLE_DB
    labels[rr[keep], cc[keep]] = candidates[rr[keep], cc[keep]]
    return labels, seen


def visible_pieces(sigma: np.ndarray, labels: np.ndarray, pixel_m: float) -> np.ndarray:
    """Keep the labelled pieces a person would see and outline in the final image: each piece must
    be darker than a ring of water around it (75-200 m away) by at least MIN_CNR standard deviations
    of that ring, measured in dB on the image as measured (speckle, texture, look-alikes and all),
    smoothed to ~75 m so that products of any pixel size are judged alike, and cover MIN_LABEL_M2."""
    from scipy import ndimage

    out = labels.copy()
    parts, count = ndimage.label(labels > 0, structure=np.ones((3, 3)))
    if not count:
        return out
    valid = np.isfinite(sigma)
    db = 10.0 * np.log10(np.where(valid, np.maximum(sigma, 1e-12), 1.0)).astype(np.float32)
    size = max(1, int(round(LOOK_M / pixel_m)))
    db = ndimage.uniform_filter(db, size) / np.maximum(ndimage.uniform_filter(valid.astype(np.float32), size), 1e-3)
    inner, outer = max(1, int(round(RING_M[0] / pixel_m))), max(2, int(round(RING_M[1] / pixel_m)))
    any_slick = labels > 0
    for k, box in enumerate(ndimage.find_objects(parts), start=1):
        pad = outer + 1
        win = tuple(slice(max(0, b.start - pad), min(n, b.stop + pad)) for b, n in zip(box, parts.shape, strict=True))
        piece = parts[win] == k
        area_m2 = float(piece.sum()) * pixel_m**2
        ring = ndimage.binary_dilation(piece, iterations=outer) & ~ndimage.binary_dilation(piece, iterations=inner)
        ring &= ~any_slick[win] & valid[win]
        inside = piece & valid[win]
        seen = area_m2 >= MIN_LABEL_M2 and ring.sum() >= 10 and inside.any()
        if seen:
            r = db[win][ring]
            seen = (r.mean() - db[win][inside].mean()) >= MIN_CNR * max(float(r.std()), 1e-6)
        if not seen:
            out[win][piece] = 0
    return out


def _seep_label_stats(seeps: list, labels: np.ndarray, oil_db: np.ndarray, seen_db: np.ndarray) -> None:
    """What the labels of each seep hold: pixels, nominal damping and contrast seen over the floor."""
    for s in seeps:
        mine = labels == s["index"]
        s["slick_pixels"] = int(np.count_nonzero(mine))
        s["label_damping_db"] = round(float(oil_db[mine].mean()), 3) if s["slick_pixels"] else 0.0
        s["label_contrast_db"] = round(float(seen_db[mine].mean()), 3) if s["slick_pixels"] else 0.0


def _measure(geom: SceneGeometry, layers: _Layers, targets, nesz: np.ndarray, looks: float, corr: float,
             rsp: np.random.Generator) -> np.ndarray:
    """Bright ships, the additive noise floor, then multiplicative (spatially correlated) speckle."""
    sigma = layers.sigma
    lk.add_ships(sigma, targets, geom.pixel_m)
    sigma += nesz
    sigma *= correlated_speckle(sigma.shape, looks, corr, rsp)
    return sigma.astype(np.float32, copy=False)
