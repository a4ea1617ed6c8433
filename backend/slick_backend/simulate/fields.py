"""Smooth random fields by FFT filtering of white noise.

A field whose correlation length is many pixels is generated on a coarse grid (a few
samples per correlation length) and upsampled bilinearly, so a 4000 x 4000 px wind field
costs a small FFT instead of a full-size one.
"""

from __future__ import annotations

import numpy as np
from scipy import fft, ndimage, sparse

SAMPLES_PER_SCALE = 6.0  # coarse-grid samples per correlation length: smooth after bilinear upsampling


def smooth_noise(
    shape: tuple[int, int],
    scale_px: float,
    rng: np.random.Generator,
    anisotropy: float = 1.0,
    angle: float = 0.0,
) -> np.ndarray:
    """Zero-mean, unit-std Gaussian random field (float32) with a Gaussian correlation.

    ``scale_px`` is the correlation length across ``angle`` (radians, image x axis = 0, y down);
    along ``angle`` it is ``scale_px * anisotropy`` (wind streaks, biogenic filaments).
    """
    h, w = shape
    if anisotropy == 1.0 and scale_px < 2 * SAMPLES_PER_SCALE:
        # fine isotropic texture: a small Gaussian blur of white noise beats a full-size FFT
        field = ndimage.gaussian_filter(rng.standard_normal(shape, dtype=np.float32), scale_px, mode="wrap")
        field -= field.mean()
        field /= field.std() + 1e-12
        return field
    step = max(1.0, min(scale_px, scale_px * anisotropy) / SAMPLES_PER_SCALE)
    ch, cw = int(np.ceil(h / step)) + 2, int(np.ceil(w / step)) + 2
    # pad so the periodic FFT field does not wrap visibly across opposite edges
    ph, pw = ch + int(np.ceil(3 * scale_px * anisotropy / step)), cw + int(np.ceil(3 * scale_px * anisotropy / step))
    white = rng.standard_normal((ph, pw)).astype(np.float32)
    ky = fft.fftfreq(ph)[:, None]
    kx = fft.rfftfreq(pw)[None, :]
    ku = kx * np.cos(angle) + ky * np.sin(angle)  # along the streak direction
    kv = -kx * np.sin(angle) + ky * np.cos(angle)
    la, lc = scale_px * anisotropy / step, scale_px / step
    filt = np.exp(-2.0 * np.pi**2 * ((ku * la) ** 2 + (kv * lc) ** 2)).astype(np.float32)
    coarse = fft.irfft2(fft.rfft2(white) * filt, s=(ph, pw))[:ch, :cw]
    coarse -= coarse.mean()
    coarse /= coarse.std() + 1e-12
    return upsample(coarse.astype(np.float32), shape, step)


def powerlaw_noise(
    shape: tuple[int, int],
    pixel_m: float,
    rng: np.random.Generator,
    beta: float,
    min_m: float,
    max_m: float,
    anisotropy: float = 1.0,
    angle: float = 0.0,
) -> np.ndarray:
    """Zero-mean, unit-std Gaussian field whose power spectrum falls as k^-beta between the
    wavelengths ``min_m`` and ``max_m`` (flat below k_max_m, cut off above k_min_m).

    Real sea clutter is scale-rich: wind gusts, cells and low-wind patches at every scale from
    hundreds of metres to tens of km, which a single Gaussian correlation length cannot give.
    The field is made on a grid with ~4 samples per ``min_m`` and upsampled bilinearly.
    ``anisotropy`` > 1 stretches structures along ``angle`` (image radians, x = +col).
    """
    h, w = shape
    step = max(1.0, min_m / pixel_m / 4.0)
    ch, cw = int(np.ceil(h / step)) + 2, int(np.ceil(w / step)) + 2
    pad = int(np.ceil(0.5 * max_m / pixel_m / step))  # a half period of margin: no visible wrap-around
    ph, pw = ch + pad, cw + pad
    ky = fft.fftfreq(ph)[:, None] / (step * pixel_m)  # cycles per metre
    kx = fft.rfftfreq(pw)[None, :] / (step * pixel_m)
    ku = kx * np.cos(angle) + ky * np.sin(angle)
    kv = -kx * np.sin(angle) + ky * np.cos(angle)
    k = np.hypot(ku * anisotropy, kv)
    k0, k1 = 1.0 / max_m, 1.0 / min_m
    amp = np.power(np.maximum(k, k0), -beta / 2.0) * np.exp(-((k / k1) ** 4))
    amp[0, 0] = 0.0
    spec = (rng.standard_normal((ph, pw // 2 + 1)) + 1j * rng.standard_normal((ph, pw // 2 + 1))) * amp
    coarse = fft.irfft2(spec, s=(ph, pw))[:ch, :cw]
    coarse -= coarse.mean()
    coarse /= coarse.std() + 1e-12
    return upsample(coarse.astype(np.float32), shape, step)


def upsample(coarse: np.ndarray, shape: tuple[int, int], step: float) -> np.ndarray:
    """Bilinear upsampling of a coarse grid with spacing ``step`` px onto ``shape``.

    Written as two sparse interpolation-matrix products (rows, then columns), two non-zeros
    per output row: linear in the output size whatever the coarse grid's size.
    """
    if step <= 1.0:
        return np.ascontiguousarray(coarse[: shape[0], : shape[1]])
    wr = _interp_matrix(shape[0], coarse.shape[0], step)
    wc = _interp_matrix(shape[1], coarse.shape[1], step)
    rows_done = wr @ coarse.astype(np.float32)  # (h, cw)
    return np.ascontiguousarray((wc @ rows_done.T).T, dtype=np.float32)


def _interp_matrix(n_out: int, n_in: int, step: float) -> sparse.csr_matrix:
    pos = np.arange(n_out, dtype=np.float64) / step
    i0 = np.minimum(pos.astype(np.int64), n_in - 2)
    frac = (pos - i0).astype(np.float32)
    rows = np.repeat(np.arange(n_out), 2)
    cols = np.column_stack([i0, i0 + 1]).ravel()
    vals = np.column_stack([1.0 - frac, frac]).ravel()
    return sparse.csr_matrix((vals, (rows, cols)), shape=(n_out, n_in), dtype=np.float32)


def soft_step(x: np.ndarray, edge: float, width: float) -> np.ndarray:
    """Smooth 0..1 step at ``edge`` (a logistic of the given width)."""
    return (1.0 / (1.0 + np.exp(np.clip(-(x - edge) / max(width, 1e-6), -60.0, 60.0)))).astype(np.float32)


def blur(arr: np.ndarray, sigma_px: float) -> np.ndarray:
    return ndimage.gaussian_filter(arr, sigma_px, mode="nearest") if sigma_px > 0.3 else arr
