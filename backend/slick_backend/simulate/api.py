"""`simulate` use case: a series of synthetic Sentinel-1 scenes over the paper's sites, with labels.

Output directory:
  <scene id>.tif / .tiff   one raster per scene, cycling through the georeferencing variants
  labels.gpkg              layer ``slicks``: EPSG:4326 polygons, fields scene (= file stem), seep,
                           acq_time, ...
  manifest.json            the sites' seeps (the truth); per scene: file, mode, polarisation, georef
                           and value kind, site, acquisition time, drift and wind directions, seeps
                           with their plume parameters, which site seeps were in view, leaking and
                           labelled, slick pixels
  drift.csv                scene, acq_time, drift_to_deg, wind_to_deg (series.py)

``site`` puts every scene at one site and ``gaps`` a share of them beside it (series.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..atomic import atomic_dir
from ..errors import InputError
from ..progress import Progress
from .modes import DEFAULT_PRODUCT, PRODUCTS, ModeSpec

if TYPE_CHECKING:  # these pull in pyproj, shapely and scipy: loaded only once the parameters are valid
    from .geometry import SceneGeometry
    from .scene import SceneResult
    from .sites import Site

GEOREF_CHOICES = ("cycle", "gcp", "epsg4326", "utm", "safe", "safe-zip")  # safe*: Sentinel-1 products, not cycled
MIN_SIZE, MAX_SIZE = 64, 8192  # a scene is simulated in memory: ~70 bytes per pixel at the peak (4.7 GB at 8192)
MAX_SCENES = 1000
START_DATE = dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)
MODE_CODE = {"IW": 1, "EW": 2}
MIN_SLICK_PIXELS = 30  # a scene of the series shows at least this much visible slick (when it can)
GAP_STREAM = 9999  # seeds the choice of gap dates (scene indices stay below MAX_SCENES)


@dataclass
class SimulateParams:
    out_dir: str
    mode: str = "EW"
    scenes: int = 8
    seed: int = 0
    size: int = 2048
    georef: str = "cycle"  # or one variant for every scene
    product: str = "default"  # GRDM (EW, 40 m) or GRDH (IW 10 m, EW 25 m); default: GRDH for IW, GRDM for EW
    site: str = ""  # every scene at this site (a time series); "": the mode's sites in turn
    gaps: float = 0.0  # share of the scenes placed beside the site, missing some or all of its seeps
    overwrite: bool = False

    def validate(self) -> None:
        if self.mode not in MODE_CODE:
            raise InputError(f"--mode {self.mode!r} is not a Sentinel-1 mode the simulator knows: use IW or EW")
        if not isinstance(self.scenes, int) or not 1 <= self.scenes <= MAX_SCENES:
            raise InputError(f"--scenes {self.scenes!r} is out of range: give a whole number from 1 to {MAX_SCENES}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise InputError(f"--seed {self.seed!r} is not valid: give a whole number >= 0")
        if not isinstance(self.size, int) or not MIN_SIZE <= self.size <= MAX_SIZE:
            raise InputError(f"--size {self.size!r} px is out of range: give a size from {MIN_SIZE} to {MAX_SIZE}")
        if self.product != "default" and (self.mode, self.product) not in PRODUCTS:
            choices = ", ".join(p for m, p in PRODUCTS if m == self.mode)
            raise InputError(f"--product {self.product!r}: not a Sentinel-1 {self.mode} product the simulator knows; use {choices}")
        if self.georef not in GEOREF_CHOICES:
            raise InputError(f"--georef {self.georef!r} is not known: use one of {', '.join(GEOREF_CHOICES)}")
        from .sites import SITES  # plain data (pyproj loads on use)

        if self.site and self.site not in SITES:
            raise InputError(f"--site {self.site!r} is not a site the simulator knows: use one of {', '.join(SITES)}")
        if isinstance(self.gaps, bool) or not isinstance(self.gaps, (int, float)) or not 0.0 <= self.gaps <= 1.0:
            raise InputError(f"--gaps {self.gaps!r} is out of range: give the share of dates that miss seeps, 0 to 1")
        if not self.out_dir:
            raise InputError("no output directory given: pass --out DIR")
        out = Path(self.out_dir)
        if out.exists() and not out.is_dir():
            raise InputError(f"{out} exists and is not a directory: choose another --out")
        if out.is_dir() and any(out.iterdir()) and not self.overwrite:
            raise InputError(f"{out} exists and is not empty: choose a new --out or pass --overwrite to replace it")
        from ..atomic import check_output_dir

        check_output_dir(out)


def _acquisition(mode: str, index: int, lon: float, rng: np.random.Generator) -> tuple[dt.datetime, bool]:
    """Acquisition time and pass: a few days apart; ascending ~18h, descending ~06h local solar time."""
    day = START_DATE + dt.timedelta(days=int(3 * index + rng.integers(0, 3)))
    ascending = bool(rng.random() < 0.5)
    local_hours = (18.0 if ascending else 6.0) + rng.uniform(-0.4, 0.4)
    utc_hours = (local_hours - lon / 15.0) % 24.0
    return day + dt.timedelta(hours=utc_hours), ascending


def _scene_id(mode: str, pol: str, kind: str, index: int, start: dt.datetime, rng: np.random.Generator,
              product: str) -> tuple[str, int, int]:
    """(scene id, absolute orbit, datatake id) of a scene written as ``kind``."""
    stop = start + dt.timedelta(seconds=64 if mode == "EW" else 25)
    orbit = 53600 + int((start - START_DATE).total_seconds() / 86400 * 175 / 12)
    take = int(rng.integers(0x40000, 0xFFFFF))
    if kind in ("safe", "safe-zip"):
        from .safe_product import product_name

        return product_name(mode, product, pol, start, stop, orbit, take), orbit, take
    if kind != "gcp":
        return f"s1_{mode.lower()}_{index:04d}_{kind}", orbit, take
    # like a real measurement file: s1a-ew-grd-hh-<start>-<stop>-<orbit>-<datatake>-001
    fmt = "%Y%m%dt%H%M%S"
    return f"s1a-{mode.lower()}-grd-{pol.lower()}-{start:{fmt}}-{stop:{fmt}}-{orbit:06d}-{take:06x}-001", orbit, take


def _seep_record(geom, seep: dict) -> dict:
    """A seep's entry in the manifest: where it is (lon/lat, and in the radar grid), its plume
    (with its starting direction on the map) and whether it left a labelled slick."""
    x, y = geom.transform @ (seep["col"], seep["row"])
    lon, lat = geom.to_lonlat().transform(x, y)
    record = {"seep": seep["seep"], "lon": round(lon, 5), "lat": round(lat, 5)}
    record.update({k: v for k, v in seep.items() if k not in ("index", "seep")})
    record["direction_to_deg"] = round(geom.image_to_map_deg(np.radians(seep["direction_deg_image"])), 1)
    record["labelled"] = seep["slick_pixels"] > 0
    return record


@dataclass
class _Scene:
    """One scene of the series as drawn: where and when, its geometry, file kind and name, pixels."""

    index: int
    site: Site
    start: dt.datetime
    ascending: bool
    geom: SceneGeometry
    kind: str
    scene_id: str
    orbit: int
    take: int
    result: SceneResult
    gap: bool = False  # placed beside the site (series.py)


def _product(params: SimulateParams) -> tuple[str, ModeSpec]:
    """(product name, ModeSpec) of the run."""
    product = DEFAULT_PRODUCT[params.mode] if params.product == "default" else params.product
    return product, PRODUCTS[(params.mode, product)]


def _draw_scene(params: SimulateParams, mode: ModeSpec, product: str, i: int, gap: bool = False) -> _Scene:
    """Place scene i at its site (beside it for a gap date), name it and simulate its pixels. Outside
    a one-site series, draw again while the slicks are hidden by calm, the noise floor or land; a
    series keeps every date as drawn, missed detections included."""
    from .geometry import place_scene
    from .scene import simulate_scene
    from .series import place_gap_scene
    from .sites import MODE_SITES, SITES

    root = np.random.SeedSequence([params.seed, MODE_CODE[params.mode], i])
    placement_seq, scene_seq = root.spawn(2)
    rng = np.random.default_rng(placement_seq)
    site = SITES[params.site or MODE_SITES[params.mode][i % len(MODE_SITES[params.mode])]]
    start, ascending = _acquisition(params.mode, i, site.lon, rng)
    geom = (place_gap_scene if gap else place_scene)(mode, site, params.size, rng, ascending)
    kind = _georef_kind(params.georef, i)
    scene_id, orbit, take = _scene_id(params.mode, mode.polarisation, kind, i, start, rng, product)
    result = simulate_scene(geom, scene_seq)
    for attempt in range(1, 9):
        if params.site or np.count_nonzero(result.labels) >= MIN_SLICK_PIXELS:
            break
        result = simulate_scene(geom, np.random.SeedSequence([params.seed, MODE_CODE[params.mode], i, attempt]))
    return _Scene(i, site, start, ascending, geom, kind, scene_id, orbit, take, result, gap)


def _gap_dates(params: SimulateParams) -> set[int]:
    from .series import gap_dates

    return gap_dates(params.scenes, params.gaps, np.random.SeedSequence([params.seed, MODE_CODE[params.mode], GAP_STREAM]))


def _georef_kind(georef: str, i: int) -> str:
    from .writers import GEOREF_KINDS

    return GEOREF_KINDS[i % 3] if georef == "cycle" else georef


def _tags(mode: ModeSpec, scene: _Scene) -> dict:
    return {
        "S1_MODE": mode.name,
        "S1_POLARISATION": mode.polarisation,
        "ACQUISITION_TIME": scene.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "S1_PASS": "ASCENDING" if scene.ascending else "DESCENDING",
        "SITE": scene.site.name,
        "SIMULATED": "slick-backend simulate",
    }


def _write_scene_file(tmp: Path, scene: _Scene, mode: ModeSpec, product: str, tags: dict) -> tuple[Path, dict]:
    """Write the scene as its georeferencing kind; (path, what the manifest records about the file)."""
    from .writers import write_epsg4326, write_gcp_grd, write_utm_db

    geom, result, kind = scene.geom, scene.result, scene.kind
    path = tmp / (scene.scene_id + (".tiff" if kind == "gcp" else ".tif"))
    if kind in ("safe", "safe-zip"):
        from .safe_product import write_safe_product

        made = write_safe_product(tmp, geom, result.intensity, result.nesz, mode=mode.name, product=product,
                                  pol=mode.polarisation, start=scene.start, ascending=scene.ascending,
                                  orbit=scene.orbit, take=scene.take, as_zip=kind == "safe-zip")
        written = {"crs": None, "gcps": len(geom.gcps_lonlat()), "nodata": None,
                   "product_polarisations": made["polarisations"], "calibrated_with": "sigmaNought LUT",
                   "valid_pixels": int(np.isfinite(result.intensity).sum())}
        return made["path"], written
    if kind == "gcp":
        return path, write_gcp_grd(path, geom, result.intensity, tags, zero_border=(scene.index // 3) % 2 == 0)
    if kind == "epsg4326":
        return path, write_epsg4326(path, geom, result.intensity, tags)
    return path, write_utm_db(path, geom, result.intensity, tags)


def _label_rows(scene: _Scene, mode: ModeSpec, tags: dict) -> list[dict]:
    """The scene's labelled slicks as rows of labels.gpkg."""
    from .labels import label_polygons

    seep_ids = {s["index"]: s["seep"] for s in scene.result.seeps}
    return [{"scene": scene.scene_id, "seep": seep, "mode": mode.name, "site": scene.site.name,
             "acq_time": tags["ACQUISITION_TIME"], "area_m2": round(area, 1), "geometry": poly}
            for seep, poly, area in label_polygons(scene.geom, scene.result.labels, seep_ids)]


