"""Realism statistics of one image as the segmentation model sees it.

Input: a stretched 8-bit image (uint8; levels 1..255, e.g. prepare's 2-sigma stretch of dB; 0 = nodata) on a
square grid of ``pixel_m`` metres and a boolean slick mask on the same grid. Each statistic is
a small pure function with its formula in the docstring; ``image_stats`` runs them all and
returns a flat dict (numbers, or None where an image does not allow a statistic: no slick, no
homogeneous water, no window for the spectrum). docs/simulation.md explains how to read them.

Distances to slicks are Euclidean distances between pixel centres, in pixels ("within 5 px of
a slick" = distance <= 5).
"""

from __future__ import annotations

import math

import numpy as np

from . import morphology

NODATA = 0
CLIP_LO, CLIP_HI = 1, 255  # the stretch clips to these levels
LEVELS = 256
DB_PER_NEPER = 10.0 / math.log(10.0)  # dB per unit of natural log of intensity

PSD_WINDOWS = (512, 400, 256)  # px; the largest with at least one fully valid water window is used
PSD_MAX_WINDOWS = 16
PSD_SLICK_GAP = 5  # px: water for the spectrum is farther than this from any slick
PSD_BAND_M = (500.0, 10_000.0)  # wavelengths of psd_slope
PSD_FINE_BAND_M = (75.0, 500.0)  # wavelengths of psd_slope_fine
PSD_MIN_RING = 2  # rings 0 and 1 hold the mean and the Hann window's main lobe
PSD_MIN_POINTS = 4

ENL_BLOCK = 9  # px, side of the ENL windows
ENL_CLIP_MARGIN = 3.0  # window means must lie this many typical window stds inside 1..255
ENL_FLAT_QUANTILE = 0.5  # keep the flatter half of the candidate windows
ENL_MIN_WINDOWS = 20
ENL_MIN, ENL_MAX = 0.05, 1000.0
ENL_SCALE_MAX = 100.0  # above this (|g| < 0.1) the skewness no longer pins down the scale
RING_PX = (3.0, 8.0)  # the water ring around slicks for contrast
RING_GAP = 3.0  # px kept free around slicks for ENL, lookalike and ring pixels
CONTRAST_MIN_SLICK_PX = 3
CONTRAST_MIN_RING_PX = 10
LOOKALIKE_SMOOTH = 5
DARK_SMOOTH = 15
MAD_TO_STD = 1.4826
EDGE_PX = 3.0
SLICK_DISTANCE_PX = 10.0  # distances to slicks are needed up to 8 px (the ring); farther is +inf


# --- levels and histograms ------------------------------------------------------------------
def level_histogram(image: np.ndarray) -> np.ndarray:
    """h[k] = number of valid pixels at level k (k = 0..255; h[0] = 0: nodata is not counted)."""
    h = np.bincount(np.asarray(image, dtype=np.uint8).ravel(), minlength=LEVELS).astype(np.int64)
    h[NODATA] = 0
    return h


def normalised(h: np.ndarray) -> np.ndarray:
    """p[k] = h[k] / sum(h) (all zeros for an empty histogram)."""
    h = np.asarray(h, dtype=np.float64)
    total = h.sum()
    return h / total if total > 0 else h


def histogram_quantile(h: np.ndarray, q: float) -> float | None:
    """The smallest level k whose cumulative share sum_{j<=k} p[j] reaches q."""
    p = normalised(h)
    if p.sum() == 0:
        return None
    return float(np.searchsorted(np.cumsum(p), q - 1e-12))


def level_summary(image: np.ndarray) -> dict:
    """mean_level, std_level (population std) and p5, p50, p95 (histogram_quantile) of the
    valid levels, in grey levels."""
    h = level_histogram(image)
    p = normalised(h)
    if p.sum() == 0:
        return {"mean_level": None, "std_level": None, "p5": None, "p50": None, "p95": None}
    k = np.arange(LEVELS)
    mean = float((p * k).sum())
    return {
        "mean_level": mean, "std_level": float(math.sqrt(max((p * (k - mean) ** 2).sum(), 0.0))),
        "p5": histogram_quantile(h, 0.05), "p50": histogram_quantile(h, 0.5), "p95": histogram_quantile(h, 0.95),
    }


