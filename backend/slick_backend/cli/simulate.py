"""`slick-backend simulate`: synthetic Sentinel-1 scenes and slick labels (the embedded demo data)."""

from __future__ import annotations

import argparse
import json

from .params import params_from_args


def add_parser(subparsers) -> argparse.ArgumentParser:
    from ..simulate.sites import SITES  # plain data, no numpy or pyproj

    p = subparsers.add_parser(
        "simulate",
        help="synthetic Sentinel-1 IW/EW scenes with seep slicks, lookalikes and label polygons",
        description=(
            "Write N synthetic Sentinel-1 GRD-like scenes (IW: VV, 10 m, ~4.4 looks, North Sea; "
            "EW: HH, 40 m, ~10 looks, Prins Karls Forland and Sentralbanken), DIR/labels.gpkg "
            "(layer 'slicks', EPSG:4326 polygons, field 'scene' = file stem) and DIR/manifest.json. "
            "Scenes cycle through GCP-georeferenced uint16 amplitude, EPSG:4326 linear sigma0 and "
            "UTM dB files. The same seed gives the same scenes. With --site every scene is at one site, one "
            "date each (a time series with known seeps for the seep atlas; DIR/drift.csv gives the drift "
            "per scene). See docs/simulation.md."
        ),
    )
    p.add_argument("--mode", choices=["IW", "EW"], required=True, help="acquisition mode to simulate")
    p.add_argument("--scenes", type=int, default=8, metavar="N", help="number of scenes (default 8)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory (new or empty)")
    p.add_argument("--size", type=int, default=2048, metavar="PX",
                   help="scene size in pixels, square, in radar geometry, 64..8192 (default 2048: 20 km IW, 82 km EW)")
    p.add_argument("--georef", choices=["cycle", "gcp", "epsg4326", "utm", "safe", "safe-zip"], default="cycle",
                   help="georeferencing of the files: cycle through the three raster variants (default) or one for "
                   "all; safe / safe-zip write each scene as a miniature Sentinel-1 GRD product (.SAFE folder or "
                   ".zip) with calibration and noise annotation")
    p.add_argument("--product", choices=["default", "GRDM", "GRDH"], default="default",
                   help="GRD product: GRDM (EW only: 40 m, ~10 looks) or GRDH (IW: 10 m; EW: 25 m, ~3 looks); "
                   "default GRDH for IW, GRDM for EW")
    p.add_argument("--site", choices=sorted(SITES), default="",
                   help="put every scene at this site, one date each, a few days apart: a time series whose seeps "
                   "are the truth (manifest 'sites'); default: the mode's sites in turn")
    p.add_argument("--gaps", type=float, default=0.0, metavar="SHARE",
                   help="share of the dates (0..1) whose scene is placed beside the site, missing some or all of "
                   "its seeps (dates without coverage); default 0")
    p.add_argument("--overwrite", action="store_true", help="replace DIR if it exists (only once the new one is complete)")
    return p


def run(args, progress) -> int:
    from ..simulate.api import SimulateParams, run_simulate

    result = run_simulate(params_from_args(SimulateParams, args), progress)
    summary = {k: v for k, v in result.items() if k != "scenes"}
    summary["scenes"] = len(result["scenes"])
    print(json.dumps(summary))
    return 0
