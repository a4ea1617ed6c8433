"""Radiometric calibration and thermal-noise removal of a GRD measurement, from the product's own
calibration and noise XML (ESA's Sentinel-1 definition):

    sigma0 = (DN^2 - N) / A^2      N = noise range LUT x noise azimuth LUT (IPF >= 2.9)
                                   A = sigmaNought LUT

Both LUTs are given on sparse lines x pixels and are bilinear between them. They are
evaluated per source pixel of the window being read, before any resampling, so the warped
output is calibrated intensity. EW HH cross-swath noise is what ``denoise`` removes: without it
the sub-swath seams and the noise floor of the far range look like dark slicks.

Modes: ``none`` (the measurement's amplitude DN), ``sigma0`` (calibrated) and
``sigma0-denoised`` (calibrated after subtracting the noise). Noise subtraction can go below
zero on dark sea near the noise floor; such pixels keep a floor of ``NOISE_FLOOR`` (-50 dB)
rather than becoming holes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .options import CALIBRATIONS  # noqa: F401 - re-exported

NOISE_FLOOR = 1e-5


@dataclass
class _Vector:
    line: int
    pixels: np.ndarray
    values: np.ndarray


@dataclass
class _AzimuthBlock:
    first_line: int
    last_line: int
    first_sample: int
    last_sample: int
    lines: np.ndarray
    values: np.ndarray


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(el, name: str):
    return next((c for c in el if _local(c.tag) == name), None)


def _numbers(el, name: str, dtype=float) -> np.ndarray:
    child = _child(el, name)
    if child is None or not (child.text or "").strip():
        raise ValueError(f"no <{name}>")
    return np.array(child.text.split(), dtype=dtype)


def _vectors(root, vector: str, lut: str) -> list[_Vector]:
    out = []
    for el in root.iter():
        if _local(el.tag) == vector:
            pixels, values = _numbers(el, "pixel", np.float64), _numbers(el, lut)
            if pixels.size != values.size or pixels.size == 0:
                raise ValueError(f"<{vector}> has {pixels.size} pixels and {values.size} values")
            out.append(_Vector(int(_numbers(el, "line", np.int64)[0]), pixels, values))
    return sorted(out, key=lambda v: v.line)


def _blocks(root) -> list[_AzimuthBlock]:
    out = []
    for el in root.iter():
        if _local(el.tag) == "noiseAzimuthVector":
            first_line, last_line, first_sample, last_sample = (
                int(_numbers(el, name, np.int64)[0])
                for name in ("firstAzimuthLine", "lastAzimuthLine", "firstRangeSample", "lastRangeSample"))
            out.append(_AzimuthBlock(first_line, last_line, first_sample, last_sample,
                                     _numbers(el, "line", np.float64), _numbers(el, "noiseAzimuthLut")))
    return out


def lut_on_window(vectors: list[_Vector], rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Bilinear value of a sparse LUT at every (row, col) of a window: [len(rows), len(cols)]."""
    lines = np.array([v.line for v in vectors], dtype=np.float64)
    if len(vectors) == 1:
        return np.broadcast_to(np.interp(cols, vectors[0].pixels, vectors[0].values), (rows.size, cols.size)).copy()
    # only the vectors around the window: a scene has tens, a window needs two or three
    lo = max(0, int(np.searchsorted(lines, rows.min(), side="right")) - 1)
    hi = min(len(vectors), int(np.searchsorted(lines, rows.max(), side="left")) + 1)
    lo, hi = min(lo, len(vectors) - 2), max(hi, lo + 2)
    per_line = np.stack([np.interp(cols, v.pixels, v.values) for v in vectors[lo:hi]])
    sub = lines[lo:hi]
    i = np.clip(np.searchsorted(sub, rows, side="right") - 1, 0, len(sub) - 2)
    t = np.clip((rows - sub[i]) / (sub[i + 1] - sub[i]), 0.0, 1.0)[:, None]
    per_line = per_line.astype(np.float32)
    t = t.astype(np.float32)
    return per_line[i] * (1.0 - t) + per_line[i + 1] * t


class Calibration:
    """A polarisation's calibration (and optionally noise) LUTs; ``apply`` calibrates a DN window."""

    def __init__(self, calibration_xml: bytes, noise_xml: bytes | None, where: str) -> None:
        try:
            self.sigma0 = _vectors(ET.fromstring(calibration_xml), "calibrationVector", "sigmaNought")
            if not self.sigma0:
                raise ValueError("no <calibrationVector>")
            self.noise_range: list[_Vector] = []
            self.noise_azimuth: list[_AzimuthBlock] = []
            if noise_xml is not None:
                noise = ET.fromstring(noise_xml)
                # IPF >= 2.9 splits the noise into range and azimuth parts; older products have <noiseVector>
                self.noise_range = _vectors(noise, "noiseRangeVector", "noiseRangeLut") or _vectors(
                    noise, "noiseVector", "noiseLut")
                self.noise_azimuth = _blocks(noise)
                if not self.noise_range:
                    raise ValueError("no <noiseRangeVector> or <noiseVector>")
        except (ET.ParseError, ValueError) as exc:
            raise InputError(f"{where}: the calibration / noise annotation is unreadable ({exc}); "
                             "download the product again, or read it without calibration") from None

    def noise(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        n = lut_on_window(self.noise_range, rows, cols)
        for b in self.noise_azimuth:
            r = (rows >= b.first_line) & (rows <= b.last_line)
            c = (cols >= b.first_sample) & (cols <= b.last_sample)
            if r.any() and c.any():
                factor = np.interp(rows[r], b.lines, b.values)
                n[np.ix_(r, c)] *= factor[:, None]
        return n

    def apply(self, dn: np.ndarray, row0: int, col0: int, denoise: bool) -> np.ndarray:
        """Calibrated sigma0 (float32) of a DN window whose top-left source pixel is (row0, col0);
        DN 0 (no data) becomes NaN."""
        rows = np.arange(row0, row0 + dn.shape[0], dtype=np.float64)
        cols = np.arange(col0, col0 + dn.shape[1], dtype=np.float64)
        power = dn.astype(np.float32) ** 2
        if denoise:
            power -= self.noise(rows, cols)
        a = lut_on_window(self.sigma0, rows, cols)
        sigma0 = power / (a * a)
        if denoise:
            np.maximum(sigma0, NOISE_FLOOR, out=sigma0)
        sigma0[~(dn > 0)] = np.nan
        return sigma0
