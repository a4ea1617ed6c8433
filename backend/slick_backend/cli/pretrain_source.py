"""`slick-backend pretrain-source --config FILE --out DIR`: the shipped source model from a config."""

from __future__ import annotations

import argparse
import json
import shlex

from .params import params_from_args

HELP = """\
Make the transfer source model reproducibly from a config (configs/source.toml): simulate the
config's scene sets (e.g. EW and IW, separate sets for train and val), prepare each at the
config's pixel size and tile, train on their union with the config's recipe, choose the
decision threshold on the simulated validation scenes (highest pooled Dice over 0.1..0.9), and
write the model dir (float16 weights when the config says so) with model.json (recipe,
simulation seeds and manifest checksums, realism against the real mosaics, the threshold curve)
and README.md, the human model card. The work dir keeps the simulated scenes, the datasets and
WORK/train/checkpoint (the best weights so far, a loadable model dir rewritten after every
improving epoch: a killed run leaves its best model there); unchanged stages are reused.
The shipped model goes to backend/slick_backend/models/shipped/slick-s1-source.
"""


def add_parser(subparsers):
    p = subparsers.add_parser(
        "pretrain-source",
        help="make the shipped source model (slick-s1-source) from a config: simulate, prepare, train, threshold",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--config", required=True, metavar="FILE", help="TOML config (see configs/source.toml)")
    p.add_argument("--out", required=True, metavar="DIR", help="model dir to write (must not exist unless --overwrite)")
    p.add_argument("--work", default=None, metavar="DIR",
                   help="work dir for simulated scenes, datasets and the training checkpoint "
                   "(default: out/pretrain-source/NAME under the current dir, NAME = --out's folder name)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out once the new model is complete")
    return p


def run(args, progress) -> int:
    from ..pretrain.api import PretrainSourceParams, run_pretrain_source

    # the command that reproduces this model (global flags such as --quiet change nothing in it, nor
    # --overwrite, which only let the run replace an earlier model)
    command = shlex.join(["slick-backend", "pretrain-source", "--config", args.config, "--out", args.out]
                         + (["--work", args.work] if args.work else []))
    params = params_from_args(PretrainSourceParams, args, command=command)
    print(json.dumps(run_pretrain_source(params, progress), indent=2))
    return 0
