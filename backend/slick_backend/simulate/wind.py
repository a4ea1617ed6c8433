"""The surface wind over a scene: scale-rich gusts, sharp-edged low-wind patches, rain-cell gusts.

Real Sentinel-1 sea scenes are mottled at every scale from a few hundred metres to tens of km
(the marine atmospheric boundary layer is turbulent), and low-wind areas are not smooth blobs:
they are patches with sharp, ragged edges, from a few hundred metres to tens of km, often
elongated along the wind, sometimes covering most of a scene. Thresholding a power-law
(fractal) field gives exactly such patches. All the shape and strength parameters are drawn
per scene over wide ranges, because nobody knows the "right" ones for a given scene.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .fields import powerlaw_noise, soft_step


@dataclass
class Wind:
    speed: np.ndarray  # m/s on the image grid
    mean: float  # scene mean before calm patches
    direction_map_deg: float  # direction the wind blows towards, degrees clockwise from north
    direction: float  # the same as an image angle (radians)
    calm: np.ndarray  # 0..1: how much of the wind the calm patches removed (for the look-alike share)
    info: dict


def wind_field(shape: tuple[int, int], pixel_m: float, image_angle, rng: np.random.Generator) -> Wind:
    """``image_angle(map_deg)`` turns a map direction into an image angle (the scene's geometry)."""
    mean = float(rng.uniform(3.0, 11.0))
    dir_map = float(rng.uniform(0.0, 360.0))
    direction = image_angle(dir_map)
    # gusts: a log-normal modulation with a power-law spectrum (slope and strength drawn per scene)
    beta = float(rng.uniform(1.6, 3.0))
    gust = float(rng.uniform(0.03, 0.2))
    stretch = float(rng.uniform(1.0, 2.5))  # gusts and cells drawn out along the wind
    mottle = powerlaw_noise(shape, pixel_m, rng, beta, 250.0, 40000.0, stretch, direction)
    speed = mean * np.exp(gust * mottle)
    del mottle
    calm, calm_info = calm_patches(shape, pixel_m, direction, rng)
    speed *= 1.0 - calm
    np.maximum(speed, 0.2, out=speed)
    info = {"mean_wind_ms": round(mean, 2), "wind_direction_deg": round(dir_map, 1), "gust_slope": round(beta, 2),
            "gust_strength": round(gust, 3), **calm_info}
    return Wind(speed.astype(np.float32, copy=False), mean, dir_map, direction, calm, info)


def calm_patches(shape: tuple[int, int], pixel_m: float, direction: float, rng: np.random.Generator):
    """Share 0..1 of the wind lost in low-wind patches: ragged, often sharp-edged, at several scales."""
    target = float(rng.choice([0.0, rng.uniform(0.02, 0.15), rng.uniform(0.05, 0.3), rng.uniform(0.2, 0.6)]))
    calm = np.zeros(shape, np.float32)
    if target <= 0:
        return calm, {"calm_target": 0.0}
    beta = float(rng.uniform(2.4, 3.8))  # steeper: smoother, larger patches; flatter: more ragged
    largest = float(rng.uniform(8000, 60000))
    field = powerlaw_noise(shape, pixel_m, rng, beta, 200.0, largest, float(rng.uniform(1.0, 3.0)),
                           direction + rng.normal(0.0, 0.3))
    level = float(np.quantile(field[:: 8, :: 8], 1.0 - target))
    edge = float(rng.choice([0.02, 0.05, 0.15, 0.35]))  # in field std: sharp to gradual edges
    drop = float(rng.uniform(0.55, 0.95))
    calm = drop * soft_step(field, level, edge)
    return calm.astype(np.float32), {"calm_target": round(target, 3), "calm_slope": round(beta, 2),
                                     "calm_edge": edge, "calm_drop": round(drop, 2)}


def relative_direction(shape, pixel_m: float, wind: Wind, look: float, rng: np.random.Generator) -> np.ndarray:
    """Angle between the radar look and the direction the wind comes from (0: looking upwind),
    with a slow wander of the wind direction across the scene."""
    wander = float(rng.uniform(0.05, 0.3)) * powerlaw_noise(shape, pixel_m, rng, 3.0, 3000.0, 60000.0)
    return (wind.direction - look - math.pi + wander).astype(np.float32)
