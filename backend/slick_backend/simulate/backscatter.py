"""Sea-surface radar backscatter, noise floor and speckle (all in linear intensity units).

The sea clutter is a simple CMOD-like geophysical model function written for this project
(not CMOD5 itself): VV sigma0 falls by ~0.5 dB per degree of incidence, grows as a power of
the wind speed (exponent rising with incidence), is modulated by the wind direction relative
to the radar look (upwind > downwind > crosswind), and collapses below ~2.5 m/s where no
capillary (Bragg) waves form, so low-wind areas are dark without any oil. HH is derived
from VV through a Thompson-type polarisation ratio that grows with incidence, which is why
EW HH scenes have less sea clutter, closer to the noise floor, especially in far range.
"""

from __future__ import annotations

import numpy as np

from .modes import ModeSpec

CALM_WIND = 2.5  # m/s: below this the sea has no Bragg roughness and looks dark


def db_to_linear(db: np.ndarray) -> np.ndarray:
    """10^(db/10) as an exp (much cheaper than a float power on big arrays)."""
    return np.exp(np.float32(np.log(10.0) / 10.0) * np.asarray(db, np.float32))


def sea_sigma0_vv(theta_deg: np.ndarray, wind: np.ndarray, rel_dir: np.ndarray | float) -> np.ndarray:
    """VV sigma0 (linear) for incidence (deg), wind speed (m/s) and the angle (rad) between the
    look direction and the direction the wind comes from (0 = radar looks upwind)."""
    theta = np.asarray(theta_deg, np.float32)
    u = np.maximum(np.asarray(wind, np.float32), np.float32(0.3))
    base_db = -12.0 - 0.5 * (theta - 30.0)  # at 7 m/s, averaged over direction
    exponent = 1.5 + 0.02 * (theta - 30.0)  # dB per dB of wind speed
    sigma = np.exp(exponent * np.log(u * np.float32(1.0 / 7.0)))
    sigma *= db_to_linear(base_db)
    c = np.cos(np.asarray(rel_dir, np.float32))
    sigma *= 1.0 + 0.12 * c + 0.30 * (2.0 * c * c - 1.0)  # upwind > downwind > crosswind
    r = np.float32(CALM_WIND) / u
    r *= r
    sigma /= 1.0 + r * r * r  # no Bragg waves below ~2.5 m/s: (CALM / u)^6
    return sigma.astype(np.float32, copy=False)


def polarisation_ratio(theta_deg: np.ndarray, alpha: float = 0.6) -> np.ndarray:
    """VV/HH ratio (linear, >= 1): (1 + 2 tan^2)^2 / (1 + alpha tan^2)^2 (Thompson-type form)."""
    t2 = np.tan(np.radians(np.asarray(theta_deg, np.float32))) ** 2
    return ((1.0 + 2.0 * t2) ** 2 / (1.0 + alpha * t2) ** 2).astype(np.float32)


def sea_sigma0(mode: ModeSpec, theta_deg, wind, rel_dir) -> np.ndarray:
    vv = sea_sigma0_vv(theta_deg, wind, rel_dir)
    return vv if mode.polarisation == "VV" else vv / polarisation_ratio(theta_deg)


def noise_floor(mode: ModeSpec, range_km: np.ndarray, azimuth_km: np.ndarray, burst_phase: float) -> np.ndarray:
    """NESZ (linear) on the (azimuth, range) grid: per-sub-swath level, scalloped across range,
    rippled along azimuth by the bursts. Returns shape (len(azimuth_km), len(range_km))."""
    nesz_db = np.full(range_km.shape, mode.subswaths[-1].nesz_db, np.float32)
    for sw in mode.subswaths:
        inside = (range_km >= sw.start_km) & (range_km < sw.end_km)
        half = 0.5 * (sw.end_km - sw.start_km)
        u = (range_km[inside] - (sw.start_km + half)) / half  # -1..1 across the sub-swath
        nesz_db[inside] = sw.nesz_db + mode.scallop_db * u**2
    ripple = mode.burst_ripple_db * np.cos(2 * np.pi * azimuth_km / mode.burst_km + burst_phase) ** 2
    return db_to_linear(nesz_db[None, :] + ripple[:, None].astype(np.float32))


def speckle(shape: tuple[int, int], enl: float, rng: np.random.Generator) -> np.ndarray:
    """Multiplicative speckle of a multi-looked intensity: Gamma(shape=L, mean=1), var = 1/L."""
    out = rng.standard_gamma(enl, size=shape, dtype=np.float32)
    out *= np.float32(1.0 / enl)
    return out
