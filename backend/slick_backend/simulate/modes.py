"""Sentinel-1 acquisition modes as the simulator sees them (GRD products).

Figures follow the Sentinel-1 product specification: IW GRDH has 10 m pixels and about
4.4 equivalent looks over a 250 km swath of 3 sub-swaths (incidence ~30-46 deg); EW GRDM
has 40 m pixels and about 10.7 looks over a 400 km swath of 5 sub-swaths (~19-47 deg); EW GRDH
has 25 m pixels and about 3 looks.
Each sub-swath has its own noise-equivalent sigma0 (NESZ) that rises towards its edges
(antenna-pattern "scalloping" across range) and ripples along azimuth with the bursts of
TOPS acquisition; the steps between sub-swaths are the banding seen in real EW scenes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class SubSwath:
    name: str
    start_km: float  # ground range from the swath's near edge
    end_km: float
    nesz_db: float  # NESZ at the sub-swath centre


@dataclass(frozen=True)
class ModeSpec:
    name: str  # "IW" or "EW"
    product: str  # file-name token, e.g. "grd" (GRDH / GRDM are both "grd" in file names)
    pixel_m: float
    polarisation: str
    enl: float  # equivalent number of looks of the intensity speckle
    swath_km: float
    incidence_near: float  # degrees at the near edge of the full swath
    incidence_far: float
    subswaths: tuple[SubSwath, ...]
    scallop_db: float  # NESZ rise from sub-swath centre to its edges
    burst_km: float  # azimuth length of one TOPS burst
    burst_ripple_db: float  # NESZ ripple along azimuth within a burst

    def incidence(self, range_km):
        """Incidence angle (degrees) at a ground range from the near edge (flat-earth is fine here)."""
        frac = range_km / self.swath_km
        return self.incidence_near + (self.incidence_far - self.incidence_near) * frac


IW = ModeSpec(
    name="IW",
    product="grd",
    pixel_m=10.0,
    polarisation="VV",
    enl=4.4,
    swath_km=250.0,
    incidence_near=30.0,
    incidence_far=46.0,
    subswaths=(
        SubSwath("IW1", 0.0, 88.0, -24.0),
        SubSwath("IW2", 88.0, 170.0, -25.0),
        SubSwath("IW3", 170.0, 250.0, -23.5),
    ),
    scallop_db=1.5,
    burst_km=20.0,
    burst_ripple_db=0.3,
)

EW = ModeSpec(
    name="EW",
    product="grd",
    pixel_m=40.0,
    polarisation="HH",
    enl=10.0,
    swath_km=400.0,
    incidence_near=19.0,
    incidence_far=47.0,
    subswaths=(
        SubSwath("EW1", 0.0, 90.0, -23.0),
        SubSwath("EW2", 90.0, 170.0, -24.0),
        SubSwath("EW3", 170.0, 250.0, -23.0),
        SubSwath("EW4", 250.0, 330.0, -24.5),
        SubSwath("EW5", 330.0, 400.0, -23.5),
    ),
    scallop_db=2.5,
    burst_km=60.0,
    burst_ripple_db=0.6,
)

# EW also comes as GRDH: 25 m pixels, ~50 m resolution and only ~3 looks: finer, stronger speckle
EW_GRDH = replace(EW, pixel_m=25.0, enl=3.0)

MODES = {"IW": IW, "EW": EW}
PRODUCTS = {("IW", "GRDH"): IW, ("EW", "GRDM"): EW, ("EW", "GRDH"): EW_GRDH}
DEFAULT_PRODUCT = {"IW": "GRDH", "EW": "GRDM"}
