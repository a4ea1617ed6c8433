"""The ``slick-backend`` command line: one small module per subcommand.

Each module defines ``add_parser(subparsers)`` and ``run(args, progress) -> int``. Heavy
imports (torch, rasterio) happen inside ``run`` so ``--help`` stays fast.
"""

# Order shown in --help. A module missing from the package is simply not offered.
COMMANDS = [
    "simulate",
    "prepare",
    "train",
    "pretrain_source",
    "pretrain_prompt",
    "finetune_prompt",
    "evaluate",
    "predict",
    "baseline",
    "atlas",
    "dice",
    "export_onnx",
    "experiment",
    "report",
    "realism",
    "weights",
    "serve",
    "demo",
]
