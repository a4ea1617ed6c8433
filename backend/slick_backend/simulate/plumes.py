"""Oil slicks from seeps: thin plumes carried by the surface current, branching and breaking up.

Oil from a seafloor seep surfaces at nearly the same point each time and is then carried by
the surface current plus ~3 % of the wind. A slick is therefore a streamline of the drift
field that starts at the seep: thin at the source (tens of metres), spreading downstream to a
few hundred metres, bent by eddies and tidal wobble, often in several strands (oil released
under an earlier current), split into branches and broken into fragments, with a damping of
the Bragg waves that varies along it (fresh oil dark, weathered oil faint) and fades towards
the tail. The damping is strongest at moderate wind, weaker at high wind (oil is mixed down)
and nil below ~2.5 m/s where the clean sea is already dark: such pixels are not labelled,
because nobody could see a slick there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from .backscatter import CALM_WIND
from .fields import smooth_noise

VISIBLE_DB = 1.5  # a plume is a label candidate where, over a stretch of it, it is this much darker than the sea
LABEL_SMOOTH_M = 300.0  # the stretch (Gaussian sigma along the plume)
# ... and a candidate piece is labelled when it stands out of the image as measured (scene.visible_pieces):
MIN_CNR = 1.5  # darker than its surrounding water by this many of that water's standard deviations (dB)
LOOK_M = 75.0  # judged on the dB image smoothed to about this scale, whatever the pixel size
RING_M = (75.0, 200.0)  # the surrounding water: this far from the piece
MIN_LABEL_M2 = 100000.0  # pieces smaller than this (e.g. 200 x 500 m) are not outlined by anyone
FLOW_STEP_M = 1000.0  # grid spacing of the drift field (it is smooth at that scale)


@dataclass(frozen=True)
class Strand:
    """One centreline of a plume: the main slick, a branch or an older strand."""

    start_s: float  # where it leaves its parent, metres along the parent (0 for the main line)
    angle: float  # heading offset from the parent at the start (radians)
    length_m: float
    width0_m: float  # full width where it starts
    width1_m: float  # full width at its tail
    damping: float  # share of the plume's peak damping


@dataclass(frozen=True)
class Plume:
    seep: str
    row: float  # seep position in image pixels (may be outside the image)
    col: float
    direction: float  # drift direction at the seep, image angle in radians (before the flow bends it)
    length_m: float
    width0_m: float
    width1_m: float
    damping_db: float  # peak damping at moderate wind
    turn: float  # steady change of heading from seep to tail (radians): current shear, eddy curvature
    wobble: float  # amplitude of the heading noise (radians): tidal and inertial meanders
    wobble_m: float  # its correlation length along the plume
    flow_weight: float  # 0: a straight drift line; 1: fully follows the local current
    fade: float  # share of the damping lost from seep to tail (weathering)
    patchiness: float  # along-plume damping variation (relative)
    gaps: float  # share of the plume broken away into gaps (fragments)
    sharpness: float  # exponent of the across profile: 2 soft (weathered), 4 flat-topped (fresh)
    strands: tuple[Strand, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return {
            "seep": self.seep,
            "direction_deg_image": round(math.degrees(self.direction), 1),
            "length_m": round(self.length_m),
            "width_m": [round(self.width0_m), round(self.width1_m)],
            "damping_db": round(self.damping_db, 2),
            "branches": len(self.strands),
            "gaps": round(self.gaps, 2),
        }


def _log_uniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def random_plume(seep: str, row: float, col: float, drift_dir: float, rng: np.random.Generator) -> Plume:
    """Plume parameters that vary from scene to scene at a persistent seep."""
    length = _log_uniform(rng, 4000, 30000)
    width0 = _log_uniform(rng, 80, 250)
    width1 = max(width0, _log_uniform(rng, 200, 1000))
    strands = []
    for _ in range(int(rng.choice([0, 1, 1, 2, 2, 3, 4, 5]))):  # branches off the main line
        start = float(rng.uniform(0.05, 0.7)) * length
        strands.append(Strand(start, float(rng.choice([-1, 1]) * rng.uniform(0.3, 1.2)),
                              float(rng.uniform(0.15, 0.6)) * (length - start),
                              0.8 * width0, float(rng.uniform(0.5, 1.0)) * width1, float(rng.uniform(0.7, 1.0))))
    if rng.random() < 0.3:  # an older release, drifted under another current: a second strand from the seep
        strands.append(Strand(0.0, float(rng.normal(0.0, 0.6)), float(rng.uniform(0.4, 1.0)) * length,
                              width0, float(rng.uniform(0.8, 1.5)) * width1, float(rng.uniform(0.4, 0.9))))
    return Plume(
        seep=seep, row=row, col=col,
        direction=drift_dir + rng.normal(0.0, math.radians(35)),
        length_m=length, width0_m=width0, width1_m=width1,
        damping_db=_log_uniform(rng, 3.0, 14.0),
        turn=float(rng.normal(0.0, math.radians(120))),
        wobble=float(rng.uniform(0.2, 1.2)), wobble_m=_log_uniform(rng, 300, 3000),
        flow_weight=float(rng.uniform(0.3, 1.0)),
        fade=float(rng.uniform(0.2, 0.7)), patchiness=float(rng.uniform(0.1, 0.5)),
        gaps=float(rng.choice([0.0, 0.0, 0.0, rng.uniform(0.05, 0.25)])),
        sharpness=float(rng.uniform(2.0, 4.0)),
        strands=tuple(strands),
    )


def wind_factor(wind: np.ndarray) -> np.ndarray:
    """Fraction of the nominal damping seen at a wind speed: 0 when calm, 1 at 4-7 m/s, ~0.5 at 12 m/s."""
    u = np.asarray(wind, np.float32)
    rise = np.clip((u - CALM_WIND) / 1.5, 0.0, 1.0)
    fall = 1.0 / (1.0 + np.maximum(u - 7.0, 0.0) / 5.0)
    return (rise * fall).astype(np.float32)


class DriftField:
    """The surface drift (current plus wind drift) as unit headings on a coarse grid over the image.

    A uniform current plus eddies from a smooth random stream function (divergence-free, so
    plumes curl around eddies as in real scenes rather than converging), plus 3 % of the wind.
    """

    def __init__(self, shape: tuple[int, int], pixel_m: float, wind_dir: float, mean_wind: float,
                 rng: np.random.Generator):
        self.step = max(1.0, FLOW_STEP_M / pixel_m)
        ch, cw = int(shape[0] / self.step) + 3, int(shape[1] / self.step) + 3
        eddy_m = float(rng.uniform(4000, 20000))
        psi = smooth_noise((ch, cw), eddy_m / FLOW_STEP_M, rng)
        gy, gx = np.gradient(psi)
        norm = float(np.hypot(gx, gy).std()) + 1e-9
        eddy_speed = float(rng.uniform(0.05, 0.5))
        current_dir = float(rng.uniform(-np.pi, np.pi))
        current = float(rng.uniform(0.0, 0.3))
        self.u = (gy / norm * eddy_speed + current * math.cos(current_dir) + 0.03 * mean_wind * math.cos(wind_dir))
        self.v = (-gx / norm * eddy_speed + current * math.sin(current_dir) + 0.03 * mean_wind * math.sin(wind_dir))
        self.info = {"eddy_scale_m": round(eddy_m), "eddy_speed_ms": round(eddy_speed, 3), "current_ms": round(current, 3)}

    def heading(self, row: float, col: float) -> float | None:
        """Drift heading (image angle) at a pixel position; None where the drift is negligible."""
        r = min(max(row / self.step, 0.0), self.u.shape[0] - 1.001)
        c = min(max(col / self.step, 0.0), self.u.shape[1] - 1.001)
        u = float(ndimage.map_coordinates(self.u, [[r], [c]], order=1)[0])
        v = float(ndimage.map_coordinates(self.v, [[r], [c]], order=1)[0])
        return math.atan2(v, u) if math.hypot(u, v) > 0.02 else None


def _trace(row: float, col: float, heading0: float, length_m: float, plume: Plume, flow: DriftField | None,
           pixel_m: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points every half pixel along one strand: (rows, cols, headings)."""
    ds_px = 0.5
    n = max(2, int(length_m / (ds_px * pixel_m)))
    # heading noise: an AR(1) process with the plume's correlation length (meanders, sharp bends at times)
    keep = math.exp(-ds_px * pixel_m / plume.wobble_m)
    shocks = rng.normal(0.0, plume.wobble * math.sqrt(1 - keep * keep), n)
    rows, cols, heads = np.empty(n), np.empty(n), np.empty(n)
    r, c, h, noise = row, col, heading0, 0.0
    turn_step = plume.turn * ds_px * pixel_m / plume.length_m
    offset = 0.0  # the strand's own heading offset from the drift, decaying as the flow takes over
    if flow is not None:
        start = flow.heading(row, col)
        offset = 0.0 if start is None else _wrap(heading0 - start)
    for i in range(n):
        noise = keep * noise + shocks[i]
        if flow is not None and i % 4 == 0:
            local = flow.heading(r, c)
            if local is not None:
                h = local + offset * (1.0 - plume.flow_weight)
                offset *= 0.995
        heading = h + noise + i * turn_step
        rows[i], cols[i], heads[i] = r, c, heading
        r += math.sin(heading) * ds_px
        c += math.cos(heading) * ds_px
    return rows, cols, heads


