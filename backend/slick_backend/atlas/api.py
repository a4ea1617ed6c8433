"""`slick-backend atlas` / job "atlas": slick outlines over many dates -> recurrence, seep sources,
time series and a report, in one output folder written atomically (docs/atlas.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..progress import Progress


@dataclass
class AtlasParams:
    outlines: list[str]  # outline files (GeoPackage layer "slicks" when present, Shapefile, GeoJSON); any CRS
    coverage: list[str]  # scenes looked at: rasters, .SAFE, product zips, folders, @lists, or footprint files
    out_dir: str  # output folder (the CLI's --out)
    drift: str = ""  # optional CSV: scene, drift_to_deg (towards, clockwise from north)[, acq_time]
    pixel_size: float = 100.0  # recurrence grid, metres
    cluster_m: float = 1500.0  # candidate origins this close chain into one cluster, metres
    source_radius_m: float = 400.0  # a source: the candidates within this distance of a dense place, metres
    min_dates: int = 3  # a source needs slicks on at least this many distinct dates
    overwrite: bool = False

    def validate(self) -> None:
        from ..atomic import check_output_dir
        from .coverage import coverage_paths
        from .drift import read_drift
        from .outlines import pick_layer

        if not self.outlines:
            raise InputError("--outlines: give one or more outline files (GeoPackage, Shapefile, GeoJSON), e.g. the "
                             "batch's DIR/slicks.gpkg")
        for path in self.outlines:
            pick_layer(path)
        _positive("--pixel-size", self.pixel_size, "metres per pixel of the recurrence grid, e.g. 100")
        _positive("--cluster-m", self.cluster_m, "metres between candidate origins of one cluster, e.g. 1500")
        _positive("--source-radius-m", self.source_radius_m, "metres from a source to its candidate origins, e.g. 400")
        if isinstance(self.min_dates, bool) or not isinstance(self.min_dates, int) or self.min_dates < 1:
            raise InputError(f"--min-dates {self.min_dates!r}: give a whole number of dates, 1 or more")
        if not self.out_dir:
            raise InputError("--out: give an output folder, e.g. out/atlas")
        out = Path(self.out_dir)
        if out.exists() and not out.is_dir():
            raise InputError(f"--out {out}: is a file; give a folder for the atlas")
        if out.exists() and not self.overwrite:
            raise InputError(f"--out {out}: already exists; choose another --out or give --overwrite")
        check_output_dir(out)
        coverage_paths(list(self.coverage or []))
        read_drift(self.drift)


def _positive(flag: str, value, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise InputError(f"{flag} {value!r}: give a positive number ({what})")


def run_atlas(params: AtlasParams, progress: Progress) -> dict:
    from .drift import read_drift
    from .observations import match_slicks, observations
    from .outlines import read_outline_file

    params.validate()
    progress.update(0.0, "reading the outlines")
    files = [read_outline_file(p) for p in params.outlines]
    if not any(f.slicks for f in files):
        raise InputError(f"--outlines {', '.join(map(str, params.outlines))}: no slick outline in the file(s); "
                         "an atlas needs at least one slick")
    data = _inputs(params, files, progress)
    progress.check()
    slick_scene = match_slicks(data["slicks"], data["footprints"])
    obs = observations(data["footprints"], data["slicks"], slick_scene, read_drift(params.drift))
    return _build(params, data, obs, slick_scene, progress)


def _inputs(params: AtlasParams, files, progress: Progress) -> dict:
    """The slicks in the atlas CRS and every coverage footprint."""
    import shapely

    from ..data_roots import guard
    from .coverage import coverage_paths, read_footprints
    from .grid import atlas_grid, atlas_zone
    from .outlines import lonlat_bounds, reproject

    crs, zone = atlas_zone(lonlat_bounds(files))
    slicks = reproject(files, crs)
    box = shapely.total_bounds([s.geom for s in slicks])
    atlas_grid(crs, box, box, float(params.pixel_size))  # too many pixels even without margin: say so now
    paths = coverage_paths(list(params.coverage))
    footprints = []
    for k, path in enumerate(paths):
        progress.check()
        progress.update(0.05 + 0.5 * k / len(paths), f"footprint {k + 1} of {len(paths)}: {Path(path).name}")
        guard(path, "--coverage")  # a restricted server's job: @lists may name files outside its roots
        footprints += read_footprints(path, crs, zone, float(params.pixel_size))
    return {"crs": crs, "slicks": slicks, "footprints": footprints}


def _measure(slicks, obs, slick_scene, crs: str, progress: Progress) -> dict:
    """Per slick: area, centreline axis and length, a point inside, drift direction on the grid."""
    from .fragments import continued_ends
    from .grid import north_azimuth
    from .origins import axis, narrow_end

    lines, length = [], np.zeros(len(slicks))
    for i, s in enumerate(slicks):
        if i % 50 == 0:
            progress.check()
            progress.update(i / len(slicks), f"centrelines: slick {i + 1} of {len(slicks)}")
        line, length[i] = axis(s.geom)
        lines.append(line)
    inside = np.array([s.geom.representative_point().coords[0] for s in slicks], float).reshape(-1, 2)
    drift = np.array([np.nan if obs[k].drift_to_deg is None else obs[k].drift_to_deg for k in slick_scene], float)
    drift_grid = drift + north_azimuth(crs, inside[:, 0], inside[:, 1]) if len(slicks) else drift
    links = continued_ends([s.geom for s in slicks], lines, slick_scene)
    narrow = np.array([narrow_end(s.geom, line) for s, line in zip(slicks, lines, strict=True)], int)
    return {"lines": lines, "length_m": length, "area_m2": np.array([s.geom.area for s in slicks], float),
            "inside": inside, "drift_grid": drift_grid, "links": links, "narrow": narrow}


def _build(params: AtlasParams, data: dict, obs, slick_scene, progress: Progress) -> dict:
    import shapely

    from .cluster import find_sources
    from .grid import atlas_grid
    from .origins import candidate_origins
    from .outputs import write_outputs
    from .recurrence import accumulate

    slicks, crs = data["slicks"], data["crs"]
    shown = [f.geom for f in data["footprints"] if not f.geom.is_empty]
    grid = atlas_grid(crs, shapely.total_bounds([s.geom for s in slicks]),
                      shapely.total_bounds(shown) if shown else None, float(params.pixel_size))
    hits, count = accumulate(grid, ((o.footprint, [slicks[i].geom for i in o.slicks]) for o in obs),
                             progress.sub(0.55, 0.7))
    shape = _measure(slicks, obs, slick_scene, crs, progress.sub(0.7, 0.85))
    cand = candidate_origins(shape["lines"], shape["inside"], shape["drift_grid"], shape["links"], shape["narrow"])
    progress.update(0.86, f"clustering {len(cand.xy)} candidate origins")
    sources = find_sources(cand, [obs[k].date for k in slick_scene], float(params.cluster_m), params.min_dates,
                           float(params.pixel_size) / 2, shape["links"], float(params.source_radius_m))
    return write_outputs(params, {"grid": grid, "hits": hits, "count": count, "obs": obs, "slicks": slicks,
                                  "slick_scene": slick_scene, "shape": shape, "cand": cand, "sources": sources,
                                  "crs": crs}, progress.sub(0.88, 1.0))

