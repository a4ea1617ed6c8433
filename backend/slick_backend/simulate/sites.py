"""Where simulated scenes are placed: the paper's sites and their persistent seeps.

The EW site centres are those of the real Arctic test mosaics (Prins Karls Forland west of
Svalbard, UTM 32N; the Sentralbanken high in the Barents Sea, UTM 36N); the IW site is in
the central North Sea (UTM 31N). Seeps are fixed points a few km apart that persist across
the whole scene series, so one seep shows a slick in several scenes, as at real seeps.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Seep:
    id: str
    east_km: float  # offset from the site centre, in the site's UTM zone
    north_km: float


@dataclass(frozen=True)
class Site:
    name: str
    lat: float
    lon: float
    epsg: int  # the UTM zone scenes are simulated in
    seeps: tuple[Seep, ...]
    ice_probability: float  # chance that a scene shows an ice edge (EW only)
    land: tuple[tuple[tuple[float, float], ...], ...] = ()  # stylised land polygons (lon, lat), not a map

    def land_utm(self) -> list[list[tuple[float, float]]]:
        from pyproj import Transformer

        to_utm = Transformer.from_crs(4326, self.epsg, always_xy=True)
        return [[to_utm.transform(lon, lat) for lon, lat in ring] for ring in self.land]

    def centre_utm(self) -> tuple[float, float]:
        from pyproj import Transformer  # here: the CLI lists the sites without loading pyproj

        to_utm = Transformer.from_crs(4326, self.epsg, always_xy=True)
        return to_utm.transform(self.lon, self.lat)

    def seep_utm(self, seep: Seep) -> tuple[float, float]:
        x, y = self.centre_utm()
        return x + 1000.0 * seep.east_km, y + 1000.0 * seep.north_km


NORTH_SEA = Site(
    "north_sea", 57.50, 3.00, 32631,
    (Seep("NS1", -3.0, 1.5), Seep("NS2", 2.5, -2.0), Seep("NS3", 0.5, 3.5)),
    ice_probability=0.0,
)
PRINS_KARLS_FORLAND = Site(
    "prins_karls_forland", 78.45, 10.45, 32632,
    (Seep("PKF1", -4.0, 2.0), Seep("PKF2", 3.0, -3.0)),
    ice_probability=0.5,
    # a long narrow island whose west coast is where the real mosaic shows land (~11 E), and
    # the Spitsbergen mainland beyond a strait; stylised shapes, not a map
    land=(
        ((11.55, 78.12), (11.10, 78.25), (11.00, 78.40), (10.93, 78.55), (10.80, 78.72), (10.62, 78.88),
         (10.95, 78.93), (11.40, 78.75), (11.65, 78.55), (11.85, 78.35), (11.90, 78.18)),
        ((12.60, 77.40), (12.45, 77.90), (12.35, 78.20), (12.10, 78.45), (11.75, 78.80), (11.60, 79.10),
         (11.90, 79.50), (17.00, 79.50), (17.00, 77.40)),
    ),
)
SENTRALBANKEN = Site(
    "sentralbanken", 75.22, 31.55, 32636,
    (Seep("SB1", -3.5, -1.0), Seep("SB2", 2.0, 3.0), Seep("SB3", 4.0, -4.0)),
    ice_probability=0.35,
)

SITES = {s.name: s for s in (NORTH_SEA, PRINS_KARLS_FORLAND, SENTRALBANKEN)}
MODE_SITES = {"IW": ("north_sea",), "EW": ("prins_karls_forland", "sentralbanken")}