def hist_w1(p: np.ndarray, q: np.ndarray) -> float:
    """1-Wasserstein (earth mover's) distance between two level histograms, in grey levels:
    W1 = sum_k |P(k) - Q(k)|, with P, Q the cumulative distributions of the normalised
    histograms over the levels k = 0..255. Shifting every value by d levels (without
    clipping) gives W1 = |d|; identical histograms give 0."""
    p, q = normalised(p), normalised(q)
    return float(np.abs(np.cumsum(p) - np.cumsum(q)).sum())


def hist_js(p: np.ndarray, q: np.ndarray, bins: int = 64) -> float:
    """Jensen-Shannon divergence (base 2, 0..1) of the histograms regrouped into ``bins`` equal
    bins of levels (64 bins of 4 levels): JS = KL(P||M)/2 + KL(Q||M)/2 with M = (P + Q)/2 and
    KL(P||M) = sum_i P_i log2(P_i / M_i). 0 for identical histograms, 1 for disjoint ones."""
    p = normalised(np.asarray(p, dtype=np.float64).reshape(bins, -1).sum(axis=1))
    q = normalised(np.asarray(q, dtype=np.float64).reshape(bins, -1).sum(axis=1))
    m = (p + q) / 2.0

    def kl(a: np.ndarray) -> float:
        nz = a > 0
        return float((a[nz] * np.log2(a[nz] / m[nz])).sum())

    return max(0.0, 0.5 * kl(p) + 0.5 * kl(q))


# --- masks ----------------------------------------------------------------------------------
def distance_to(mask: np.ndarray, within: float | None = None) -> np.ndarray:
    """float32 Euclidean distance (px) from every pixel centre to the nearest True pixel of
    ``mask``; +inf everywhere when ``mask`` is empty. With ``within``, distances are exact up to
    ``within`` and +inf beyond (computed only over the mask's bounding box plus that margin, so
    a small mask in a big scene stays cheap)."""
    from scipy import ndimage

    if not mask.any():
        return np.full(mask.shape, np.inf, dtype=np.float32)
    if within is None:
        return ndimage.distance_transform_edt(~mask).astype(np.float32)
    rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    pad = int(math.ceil(within)) + 1
    box = (slice(max(rows[0] - pad, 0), rows[-1] + pad + 1), slice(max(cols[0] - pad, 0), cols[-1] + pad + 1))
    out = np.full(mask.shape, np.inf, dtype=np.float32)
    d = ndimage.distance_transform_edt(~mask[box]).astype(np.float32)
    d[d > within] = np.inf
    out[box] = d
    return out


def near(mask: np.ndarray, radius: float) -> np.ndarray:
    """Pixels within ``radius`` px (Euclidean, centre to centre) of a True pixel of ``mask``."""
    from scipy import ndimage

    r = int(math.floor(radius))
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
    return ndimage.binary_dilation(mask, structure=(yy**2 + xx**2) <= radius**2)


def valid_mean(image: np.ndarray, valid: np.ndarray, size: int) -> np.ndarray:
    """size x size moving mean over valid pixels only (normalised convolution:
    sum(valid * x) / sum(valid) over the window), float32, NaN where the window holds no
    valid pixel; nodata never darkens its neighbours."""
    from scipy import ndimage

    w = valid.astype(np.float32)
    num = ndimage.uniform_filter(np.where(valid, image, 0).astype(np.float32), size, mode="constant")
    den = ndimage.uniform_filter(w, size, mode="constant")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    out[den < 0.5 / (size * size)] = np.nan
    return out


def nodata_stats(image: np.ndarray) -> dict:
    """nodata_share = n(level 0) / n(all); edge_density = share of valid pixels within
    EDGE_PX = 3 px of a nodata pixel (0 without nodata). Beyond the array is not nodata."""
    valid = image != NODATA
    n = image.size
    share = 1.0 - np.count_nonzero(valid) / n if n else 0.0
    if not valid.any() or valid.all():
        return {"nodata_share": share, "edge_density": 0.0 if valid.any() else None}
    edge = near(~valid, EDGE_PX)
    return {"nodata_share": share, "edge_density": float(np.count_nonzero(edge & valid) / np.count_nonzero(valid))}


