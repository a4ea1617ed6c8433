"""`slick-backend evaluate`: per-scene Dice of a model on a dataset split, as JSON."""

from __future__ import annotations

import argparse
import json


def add_parser(subparsers):
    p = subparsers.add_parser(
        "evaluate",
        help="Dice / precision / recall / IoU of a model on a dataset split",
        description="Rebuild each scene of the split from its overlapping tiles (probabilities averaged), threshold at 0.5, "
        "and report the Dice of the slick class per scene, their mean, and pooled precision, recall and IoU.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--model", required=True, metavar="DIR", help="model dir written by `slick-backend train`")
    p.add_argument("--data", required=True, metavar="DIR", help="dataset dir written by `slick-backend prepare`")
    p.add_argument("--split", default="test", choices=["train", "val", "test"])
    p.add_argument("--out", default=None, metavar="FILE", help="metrics JSON (default MODEL/evaluation_SPLIT.json)")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument("--batch-size", type=int, default=8)
    return p


def run(args, progress) -> int:
    from ..train.evaluate import EvaluateParams, run_evaluate

    result = run_evaluate(EvaluateParams(model=args.model, data=args.data, split=args.split, out=args.out,
                                         device=args.device, batch_size=args.batch_size), progress)
    print(json.dumps(result, indent=2))
    return 0
