"""`slick-backend dice --pred RASTER --truth RASTER`: Dice of the slick class (value 1)."""

from __future__ import annotations

import json


def add_parser(subparsers):
    p = subparsers.add_parser(
        "dice",
        help="Dice of the slick class between a predicted and a true mask",
        description=(
            "Print the Dice of class 1 (2TP / (2TP + FP + FN)) between two rasters on the same grid "
            "(same CRS, transform and size; otherwise it refuses). Pixels that either raster marks as "
            "nodata are ignored, except a declared nodata of 0 or 1, which GIS tools often put on the "
            "background class of thematic masks and is therefore counted as a class. Reads in strips, "
            "so any scene size works. Dice is 1.0 when both masks are empty."
        ),
    )
    p.add_argument("--pred", required=True, metavar="RASTER", help="predicted mask (1 = slick)")
    p.add_argument("--truth", required=True, metavar="RASTER", help="reference mask (1 = slick)")
    p.add_argument("--band", type=int, default=1, help="band to compare in both rasters (default 1)")
    p.add_argument("--json", action="store_true",
                   help="print all counts and metrics (tp, fp, fn, tn, dice, iou, precision, recall) as JSON")
    return p


def run(args, progress) -> int:
    from ..metrics import counts_from_rasters

    counts = counts_from_rasters(args.pred, args.truth, band=args.band, progress=progress)
    if args.json:
        print(json.dumps(counts.as_dict()))
    else:
        print(f"{counts.dice:.4f}")
    return 0