def _wrap(a: float) -> float:
    return (a + math.pi) % (2 * math.pi) - math.pi


def centrelines(plume: Plume, pixel_m: float, rng: np.random.Generator, flow: DriftField | None = None):
    """The plume's strands as (rows, cols, s_frac along the strand, strand) in half-pixel steps."""
    rows, cols, heads = _trace(plume.row, plume.col, plume.direction, plume.length_m, plume, flow, pixel_m, rng)
    main = Strand(0.0, 0.0, plume.length_m, plume.width0_m, plume.width1_m, 1.0)
    out = [(rows, cols, np.linspace(0.0, 1.0, len(rows)), main)]
    step_m = 0.5 * pixel_m
    for strand in plume.strands:
        i = min(len(rows) - 1, int(strand.start_s / step_m))
        r, c, _ = _trace(rows[i], cols[i], heads[i] + strand.angle, strand.length_m, plume, flow, pixel_m, rng)
        out.append((r, c, np.linspace(0.0, 1.0, len(r)), strand))
    return out


def _render_strand(rows, cols, s_frac, strand: Strand, plume: Plume, shape, pixel_m, rng):
    pad = strand.width1_m / pixel_m + 3
    r0, r1 = int(max(0, np.floor(rows.min() - pad))), int(min(shape[0], np.ceil(rows.max() + pad)))
    c0, c1 = int(max(0, np.floor(cols.min() - pad))), int(min(shape[1], np.ceil(cols.max() + pad)))
    if r1 - r0 < 2 or c1 - c0 < 2:
        return None
    index = np.full((r1 - r0, c1 - c0), -1, np.int64)
    ri, ci = np.round(rows).astype(np.int64) - r0, np.round(cols).astype(np.int64) - c0
    inside = (ri >= 0) & (ri < r1 - r0) & (ci >= 0) & (ci < c1 - c0)
    if not inside.any():
        return None
    index[ri[inside], ci[inside]] = np.nonzero(inside)[0]
    dist, (nr, nc) = ndimage.distance_transform_edt(index < 0, return_indices=True)
    s = s_frac[index[nr, nc]]  # 0 where the strand starts, 1 at its tail
    n_along = int(strand.length_m / 300) + 4
    knots = rng.normal(0.0, 1.0, (3, n_along))
    along_noise = [np.interp(s * (n_along - 1), np.arange(n_along), k) for k in knots]
    width_px = (strand.width0_m + (strand.width1_m - strand.width0_m) * s**0.7) / pixel_m
    width_px = width_px * np.clip(1.0 + 0.25 * along_noise[0], 0.5, 1.6)
    across = np.exp(-((dist / (0.5 * width_px + 0.35)) ** plume.sharpness))
    # along the strand: weathering, patchy damping, gaps (fragments), a tapered tail
    along = (1.0 - plume.fade * s) * np.clip(1.0 + plume.patchiness * along_noise[1], 0.15, 1.4)
    if plume.gaps > 0:
        along *= _soft_gate(along_noise[2], _gap_threshold(plume.gaps))
    along *= np.clip((1.0 - s) / 0.15, 0.0, 1.0) * strand.damping
    frac = (across * along).astype(np.float32)
    outline = (across > 0.5) & (along > 0.2)
    return (slice(r0, r1), slice(c0, c1)), frac, outline


