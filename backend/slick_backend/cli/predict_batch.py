"""The batch form of `slick-backend predict`: ``--scenes A B ... --out DIR`` (predict/batch.py).

Kept apart from cli/predict.py, which adds these options and hands over when --scenes is given.
"""

from __future__ import annotations

import json
import sys

from ..errors import InputError
from .params import params_from_args


def add_batch_options(p) -> None:
    p.add_argument("--scenes", nargs="+", default=None, metavar="SCENE",
                   help="predict many scenes into the folder --out DIR: scene files, product folders / zips, folders "
                        "of scenes (their *.tif, *.tiff, *.zip, *.SAFE) or @LIST.txt (one path per line); resumable, "
                        "one merged DIR/slicks.gpkg (see docs/batch.md)")
    p.add_argument("--executor", choices=("local", "ray"), default="local",
                   help="with --scenes: local (default) worker processes, or tasks on a Ray cluster")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="with --scenes: scenes at a time (default 1)")
    p.add_argument("--ray-address", "--address", dest="ray_address", default=None, metavar="ADDR",
                   help="with --executor ray: address of a running Ray cluster (default: start a local Ray)")


def check_form(args) -> None:
    """One of the two forms: --scene + --out PREFIX, or --scenes + --out DIR; batch options only with the second."""
    if args.scene and args.scenes:
        raise InputError("give either --scene (one scene, --out PREFIX) or --scenes (many, --out DIR), not both")
    if not args.scene and not args.scenes:
        raise InputError("give --scene SCENE (one scene) or --scenes SCENE... (many scenes, a folder or @LIST.txt)")
    if args.scene and (args.executor != "local" or args.workers != 1 or args.ray_address):
        raise InputError("--executor, --workers and --ray-address are for batches: use them with --scenes")
    if args.scenes and args.format != "gpkg":
        raise InputError(f"--format {args.format}: a batch writes GeoPackages (merged into DIR/slicks.gpkg); "
                         "leave --format out, or export the merged layer")


def run_batch(args, progress) -> int:
    from ..predict.batch import BatchPredictParams, run_batch_predict

    result = run_batch_predict(params_from_args(BatchPredictParams, args), progress)
    print(json.dumps(result, indent=2))
    if result["failed"]:
        print(f"slick-backend predict: {len(result['failed'])} of {result['scenes']} scenes failed (their errors: "
              f"{result['status']}); run the same command again to retry them", file=sys.stderr)
        return 1
    return 0
