"""`slick-backend finetune-prompt --data DIR --out DIR`: a prompt model adapted to your labels."""

from __future__ import annotations

import argparse
import json

from .params import params_from_args


def add_parser(subparsers):
    from ..prompt.store import SHIPPED_NAME

    p = subparsers.add_parser(
        "finetune-prompt",
        help="adapt the prompt model (box and point prompts) to the labelled slicks of a prepared dataset",
        description="Train a prompt model further on the slicks of a dataset written by `slick-backend prepare` "
        "(noisy boxes and clicks, as in its pretraining), keep the best weights on fixed check prompts (the start "
        "included: never worse than the source on them) and write a prompt model dir that the SAM endpoints and "
        "the plugin's SAM model list take.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--data", required=True, metavar="DIR", help="dataset dir written by `slick-backend prepare` (25 m)")
    p.add_argument("--out", required=True, metavar="DIR", help="prompt model dir to write")
    p.add_argument("--from", dest="source", default=SHIPPED_NAME, metavar="MODEL",
                   help="the prompt model to start from: the shipped name or a prompt model dir")
    p.add_argument("--steps", type=int, default=150, help="training steps")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--lr", type=float, default=0.0003, help="peak learning rate (one-cycle)")
    p.add_argument("--box-noise", type=float, default=0.4, help="boxes loosened and shifted by up to this share of their size")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--val-every", type=int, default=50, help="check the weights every N steps")
    p.add_argument("--device", default="auto", help="auto (CUDA when there is a GPU), cpu or cuda[:N]")
    p.add_argument("--name", default=None, help="model name (default: the --out dir's name)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out once the new model is complete")
    return p


def run(args, progress) -> int:
    from ..prompt.finetune import FinetunePromptParams, run_finetune_prompt

    params = params_from_args(FinetunePromptParams, args)
    print(json.dumps(run_finetune_prompt(params, progress), indent=2))
    return 0
