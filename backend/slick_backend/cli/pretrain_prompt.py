"""`slick-backend pretrain-prompt --config FILE --out DIR --work DIR`: the shipped prompt model."""

from __future__ import annotations

import argparse
import json
import shlex

from .params import params_from_args

HELP = """\
Make the prompt model (box and point prompts -> slick outlines; the default labelling model)
reproducibly from a config (configs/prompt.toml): the simulated scene sets and datasets of the
source config (pretrain-source's stages in the work dir are reused), windows with slicks,
noisy boxes and points (Stable-SAM's recipe), the best weights on fixed simulated validation
prompts. Writes a prompt model dir (weights.safetensors + model.json with the recipe and the
validation history). The shipped one goes to backend/slick_backend/models/shipped/slick-s1-prompt.
"""


def add_parser(subparsers):
    p = subparsers.add_parser(
        "pretrain-prompt",
        help="make the shipped prompt model (slick-s1-prompt) from a config, on simulated scenes only",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--config", required=True, metavar="FILE", help="TOML config (see configs/prompt.toml)")
    p.add_argument("--out", required=True, metavar="DIR", help="model dir to write (must not exist unless --overwrite)")
    p.add_argument("--work", required=True, metavar="DIR",
                   help="work dir of pretrain-source (simulated scenes and datasets; made when missing)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out once the new model is complete")
    return p


def run(args, progress) -> int:
    from ..prompt.train import PretrainPromptParams, run_pretrain_prompt

    # the command that reproduces this model (not --overwrite, which only let the run replace an earlier one)
    command = shlex.join(["slick-backend", "pretrain-prompt", "--config", args.config, "--out", args.out,
                          "--work", args.work])
    params = params_from_args(PretrainPromptParams, args, command=command)
    print(json.dumps(run_pretrain_prompt(params, progress), indent=2))
    return 0
