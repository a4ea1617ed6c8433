"""`slick-backend demo`: the whole workflow on embedded synthetic data."""

from __future__ import annotations


def add_parser(subparsers):
    p = subparsers.add_parser(
        "demo",
        help="run the whole workflow on embedded synthetic data",
        description="Simulate IW and EW scenes, prepare datasets, run the base-vs-transfer experiment "
        "with its report, predict a held-out scene with a model and the classic baseline. "
        "About 15 minutes on 2 CPU cores (--quick: a few minutes).",
    )
    p.add_argument("--out", default="out/demo", help="output directory (default out/demo)")
    p.add_argument("--quick", action="store_true", help="a smaller, faster run")
    return p


def run(args, progress) -> int:
    from ..demo import DemoParams, run_demo

    params = DemoParams(out=args.out, quick=args.quick)
    params.validate()
    result = run_demo(params, progress)
    print(open(result["summary"]).read())
    return 0