def _scene_record(scene: _Scene, mode: ModeSpec, product: str, path: Path, written: dict, tags: dict) -> dict:
    """The scene's entry in manifest.json."""
    from .series import site_seeps_truth
    from .writers import VALUE_KIND

    geom, result = scene.geom, scene.result
    return {
        "id": scene.scene_id,
        "file": path.name,
        "mode": mode.name,
        "polarisation": mode.polarisation,
        "product": product,
        "pixel_m": mode.pixel_m,
        "looks": result.info["looks"],  # drawn per scene around the product's nominal looks
        "nominal_looks": mode.enl,
        "georef": scene.kind,
        "value": VALUE_KIND[scene.kind],
        **written,
        "site": scene.site.name,
        "utm_epsg": scene.site.epsg,
        "acquisition_time": tags["ACQUISITION_TIME"],
        "pass": tags["S1_PASS"],
        "drift_to_deg": result.info["drift_to_deg"],
        "wind_to_deg": result.info["wind_direction_deg"],
        "gap": scene.gap,
        "radar_grid": {"rows": geom.rows, "cols": geom.cols, "transform_utm": list(geom.transform)[:6],
                       "heading_deg": round(geom.heading_deg, 3), "range_offset_km": round(geom.range_offset_km, 2)},
        "seeps": [_seep_record(geom, s) for s in result.seeps],
        "site_seeps": site_seeps_truth(geom, result.intensity, result.seeps),
        "slick_pixels": int(np.count_nonzero(result.labels)),
        "conditions": result.info,
    }