# --- power spectrum ---------------------------------------------------------------------------
def water_windows(water: np.ndarray, sizes=PSD_WINDOWS, max_windows: int = PSD_MAX_WINDOWS) -> tuple[int, list]:
    """(size, [(row, col), ...]): square windows, on a lattice with half-window steps, lying
    entirely in ``water``, for the largest of ``sizes`` that has any; at most ``max_windows``,
    evenly spread over those found. (0, []) when none fits."""
    h, w = water.shape
    integral = np.zeros((h + 1, w + 1), dtype=np.int32)
    np.cumsum(np.cumsum(water, axis=0, dtype=np.int32), axis=1, out=integral[1:, 1:])
    for size in sizes:
        if size > h or size > w:
            continue
        step = size // 2
        rows = np.unique(np.r_[np.arange(0, h - size + 1, step), h - size])
        cols = np.unique(np.r_[np.arange(0, w - size + 1, step), w - size])
        r, c = np.meshgrid(rows, cols, indexing="ij")
        total = integral[r + size, c + size] - integral[r, c + size] - integral[r + size, c] + integral[r, c]
        ok = total == size * size
        if ok.any():
            found = list(zip(r[ok].tolist(), c[ok].tolist(), strict=True))
            if len(found) > max_windows:
                found = [found[i] for i in np.unique(np.linspace(0, len(found) - 1, max_windows).round().astype(int))]
            return size, found
    return 0, []


