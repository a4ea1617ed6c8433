"""`slick-backend demo`: the whole workflow on embedded synthetic data."""

from __future__ import annotations

from .params import params_from_args


def add_parser(subparsers):
    p = subparsers.add_parser(
        "demo",
        help="run the whole workflow on embedded synthetic data",
        description="Simulate EW scenes, prepare a dataset, measure the shipped source model zero-shot on the "
        "real Arctic mosaics, run the base-vs-transfer experiment from the shipped model with its report, predict "
        "a held-out scene with a model and the classic baseline. About 10 minutes on 2 CPU cores "
        "(--quick: a few minutes).",
    )
    p.add_argument("--out", default="out/demo", help="output directory (default out/demo)")
    p.add_argument("--quick", action="store_true", help="a smaller, faster run")
    p.add_argument("--seed", type=int, default=0, help="shifts the simulation and experiment seeds (default 0)")
    return p


def run(args, progress) -> int:
    from ..demo import DemoParams, run_demo

    params = params_from_args(DemoParams, args)
    params.validate()
    result = run_demo(params, progress)
    print(open(result["summary"]).read())
    return 0