def _write_manifest(tmp: Path, params: SimulateParams, scenes: list[dict], label_rows: list[dict]) -> None:
    """manifest.json, and drift.csv from the same scene records."""
    from .series import drift_csv, sites_record
    from .sites import SITES

    manifest = {
        "format": "slick-simulation",
        "version": 1,
        "params": {k: v for k, v in dataclasses.asdict(params).items() if k not in ("out_dir", "overwrite")},
        "labels": {"file": "labels.gpkg", "layer": "slicks", "crs": "EPSG:4326", "polygons": len(label_rows)},
        "sites": sites_record([SITES[name] for name in dict.fromkeys(s["site"] for s in scenes)]),
        "drift": {"file": "drift.csv", "columns": ["scene", "acq_time", "drift_to_deg", "wind_to_deg"]},
        "scenes": scenes,
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1))
    (tmp / "drift.csv").write_text(drift_csv(scenes))


def run_simulate(params: SimulateParams, progress: Progress) -> dict:
    params.validate()
    # heavy imports only after validation, so that parameter errors come back instantly
    from .labels import write_labels_gpkg

    product, mode = _product(params)
    out = Path(params.out_dir)
    t0 = time.monotonic()
    scenes, label_rows = [], []
    gaps = _gap_dates(params)
    overwrite = params.overwrite or out.is_dir()  # an empty existing directory is simply filled
    with atomic_dir(out, overwrite=overwrite) as tmp:
        os.chmod(tmp, 0o755)  # a normal data directory once renamed (mkdtemp makes it private)
        for i in range(params.scenes):
            progress.check()
            progress.update(i / params.scenes, f"simulating {params.mode} scene {i + 1}/{params.scenes}")
            scene = _draw_scene(params, mode, product, i, gap=i in gaps)
            progress.check()
            tags = _tags(mode, scene)
            path, written = _write_scene_file(tmp, scene, mode, product, tags)
            label_rows += _label_rows(scene, mode, tags)
            scenes.append(_scene_record(scene, mode, product, path, written, tags))
            del scene
        progress.update(0.97, "writing labels and manifest")
        write_labels_gpkg(tmp / "labels.gpkg", label_rows)
        _write_manifest(tmp, params, scenes, label_rows)
    progress.update(1.0, f"wrote {params.scenes} {params.mode} scenes to {out}")
    return {
        "out": str(out),
        "manifest": str(out / "manifest.json"),
        "labels": str(out / "labels.gpkg"),
        "drift": str(out / "drift.csv"),
        "scenes": [str(out / s["file"]) for s in scenes],
        "slick_polygons": len(label_rows),
        "slick_pixels": int(sum(s["slick_pixels"] for s in scenes)),
        "seconds": round(time.monotonic() - t0, 2),
    }
