"""`slick-backend atlas`: slick outlines over many dates -> recurrence map, seep sources, time series."""

from __future__ import annotations

import argparse
import json


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "atlas",
        help="seep atlas: recurrence of slicks over many dates, seep sources with uncertainty, time series",
        description=(
            "From slick outlines of many scenes and the scenes that were looked at (--coverage, so that 'not "
            "seen' is told apart from 'no slick'), write into the folder --out DIR: recurrence.tif (band 1: share "
            "of covering scenes with slick per pixel, -1 where none covers it; band 2: number of covering scenes), "
            "sources.gpkg (layers sources: points with n_dates, first_date, last_date, n_observed, confidence, "
            "slick_ids...; ellipses: their 95 % uncertainty ellipses), timeseries.csv (one row per source and "
            "covering scene), charts/source_<id>.png, atlas.png, report.html and atlas.json. Each slick's "
            "candidate origin is the up-drift end of its centreline when --drift gives the scene's drift "
            "direction, else both ends at half weight; candidates are clustered across dates (weighted DBSCAN, "
            "--cluster-m) and a source is a dense place of a cluster: the candidates within --source-radius-m of "
            "it, with slicks on at least --min-dates dates. See docs/atlas.md."
        ),
    )
    p.add_argument("--outlines", nargs="+", required=True, metavar="FILE",
                   help="outline files: GeoPackage (layer 'slicks' when present, else the first polygon layer), "
                        "Shapefile, GeoJSON; any CRS; fields scene, acq_time, id (e.g. a batch's DIR/slicks.gpkg)")
    p.add_argument("--coverage", nargs="+", required=True, metavar="SCENE",
                   help="the scenes that were looked at: scene rasters, .SAFE folders, product zips (their valid-"
                        "data footprint is computed), folders of them, @LIST.txt, or footprint files (one polygon "
                        "per scene, field 'scene', optional 'acq_time')")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (written atomically)")
    p.add_argument("--drift", default="", metavar="CSV",
                   help="CSV with columns scene, drift_to_deg (degrees clockwise from north the surface drift goes "
                        "towards) and optionally acq_time; without it both ends of each slick are candidates")
    p.add_argument("--pixel-size", type=float, default=100.0, metavar="M",
                   help="pixel size of the recurrence grid in metres (default 100)")
    p.add_argument("--cluster-m", type=float, default=1500.0, metavar="M",
                   help="candidate origins closer than M metres chain into one cluster (default 1500)")
    p.add_argument("--source-radius-m", type=float, default=400.0, metavar="M",
                   help="a source is made of the candidate origins within M metres of a dense place of a cluster "
                        "(default 400)")
    p.add_argument("--min-dates", type=int, default=3, metavar="N",
                   help="a source needs slicks on at least N distinct dates (default 3)")
    p.add_argument("--overwrite", action="store_true", help="replace --out if it exists (once the new one is complete)")
    return p


def run(args, progress) -> int:
    from ..atlas.api import AtlasParams, run_atlas
    from .params import params_from_args

    result = run_atlas(params_from_args(AtlasParams, args), progress)
    print(json.dumps(result, indent=2))
    return 0
