"""`slick-backend realism`: statistics of simulated scene sets beside the real Arctic mosaics."""

from __future__ import annotations

from .params import params_from_args


def add_parser(subparsers):
    p = subparsers.add_parser(
        "realism",
        help="measure simulated scenes against the real Arctic EW mosaics (histograms, spectra, speckle, slicks)",
        description=(
            "Put each simulated scene through prepare's preprocessing (UTM grid at --pixel-size, per-scene "
            "2-sigma stretch of dB, labels rasterised) and measure it as the segmentation model sees it, beside "
            "the real stretched mosaics: level histogram distances (hist_w1, hist_js), level percentiles, water "
            "power-spectrum slopes, apparent ENL and stretch scale, slick contrast, slick width, length, "
            "tortuosity, branches and fragments, lookalike and dark-patch shares, nodata share and edge density. "
            "Prints a table (mean [min..max] over each set's images); --json writes every number. "
            "See docs/simulation.md."
        ),
    )
    p.add_argument("--sim", nargs="+", required=True, metavar="DIR",
                   help="one or more directories written by `slick-backend simulate` (one table column each)")
    p.add_argument("--real", metavar="DIR", default=None,
                   help="folder of the real mosaics (sample_*/raw_mosaic.tif + labels_mosaic.png) or one sample "
                        "folder (default: $SLICK_ARCTIC_DIR, else shared/data/arctic_ew beside the repository)")
    p.add_argument("--pixel-size", type=float, default=25.0, metavar="M",
                   help="pixel size in metres the simulated scenes are resampled to (default 25, as the real mosaics)")
    p.add_argument("--max-scenes", type=int, default=None, metavar="K",
                   help="measure at most the first K scenes of each simulated set")
    p.add_argument("--stretch-domain", default="db", choices=["db", "amplitude", "intensity"],
                   help="stretch the simulated scenes linearly in this quantity (default db, as prepare does)")
    p.add_argument("--json", metavar="FILE", default=None, help="also write all statistics, per image and per set, to FILE")
    return p


def run(args, progress) -> int:
    from ..realism.api import RealismParams, run_realism
    from ..realism.compare import format_table

    params = params_from_args(RealismParams, args, renames={"json_path": "json"})
    result = run_realism(params, progress)
    print(format_table(result))
    if result.get("json"):
        print(f"json: {result['json']}")
    return 0
