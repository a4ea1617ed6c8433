"""`slick-backend train`: fine-tune DeepLabv3 / SamLoRA on a prepared dataset, write a model dir."""

from __future__ import annotations

import argparse
import json

from .params import params_from_args


def add_parser(subparsers):
    p = subparsers.add_parser(
        "train",
        help="train a segmentation model on a prepared dataset (base or transfer init)",
        description="Train DeepLabv3 or SamLoRA on the train split of a dataset dir, early-stopping on its val split, "
        "and write a model dir (weights.safetensors + model.json). Base init loads ImageNet / Meta SAM weights from "
        "the models dir (see `slick-backend weights`); transfer init loads --from MODEL (a model dir or a shipped "
        "model name; default: the shipped source model slick-s1-source) and takes its architecture, backbone and "
        "decoder options.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--data", required=True, metavar="DIR", help="dataset dir written by `slick-backend prepare`")
    p.add_argument("--out", required=True, metavar="DIR", help="model dir to write (must not exist unless --overwrite)")
    p.add_argument("--arch", default=None, choices=["deeplabv3", "samlora", "samsvd"],
                   help="architecture; not given: deeplabv3 for base, the source's for transfer")
    p.add_argument("--backbone", default=None,
                   help="deeplabv3: resnet18|resnet34|resnet50|resnet101|mobilenet_v2 (default resnet50); "
                   "samlora/samsvd: vit_b|vit_l|vit_h|vit_tiny (default vit_b; vit_tiny is for CPU tests, never pretrained); "
                   "transfer: the source's")
    p.add_argument("--decoder", default=None, choices=["aspp", "plus"],
                   help="deeplabv3: aspp = DeepLabv3, output stride 8; plus = DeepLabv3+, output stride 16, the shipped "
                   "source model's recipe; not given: aspp for base, the source's for transfer")
    p.add_argument("--init", default="base", choices=["base", "transfer"], help="base: pretrained generic weights; transfer: --from")
    p.add_argument("--from", dest="source", metavar="MODEL",
                   help="transfer source: a model dir or a shipped model name; not given with --init transfer: slick-s1-source")
    p.add_argument("--train-scenes", type=int, default=None, metavar="N", help="draw N scenes of the train split (seeded); default all")
    p.add_argument("--seed", type=int, default=0, help="seed for the scene draw, init, shuffling and augmentation")
    p.add_argument("--epochs", type=int, default=100, help="maximum epochs (early stopping: patience 5 on val loss)")
    p.add_argument("--lr", type=float, default=None, help="peak learning rate; default: a learning-rate range test picks it")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--loss", default="dice_ce", choices=["dice_ce", "focal_tversky", "ce_dice_20_80"],
                   help="dice_ce: 0.5 class-weighted CE + 0.5 Dice (the paper's)")
    p.add_argument("--synthesis", action="store_true", help="add exemplar-guided synthetic tiles (slicks pasted on water)")
    p.add_argument("--no-augment", dest="augment", action="store_false", help="disable augmentation")
    p.add_argument("--augment", dest="augment_preset", default="standard", choices=["standard", "sim2real"],
                   help="augmentation preset: standard (the paper's) or sim2real (wider contrast and brightness, "
                   "gamma, blur, grain: for training on simulated scenes)")
    p.add_argument("--light", action="store_true", help="deeplabv3 only: 128 decoder channels instead of 256 (about 25%% faster on CPU)")
    p.add_argument("--rank", type=int, default=4, help="SamLoRA rank")
    p.add_argument("--tiles-per-epoch", type=int, default=None, metavar="N",
                   help="draw at most N training tiles per epoch (seeded; bounds CPU time on big sets); default all")
    p.add_argument("--slick-tile-share", type=float, default=None, metavar="F",
                   help="draw tiles holding slick with a weight that makes them this share of an epoch (e.g. 0.5)")
    p.add_argument("--val-tiles", type=int, default=None, metavar="N",
                   help="validate each epoch on a fixed seeded subset of N val tiles (saves CPU time); default all")
    p.add_argument("--patience", type=int, default=5, help="early-stopping patience in epochs")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda (bf16 autocast on CUDA)")
    p.add_argument("--allow-random-init", action="store_true", help="train from random weights when no base weights are present")
    p.add_argument("--models-dir", default=None, help="base weights dir (default $SLICK_MODELS_DIR or ~/.cache/slick/models)")
    p.add_argument("--checkpoint", default=None, metavar="DIR",
                   help="after each epoch that improves val loss, write the best weights so far as a model dir here "
                   "(a killed run leaves its best model behind)")
    p.add_argument("--name", default=None, help="model name for the card (default: the --out dir name)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out once the new model is complete")
    return p


def run(args, progress) -> int:
    from ..train.api import TrainParams, run_train

    result = run_train(params_from_args(TrainParams, args), progress)
    print(json.dumps(result, indent=2))
    return 0
