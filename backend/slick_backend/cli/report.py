"""`slick-backend report`: Table II, Fig. 2 and report.html from per-model results CSVs."""

from __future__ import annotations


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "report",
        help="tables and figures (Table II, Fig. 2, report.html) from per-model results CSVs",
        description=(
            "Read one or more per-model results CSVs (an experiment's DIR/results.csv, or the paper's "
            "base_dice.csv and tl_dice.csv) and write DIR/table2.csv (per format: average Dice, change "
            "from transfer with the paper's interval and a paired bootstrap interval), table_by_n.csv, "
            "fig2.png, fig2.svg and a self-contained report.html."
        ),
    )
    parser.add_argument("--results", nargs="+", required=True, metavar="CSV",
                        help="results CSV file(s); base and transfer rows may be in separate files")
    parser.add_argument("--out", required=True, metavar="DIR", help="output directory (created if needed)")
    parser.add_argument("--resamples", type=int, default=2000,
                        help="bootstrap resamples, at least 1000 (default 2000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap resampling (default 0)")
    parser.add_argument("--title", default="", help="title of the report and the figure")
    return parser


def run(args, progress) -> int:
    from ..experiment.report import run_report

    result = run_report(args.results, args.out, resamples=args.resamples, seed=args.seed, title=args.title,
                        progress=progress)
    print(result["table2_text"])
    print(result["by_n_text"])
    print(f"report: {result['report']}")
    return 0
