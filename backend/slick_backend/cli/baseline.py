"""`slick-backend baseline --scene RASTER --out PREFIX`: the classic dark-spot detector."""

from __future__ import annotations

import json

from .params import params_from_args
from .scene_args import add_mask_options, add_scene_options


def add_parser(subparsers):
    p = subparsers.add_parser(
        "baseline",
        help="classic adaptive-threshold dark-spot detector (the comparator of the learned models)",
        description=(
            "Mark pixels more than K dB below the mean of the valid pixels in a window of W km around them "
            "(as ESA SNAP's oil-spill detector does), drop connected spots smaller than A km2, and write "
            "PREFIX_mask.tif (uint8: 1 = dark spot, 0 = not, 255 = nodata) and PREFIX_slicks.gpkg (layer "
            "'slicks', same attributes as predict; mean_prob/max_prob empty). Already-stretched 8-bit input is "
            "taken as linear in dB: 1 DN = 4 x --stretch-sigma-db / 254 dB (the 2-sigma stretch spans 4 std)."
        ),
    )
    p.add_argument("--scene", required=True, metavar="SCENE",
                   help="Sentinel-1 scene: any raster `prepare` accepts, or a product (.SAFE folder or .zip)")
    p.add_argument("--out", required=True, metavar="PREFIX", help="output prefix, e.g. out/scene1_baseline")
    p.add_argument("--k-db", type=float, default=2.0, help="darkness threshold below the local mean, dB (default 2)")
    p.add_argument("--window-km", type=float, default=0.5, help="side of the local-mean window, km (default 0.5)")
    p.add_argument("--min-area-km2", type=float, default=0.1, help="drop dark spots smaller than this (default 0.1)")
    p.add_argument("--pixel-size", type=float, default=25.0, help="grid pixel size in metres (default 25)")
    p.add_argument("--stretch-sigma-db", type=float, default=2.5,
                   help="8-bit stretched input only: dB of one standard deviation of the stretch (default 2.5)")
    p.add_argument("--format", choices=["gpkg", "shp", "geojson"], default="gpkg", help="outline file format")
    p.add_argument("--simplify-m", type=float, default=None, help="outline simplification tolerance, m (default half a pixel)")
    p.add_argument("--overwrite", action="store_true", help="replace outputs already at this --out prefix")
    add_scene_options(p, calibration_default="none")
    add_mask_options(p)
    return p


def run(args, progress) -> int:
    from ..baseline import BaselineParams, run_baseline

    result = run_baseline(params_from_args(BaselineParams, args), progress)
    result.pop("params", None)
    print(json.dumps(result, indent=2))
    return 0