def radial_spectrum(windows: list[np.ndarray]) -> np.ndarray:
    """Radially averaged power spectrum of square windows (all the same size N):
    P(r) = mean over windows and over the FFT cells with round(|(kx, ky)|) = r of
    |FFT2((x - mean(x)) * hann2d)|^2, for integer radii r = 0 .. N/2 (in cycles per window:
    wavenumber r / (N pixel), wavelength N pixel / r)."""
    n = windows[0].shape[0]
    taper = np.outer(np.hanning(n), np.hanning(n)).astype(np.float64)
    power = np.zeros((n, n), dtype=np.float64)
    for win in windows:
        x = win.astype(np.float64)
        power += np.abs(np.fft.fft2((x - x.mean()) * taper)) ** 2
    power /= len(windows)
    k = np.fft.fftfreq(n) * n
    ring = np.rint(np.hypot(*np.meshgrid(k, k, indexing="ij"))).astype(np.int64).ravel()
    keep = ring <= n // 2
    sums = np.bincount(ring[keep], weights=power.ravel()[keep], minlength=n // 2 + 1)
    counts = np.bincount(ring[keep], minlength=n // 2 + 1)
    return sums / np.maximum(counts, 1)


def spectral_slope(spectrum: np.ndarray, size: int, pixel_m: float, band_m: tuple[float, float]) -> float | None:
    """Least-squares slope b of log10 P(k) = a + b log10 k over the rings whose wavelength
    lambda = size pixel_m / r lies in ``band_m`` (metres), r >= 2 (rings 0, 1: mean and taper)
    and r <= size / 2; None with fewer than 4 rings. White noise gives b ~ 0, a random field
    with P ~ k^beta gives b ~ beta (red spectra: negative)."""
    r = np.arange(len(spectrum))
    with np.errstate(divide="ignore"):
        wavelength = size * pixel_m / r
    sel = (r >= PSD_MIN_RING) & (r <= size // 2) & (wavelength >= band_m[0]) & (wavelength <= band_m[1]) & (spectrum > 0)
    if np.count_nonzero(sel) < PSD_MIN_POINTS:
        return None
    k = r[sel] / (size * pixel_m)
    slope, _ = np.polyfit(np.log10(k), np.log10(spectrum[sel]), 1)
    return float(slope)


def psd_stats(image: np.ndarray, water: np.ndarray, pixel_m: float) -> dict:
    """psd_slope (wavelengths 0.5-10 km) and psd_slope_fine (75-500 m) of the mean radial
    spectrum of the water windows (water_windows, radial_spectrum, spectral_slope); also the
    window size used and how many windows."""
    size, corners = water_windows(water)
    if not corners:
        return {"psd_slope": None, "psd_slope_fine": None, "psd_window": None, "psd_windows": 0}
    spectrum = radial_spectrum([image[r : r + size, c : c + size] for r, c in corners])
    return {
        "psd_slope": spectral_slope(spectrum, size, pixel_m, PSD_BAND_M),
        "psd_slope_fine": spectral_slope(spectrum, size, pixel_m, PSD_FINE_BAND_M),
        "psd_window": size, "psd_windows": len(corners),
    }


# --- speckle: apparent ENL --------------------------------------------------------------------
def log_speckle_skewness(looks: float) -> float:
    """Skewness of log I for L-look intensity speckle I ~ Gamma(L, 1/L):
    psi2(L) / psi1(L)^1.5 (polygamma functions); -2 as L -> 0, about -1/sqrt(L) for large L."""
    from scipy.special import polygamma

    return float(polygamma(2, looks) / polygamma(1, looks) ** 1.5)


def enl_from_skewness(g: float) -> float | None:
    """Solve log_speckle_skewness(L) = g for L (monotone). g below the L = 0.05 value gives
    0.05; g at or above the L = 1000 value (about -0.03: no negative skew left, or a positive
    one, which log speckle never has) gives None: the values are not log-speckle-like."""
    from scipy.optimize import brentq

    if g is None or not math.isfinite(g):
        return None
    if g <= log_speckle_skewness(ENL_MIN):
        return ENL_MIN
    if g >= log_speckle_skewness(ENL_MAX):
        return None
    return float(brentq(lambda lk: log_speckle_skewness(lk) - g, ENL_MIN, ENL_MAX, xtol=1e-6))


def _blocks(a: np.ndarray, b: int) -> np.ndarray:
    """[rows // b, cols // b, b * b] view of the b x b blocks (the remainder is dropped)."""
    h, w = (a.shape[0] // b) * b, (a.shape[1] // b) * b
    return a[:h, :w].reshape(h // b, b, w // b, b).swapaxes(1, 2).reshape(h // b, w // b, b * b)


def _block_std(x: np.ndarray) -> np.ndarray:
    """Population std over the last axis (float64 result, float64 work on this chunk only)."""
    return x.astype(np.float64).std(axis=-1)


def enl_stats(image: np.ndarray, water: np.ndarray, block: int = ENL_BLOCK) -> dict:
    """Apparent equivalent number of looks from the skewness of the stretched values.

    The stretched level is affine in dB, v = a + c 10 log10 I, so within a homogeneous window
    the standardised values z = (v - mean) / std are those of log I, whatever a and c; for
    L-look speckle their skewness is log_speckle_skewness(L).

    Windows: the image cut into non-overlapping ``block`` x ``block`` (9 x 9) windows.
    Homogeneous water windows are those that
      1. lie entirely in ``water`` (valid, not slick, more than 3 px from a slick), as do their
         8 neighbouring windows;
      2. have a mean m inside the clip levels by a margin: m - 1 >= 3 s_typ and
         255 - m >= 3 s_typ, with s_typ the median window std (clipping at 1 or 255 cuts the
         tails that carry the skewness);
      3. are flat around: the std of the 8 neighbouring window means is at most its median over
         the windows that pass 1 and 2 (the flatter half: no edges, fronts or gradients nearby).
    The criterion reads only the neighbours, not the window's own pixels, so it does not
    select windows by their own spread or skewness.

    Standardisation: each window is centred on its own mean, r = v - m, and all r are scaled by
    the pooled within-window std (in dB speckle is additive with the same std everywhere, so
    one scale serves all windows; dividing each window by its own sample std would bias the
    skewness toward 0, +15 % on the ENL at L = 10). Then
    g = sqrt(n (n - 1)) / (n - 2) * mean(r^3) / mean(r^2)^1.5 over the pooled r (n = 81 pixels
    per window; the factor is exact for the third cumulant and the variance of residuals from
    a window mean), enl = enl_from_skewness(g) and
    levels_per_db = s_w / (10 / ln 10 * sqrt(psi1(enl))) with s_w = sqrt(mean(r^2) n / (n - 1))
    the pooled within-window std: the stretch's grey levels per dB implied by that ENL (the std
    of 10 log10 I is 10 / ln 10 * sqrt(psi1(L)) dB).
    enl and levels_per_db are None when g shows no negative skew (see enl_from_skewness);
    levels_per_db is also None above ENL_SCALE_MAX = 100 looks (|g| < 0.1): there a small
    bias of g (texture, correlated speckle) moves sqrt(psi1(L)) and the scale by factors.
    ``enl_skew`` reports g itself. Resampling that averages neighbouring pixels raises the
    apparent ENL (bilinear 40 -> 25 m: x1.5 to x3 depending on the domain resampled), and
    speckle whose marginal is not Gamma reads as another ENL; see docs/simulation.md.

    Also ``std_vs_mean``: the least-squares slope of window std against the mean level of its 8
    neighbouring windows, over the windows of step 1 that hold no clipped level (1 or 255); the
    neighbours' mean, not the window's own, because for skewed speckle a window's own mean and
    std are correlated by sampling alone. About 0 when the stretch is affine in dB (speckle is
    additive in dB: the same spread at every brightness); clearly positive (std growing with
    the level) when the stretched quantity is linear intensity or amplitude.
    """
    from scipy.special import polygamma

    none = {"enl": None, "levels_per_db": None, "enl_skew": None, "std_vs_mean": None, "enl_windows": 0}
    x = _blocks(np.asarray(image, dtype=np.uint8), block)  # uint8: no float copy of the scene
    ok = _blocks(water, block).all(axis=-1)
    if x.shape[0] < 3 or x.shape[1] < 3:
        return none
    mean = x.mean(axis=-1, dtype=np.float64)
    std = np.concatenate([_block_std(x[i : i + 64]) for i in range(0, x.shape[0], 64)])  # 64 block rows at a time
    neighbours = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)]
    inner = (slice(1, -1), slice(1, -1))

    def shifted(a, dr, dc):
        return a[1 + dr : a.shape[0] - 1 + dr, 1 + dc : a.shape[1] - 1 + dc]

    cand = ok[inner] & np.all([shifted(ok, dr, dc) for dr, dc in neighbours], axis=0) & (std[inner] > 0)
    if np.count_nonzero(cand) < ENL_MIN_WINDOWS:
        return none
    m, s = mean[inner], std[inner]
    around = np.mean([shifted(mean, dr, dc) for dr, dc in neighbours], axis=0)
    unclipped = (x[inner].min(axis=-1) > CLIP_LO) & (x[inner].max(axis=-1) < CLIP_HI) & cand
    slope = None
    if np.count_nonzero(unclipped) >= ENL_MIN_WINDOWS and np.ptp(around[unclipped]) > 0:
        slope = float(np.polyfit(around[unclipped], s[unclipped], 1)[0])
    s_typ = float(np.median(s[cand]))
    cand &= (m - CLIP_LO >= ENL_CLIP_MARGIN * s_typ) & (CLIP_HI - m >= ENL_CLIP_MARGIN * s_typ)
    if np.count_nonzero(cand) < ENL_MIN_WINDOWS:
        return {**none, "std_vs_mean": slope}
    spread = np.std([shifted(mean, dr, dc) for dr, dc in neighbours], axis=0)
    cand &= spread <= np.quantile(spread[cand], ENL_FLAT_QUANTILE)
    if np.count_nonzero(cand) < ENL_MIN_WINDOWS:
        return {**none, "std_vs_mean": slope}
    vals = x[inner][cand]
    centres = m[cand]
    n = vals.shape[1]
    s2 = s3 = 0.0
    for i in range(0, len(vals), 20_000):  # bounded float temporaries
        resid = vals[i : i + 20_000].astype(np.float64) - centres[i : i + 20_000, None]
        s2 += float(np.sum(resid**2))
        s3 += float(np.sum(resid**3))
    m2, m3 = s2 / vals.size, s3 / vals.size
    g = m3 / m2**1.5 * math.sqrt(n * (n - 1)) / (n - 2)
    looks = enl_from_skewness(g)
    s_w = math.sqrt(m2 * n / (n - 1))
    levels_per_db = None
    if looks is not None and looks <= ENL_SCALE_MAX:
        levels_per_db = s_w / (DB_PER_NEPER * math.sqrt(float(polygamma(1, looks))))
    return {"enl": looks, "levels_per_db": levels_per_db, "enl_skew": g, "std_vs_mean": slope,
            "enl_windows": int(np.count_nonzero(cand))}


# --- slicks -----------------------------------------------------------------------------------
def _padded(sl: tuple[slice, slice], pad: int, shape: tuple[int, int]) -> tuple[slice, slice]:
    return tuple(slice(max(s.start - pad, 0), min(s.stop + pad, n)) for s, n in zip(sl, shape, strict=True))


def slick_components(image: np.ndarray, labels: np.ndarray, pixel_m: float, levels_per_db: float | None,
                     d_slick: np.ndarray, shape: bool = True, contrast: bool = True) -> list[dict]:
    """Per 8-connected slick component: shape (morphology.component_shape, lengths in metres)
    and contrast against its water ring.

    Ring of a component: valid pixels at distance 3..8 px from it and >= 3 px from every slick.
    contrast_levels = mean(ring) - mean(component's valid pixels) (positive: slick darker);
    contrast_db = contrast_levels / levels_per_db; contrast_sigma = contrast_levels / std(ring)
    (contrast-to-noise ratio). Contrast is None for components with < 3 valid pixels or a ring
    of < 10 pixels. ``labels``: the components (morphology.label_components); ``d_slick``:
    distance_to(any slick). ``shape`` / ``contrast`` False skip that part (values None).
    """
    from scipy import ndimage

    valid = image != NODATA
    out = []
    pad = int(RING_PX[1]) + 1
    for i, sl in enumerate(ndimage.find_objects(labels), start=1):
        if sl is None:
            continue
        box = _padded(sl, pad, labels.shape)
        comp = labels[box] == i
        rec = {"area_px": int(np.count_nonzero(comp)), "slick_width_m": None, "slick_length_m": None,
               "tortuosity": None, "branches": None, "contrast_db": None, "contrast_sigma": None}
        if shape:
            sh = morphology.component_shape(comp)
            rec.update({"slick_width_m": sh["width"] * pixel_m, "slick_length_m": sh["length"] * pixel_m,
                        "tortuosity": sh["tortuosity"], "branches": sh["branches"]})
        if not contrast:
            out.append(rec)
            continue
        d = ndimage.distance_transform_edt(~comp)
        ring = (d >= RING_PX[0]) & (d <= RING_PX[1]) & valid[box] & (d_slick[box] >= RING_GAP)
        inside = comp & valid[box]
        if np.count_nonzero(inside) >= CONTRAST_MIN_SLICK_PX and np.count_nonzero(ring) >= CONTRAST_MIN_RING_PX:
            ring_v = image[box][ring].astype(np.float64)
            diff = float(ring_v.mean() - image[box][inside].astype(np.float64).mean())
            sd = float(ring_v.std(ddof=1))
            rec["contrast_sigma"] = diff / sd if sd > 0 else None
            rec["contrast_db"] = diff / levels_per_db if levels_per_db else None
        out.append(rec)
    return out


def contrast(image: np.ndarray, slick: np.ndarray, levels_per_db: float | None) -> dict:
    """Image-level contrast: the medians over components of contrast_db and contrast_sigma
    (slick_components); None without a slick component that has a ring."""
    valid = image != NODATA
    slick = np.asarray(slick, dtype=bool) & valid
    labels, _ = morphology.label_components(slick)
    comps = slick_components(image, labels, 1.0, levels_per_db, distance_to(slick, SLICK_DISTANCE_PX), shape=False)
    return _contrast_medians(comps)


def _contrast_medians(comps: list[dict]) -> dict:
    out = {}
    for key in ("contrast_db", "contrast_sigma"):
        vals = [c[key] for c in comps if c[key] is not None]
        out[key] = float(np.median(vals)) if vals else None
    return out


def weighted_median(values, weights) -> float:
    """The smallest value at which the cumulative weight (values sorted) reaches half the total."""
    v, w = np.asarray(values, dtype=np.float64), np.asarray(weights, dtype=np.float64)
    order = np.argsort(v)
    cum = np.cumsum(w[order])
    return float(v[order][np.searchsorted(cum, 0.5 * cum[-1] - 1e-12)])


def shape_summary(comps: list[dict]) -> dict:
    """Image-level shape: slick_width_m, slick_length_m, tortuosity, branches as medians over
    components weighted by component area (the value of the slick that a random slick pixel
    belongs to: specks do not outvote plumes, and one forked plume does not dominate as it
    would a mean); fragments = number of components; fragments_small = components with
    area < 20 % of the image's largest."""
    if not comps:
        return {"slick_width_m": None, "slick_length_m": None, "tortuosity": None, "branches": None,
                "fragments": 0, "fragments_small": 0}
    area = np.array([c["area_px"] for c in comps], dtype=np.float64)
    out = {}
    for key in ("slick_width_m", "slick_length_m", "tortuosity", "branches"):
        out[key] = weighted_median([c[key] for c in comps], area)
    out["fragments"] = len(comps)
    out["fragments_small"] = int(np.count_nonzero(area < morphology.SMALL_FRAGMENT * area.max()))
    return out


def morphology_stats(slick: np.ndarray, pixel_m: float) -> dict:
    """shape_summary of the slick mask's components (no contrast)."""
    labels, _ = morphology.label_components(np.asarray(slick, dtype=bool))
    image = np.full(labels.shape, 128, dtype=np.uint8)
    return shape_summary(slick_components(image, labels, pixel_m, None, np.empty(0), contrast=False))


# --- darkness ---------------------------------------------------------------------------------
def lookalike_share(image: np.ndarray, slick: np.ndarray, d_slick: np.ndarray | None = None) -> float | None:
    """Share of valid non-slick area as dark as the slicks: with S the 5 x 5 valid_mean of the
    image and t = median of S over valid slick pixels, the fraction of valid pixels farther
    than 3 px from any slick with S <= t. None without slick pixels."""
    valid = image != NODATA
    inside = slick & valid
    if not inside.any():
        return None
    d_slick = distance_to(slick, SLICK_DISTANCE_PX) if d_slick is None else d_slick
    smooth = valid_mean(image, valid, LOOKALIKE_SMOOTH)
    threshold = float(np.median(smooth[inside]))
    water = valid & (d_slick > RING_GAP)
    if not water.any():
        return None
    return float(np.count_nonzero(smooth[water] <= threshold) / np.count_nonzero(water))


def dark_patch_share(image: np.ndarray) -> float | None:
    """Share of valid pixels whose 15 x 15 valid_mean is below median - 1 robust std of the
    valid levels (robust std = 1.4826 * median absolute deviation): large dark areas (low wind,
    grease ice, the noise floor), not single dark pixels, which the smoothing averages away."""
    valid = image != NODATA
    h = level_histogram(image)
    if h.sum() == 0:
        return None
    med = histogram_quantile(h, 0.5)
    dev = np.bincount(np.abs(np.arange(LEVELS) - int(med)), weights=h, minlength=LEVELS)
    mad = histogram_quantile(dev, 0.5)
    threshold = med - MAD_TO_STD * mad
    smooth = valid_mean(image, valid, DARK_SMOOTH)
    return float(np.count_nonzero(smooth[valid] < threshold) / np.count_nonzero(valid))


# --- all of them ------------------------------------------------------------------------------
def check_inputs(image: np.ndarray, slick: np.ndarray, pixel_m: float) -> None:
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 2:
        raise ValueError("image must be a 2-D uint8 array (stretched levels 1..255, 0 = nodata)")
    if np.shape(slick) != image.shape:
        raise ValueError(f"slick mask shape {np.shape(slick)} differs from the image's {image.shape}")
    if not (pixel_m > 0 and math.isfinite(pixel_m)):
        raise ValueError(f"pixel size {pixel_m!r} m must be a positive number")


def image_stats(image: np.ndarray, slick: np.ndarray, pixel_m: float, stretch_levels_per_db: float | None = None) -> dict:
    """Every statistic of one image (see the functions above and docs/simulation.md).

    Returns a flat dict of numbers (None where not defined), plus ``histogram`` (the
    level_histogram, for set-level distances) and ``components`` (per-slick records).
    Slick pixels on nodata are ignored. ``stretch_levels_per_db``: the stretch's true scale when
    known (simulated scenes: 254 / (hi - lo) of their 2-sigma stretch), passed through as a
    check of the estimated levels_per_db; it is not used by any statistic.
    """
    check_inputs(image, slick, pixel_m)
    valid = image != NODATA
    slick = np.asarray(slick, dtype=bool) & valid
    d_slick = distance_to(slick, within=SLICK_DISTANCE_PX)
    out: dict = {"pixel_m": float(pixel_m), "height": int(image.shape[0]), "width": int(image.shape[1]),
                 "slick_share": float(np.count_nonzero(slick) / max(np.count_nonzero(valid), 1)),
                 "stretch_levels_per_db": None if stretch_levels_per_db is None else float(stretch_levels_per_db)}
    out.update(level_summary(image))
    out.update(psd_stats(image, valid & (d_slick > PSD_SLICK_GAP), pixel_m))
    out.update(enl_stats(image, valid & (d_slick > RING_GAP)))
    labels, _ = morphology.label_components(slick)
    comps = slick_components(image, labels, pixel_m, out["levels_per_db"], d_slick)
    del labels
    out.update(_contrast_medians(comps))
    out.update(shape_summary(comps))
    out["lookalike_share"] = lookalike_share(image, slick, d_slick)
    out["dark_patch_share"] = dark_patch_share(image)
    out.update(nodata_stats(image))
    out["histogram"] = level_histogram(image)
    out["components"] = comps
    return out