def _gap_threshold(share: float) -> float:
    """The level of a standard normal below which ``share`` of it lies."""
    from scipy.special import ndtri

    return float(ndtri(share))


def _soft_gate(x: np.ndarray, threshold: float) -> np.ndarray:
    return np.clip((x - threshold) / 0.3 + 0.5, 0.0, 1.0)


def render_plume(plume: Plume, shape: tuple[int, int], pixel_m: float, rng: np.random.Generator,
                 flow: DriftField | None = None):
    """Damping fraction 0..1 of one plume in its bounding window of the image, and the plume's
    outline there (what a person would draw: the half-damping width wherever the plume is not
    faded out). None if the plume misses the image."""
    parts = [p for p in (_render_strand(*line, plume, shape, pixel_m, rng)
                         for line in centrelines(plume, pixel_m, rng, flow)) if p is not None]
    if not parts:
        return None
    r0 = min(p[0][0].start for p in parts)
    r1 = max(p[0][0].stop for p in parts)
    c0 = min(p[0][1].start for p in parts)
    c1 = max(p[0][1].stop for p in parts)
    frac = np.zeros((r1 - r0, c1 - c0), np.float32)
    outline = np.zeros(frac.shape, bool)
    for (rs, cs), f, o in parts:
        win = (slice(rs.start - r0, rs.stop - r0), slice(cs.start - c0, cs.stop - c0))
        np.maximum(frac[win], f, out=frac[win])
        outline[win] |= o
    return (slice(r0, r1), slice(c0, c1)), frac, outline


def speckle_db(looks: float) -> float:
    """Standard deviation (dB) of the log of L-look intensity speckle: 10/ln10 sqrt(psi1(L))."""
    from scipy.special import polygamma

    return 10.0 / math.log(10.0) * math.sqrt(float(polygamma(1, looks)))
