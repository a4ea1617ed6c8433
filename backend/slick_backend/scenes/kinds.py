"""What a scene's numbers mean (value kind) and which mode / polarisation it was taken in.

Value kinds: ``linear`` (sigma0 / beta0 / gamma0 intensity, float), ``db`` (10 log10 of an
intensity, float, mostly negative over sea), ``amplitude`` (digital numbers of a GRD
measurement file, integer or float >> 1: intensity is DN squared), ``stretched`` (uint8 that
is already 1..255 with 0 = nodata, like the paper's mosaics).
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import numpy as np

from ..errors import InputError
from .options import KINDS  # noqa: F401 - re-exported

MODES = {"IW", "EW", "SM", "WV"}  # not S1..S6: "s1" starts many file names
POLS = {"HH", "VV", "HV", "VH"}
# Product-type suffix of a SAFE name (S1A_EW_GRDM_1SDH_...): dual / single, H or V transmit.
PRODUCT_POL = {"1SDH": "HH", "1SSH": "HH", "1SDV": "VV", "1SSV": "VV", "1SHH": "HH", "1SVV": "VV"}

_KIND_WORDS = {
    "db": "db", "decibel": "db", "decibels": "db",
    "linear": "linear", "sigma0": "linear", "intensity": "linear", "natural": "linear",
    "amplitude": "amplitude",
    "stretched": "stretched", "uint8": "stretched", "byte": "stretched",
}


def kind_from_metadata(units: str | None, tags: dict) -> str | None:
    """A value kind declared by the file: band unit ('dB') or a tag such as S1_VALUES=db or
    VALUE="sigma0 (dB)". In free text dB wins over amplitude, amplitude over linear words,
    so "amplitude DN; sigma0 = (DN / scale)^2" reads as amplitude and "sigma0 (dB)" as dB."""
    lowered = {k.lower(): str(v) for k, v in tags.items()}
    texts = [lowered.get(k, "") for k in ("s1_values", "s1_value_kind", "value_kind", "s1_kind", "s1_units", "units",
                                          "value", "values")]
    texts.append(units or "")
    for text in texts:
        words = {_KIND_WORDS.get(w) for w in re.split(r"[^a-z0-9]+", text.lower()) if w}
        for kind in ("db", "amplitude", "stretched", "linear"):
            if kind in words:
                return kind
    return None


def kind_from_values(dtype: str, sample: np.ndarray, path) -> tuple[str, str]:
    """(kind, reason) from the data type and a sample of valid raw values."""
    dt = np.dtype(dtype)
    if dt.kind == "c":
        raise InputError(f"{path}: complex (SLC) data is not supported; use a GRD product or detected intensity")
    if dt == np.uint8:
        return "stretched", "uint8 values are taken as already stretched 1..255 (0 = nodata)"
    if dt.kind in "iu":
        return "amplitude", f"{dt.name} values are taken as GRD amplitude digital numbers"
    sample = sample[np.isfinite(sample) & (sample != 0)]
    if sample.size == 0:
        raise InputError(f"{path}: the scene has no valid pixels (all nodata, zero or NaN); check the file or its nodata value")
    negative = float(np.mean(sample < 0))
    median = float(np.median(sample))
    # Intensities and amplitudes cannot be negative: any real share of negatives means dB.
    if negative > 0.01:
        return "db", f"float values, {negative:.0%} negative (median {median:.3g}): dB"
    if median <= 2.0:
        return "linear", f"float values >= 0 with median {median:.3g}: linear intensity (sigma0)"
    return "amplitude", f"float values >= 0 with median {median:.3g}: amplitude digital numbers"


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[_\-.\s/\\]+", text.upper()) if t]


def mode_pol_from_metadata(path: str | Path, tags: dict) -> tuple[str | None, str | None]:
    """Acquisition mode and polarisation from GDAL tags (S1_MODE, S1_POLARISATION, ...),
    else from the file name and its folders (S1A_EW_GRDM_1SDH..., s1a-iw-grd-vv-...), else
    from the TIFF image description ("Sentinel-1A IW GRD HR L1")."""
    upper = {k.upper(): str(v).strip().upper() for k, v in tags.items()}
    mode = next((upper[k] for k in ("S1_MODE", "MODE", "BEAM_MODE", "ACQUISITION_MODE", "SWATH") if upper.get(k) in MODES), None)
    pol = next(
        (upper[k] for k in ("S1_POLARISATION", "S1_POLARIZATION", "POLARISATION", "POLARIZATION") if upper.get(k) in POLS),
        None,
    )
    path = Path(path)
    texts = [path.name] + [p.name for p in path.parents if p.name][:3] + [upper.get("TIFFTAG_IMAGEDESCRIPTION", "")]
    for text in texts:
        tokens = _tokens(text)
        mode = mode or next((t for t in tokens if t in MODES), None)
        pol = pol or next((t for t in tokens if t in POLS), None)
        pol = pol or next((PRODUCT_POL[t] for t in tokens if t in PRODUCT_POL), None)
    return mode, pol


_NAME_TIME = re.compile(r"(\d{8})[Tt](\d{6})")  # SAFE names use T, measurement TIFFs t


def acquisition_time(path: str | Path, tags: dict | None = None) -> str | None:
    """ISO 8601 acquisition time from a Sentinel-1 style file name, else from GDAL tags."""
    m = _NAME_TIME.search(Path(path).name)
    if m:
        try:
            return _dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S").isoformat()
        except ValueError:
            pass
    for key in ("ACQUISITION_TIME", "ACQUISITION_START_TIME", "TIFFTAG_DATETIME"):
        value = (tags or {}).get(key)
        if value:
            for fmt in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
                try:
                    return _dt.datetime.strptime(value.strip().rstrip("Z"), fmt).isoformat()
                except ValueError:
                    continue
            return str(value)
    return None
