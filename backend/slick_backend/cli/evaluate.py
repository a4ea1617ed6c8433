"""`slick-backend evaluate`: per-scene Dice of a model on a dataset split, as JSON."""

from __future__ import annotations

import argparse
import json

from .params import params_from_args


def add_parser(subparsers):
    p = subparsers.add_parser(
        "evaluate",
        help="Dice / precision / recall / IoU of a model on a dataset split",
        description="Rebuild each scene of the split from its overlapping tiles (probabilities averaged), threshold them "
        "(the model card's threshold unless --threshold), "
        "and report the Dice of the slick class per scene, their mean, and pooled precision, recall and IoU.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--model", required=True, metavar="MODEL",
                   help="model dir written by `slick-backend train`, or a shipped model name (slick-s1-source)")
    p.add_argument("--data", required=True, metavar="DIR", help="dataset dir written by `slick-backend prepare`")
    p.add_argument("--split", default="test", choices=["train", "val", "test"])
    p.add_argument("--out", default=None, metavar="FILE", help="metrics JSON (default MODEL/evaluation_SPLIT.json; for a shipped model "
                   "evaluation_NAME_SPLIT.json in the current dir)")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--threshold", type=float, default=None, help="probability threshold (default: the model card's)")
    return p


def run(args, progress) -> int:
    from ..train.evaluate import EvaluateParams, run_evaluate

    result = run_evaluate(params_from_args(EvaluateParams, args), progress)
    print(json.dumps(result, indent=2))
    return 0
