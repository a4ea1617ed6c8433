"""`slick-backend prepare`: Sentinel-1 scenes (+ label polygons) -> a dataset of tiles."""

from __future__ import annotations

import argparse
import json

from .params import params_from_args
from .scene_args import add_scene_options

HELP = """\
Reproject each scene to its UTM zone at --pixel-size (bilinear), apply the per-scene 2-sigma
linear stretch (in dB; 8-bit input is kept as is) to 1..255 with 0 = nodata, rasterise the
label polygons (1 = slick), cut tiles with --overlap and split whole scenes into
train / val / test. Scenes: Sentinel-1 GRD products as downloaded (.SAFE folder or .zip; the
co-polarised band unless --polarisation; --calibration sigma0-denoised calibrates it and removes
thermal noise with the product's own annotation), measurement GeoTIFFs (GCPs), GeoTIFFs in EPSG:4326
or a projected CRS; linear sigma0, dB, amplitude DN or already-stretched 8-bit values.
Labels: any OGR vector format and CRS; a `scene` field, when present, ties polygons to
scenes (by file stem). Without --labels every mask is 0 and the stretch uses the whole scene.
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "prepare",
        help="scenes + labels -> tiled dataset (UTM, resample, stretch, tiles, splits)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--scenes", nargs="+", required=True, metavar="SCENE",
                   help="scene rasters or Sentinel-1 products (.SAFE folder or .zip); scene ids are the file stems "
                   "(product names)")
    p.add_argument("--labels", metavar="FILE", help="slick polygons (GeoPackage, Shapefile, GeoJSON, ...), any CRS")
    p.add_argument("--labels-layer", metavar="NAME", help="layer of --labels (default: 'slicks', else the first polygon layer)")
    p.add_argument("--pixel-size", type=float, default=25.0, metavar="M", help="target pixel size in metres: 10 or 25 (default 25)")
    p.add_argument("--tile", type=int, default=256, metavar="PX", help="tile size in pixels: 256 or 512 (default 256)")
    p.add_argument("--out", required=True, metavar="DIR", help="dataset directory to create")
    p.add_argument("--overlap", type=float, default=0.5, help="tile overlap fraction (default 0.5)")
    p.add_argument("--buffer-km", type=float, default=8.0, metavar="KM",
                   help="the stretch is computed on the labels' bounding box plus this buffer (default 8)")
    p.add_argument("--utm-zone", metavar="ZONE", help="force a UTM zone, e.g. 32N or 23S (default: from each scene's centre)")
    p.add_argument("--seed", type=int, default=0, help="seed of the scene-level split (default 0)")
    p.add_argument("--split", default="0.6,0.2,0.2", metavar="TR,VA,TE", help="train,val,test fractions of scenes (default 0.6,0.2,0.2; "
                   "1,0,0 puts every scene in train, 0,1,0 every scene in val)")
    p.add_argument("--min-valid", type=float, default=0.5, metavar="F", help="skip tiles with less valid data than this (default 0.5)")
    add_scene_options(p)
    p.add_argument("--stretch-domain", default="db", choices=["db", "amplitude", "intensity"],
                   help="the 2-sigma stretch is linear in this quantity (default db; the paper's published mosaics "
                   "look stretched in amplitude or intensity)")
    p.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    return p


def run(args, progress) -> int:
    from ..dataset.prepare import PrepareParams, run_prepare
    from ..dataset.splits import parse_fractions

    params = params_from_args(PrepareParams, args, split=list(parse_fractions(args.split)))
    result = run_prepare(params, progress)
    print(json.dumps(result, indent=1))
    return 0
