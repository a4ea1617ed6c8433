"""`slick-backend experiment`: the bootstrap grid (base vs transfer over N), resumable."""

from __future__ import annotations

from .params import params_from_args


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "experiment",
        help="the transfer-learning experiment: bootstrap grid over N, base vs transfer (resumable)",
        description=(
            "Train and evaluate every (architecture, format, N, bootstrap draw) from base and from transfer "
            "init, as a TOML config describes (see configs/experiment-small.toml), record each finished run "
            "in DIR/runs/, rebuild DIR/results.csv and write DIR/report/ (Table II, Fig. 2, report.html). "
            "Running it again with the same --out resumes: recorded runs are skipped."
        ),
    )
    parser.add_argument("--config", required=True, metavar="FILE", help="experiment TOML config")
    parser.add_argument("--out", required=True, metavar="DIR", help="experiment directory (resumed if it exists)")
    parser.add_argument("--executor", choices=("local", "ray"), default="local",
                        help="local (default): worker processes on this machine; ray: tasks on a Ray cluster")
    parser.add_argument("--workers", type=int, default=None, metavar="K",
                        help="runs at a time (default: experiment.workers of the config)")
    parser.add_argument("--ray-address", default=None, metavar="ADDR",
                        help="address of a running Ray cluster (default: start a local Ray)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config value, e.g. --set experiment.draws=3 --set formats.0.data=DIR "
                             "(paths relative to the current directory); repeatable")
    parser.add_argument("--data", default=None, metavar="DIR",
                        help="shortcut for --set formats.0.data=DIR (the target dataset of the first format)")
    parser.add_argument("--source", default=None, metavar="MODEL",
                        help="shortcut: use this source model (a model dir, or slick-s1-source: the shipped one) "
                             "for every architecture and format (instead of architectures.*.source / sources)")
    return parser


def run(args, progress) -> int:
    from ..experiment.api import ExperimentParams, run_experiment
    from ..experiment.config import load_config

    overrides = list(args.overrides)
    if args.data:
        overrides.insert(0, f"formats.0.data={args.data}")
    if args.source:
        cfg = load_config(args.config)
        overrides[:0] = [item for i in range(len(cfg.architectures))
                         for item in (f"architectures.{i}.source={args.source}", f"architectures.{i}.sources={{}}")]
    params = params_from_args(ExperimentParams, args, overrides=overrides)
    result = run_experiment(params, progress)
    for note in result["notes"]:
        print(f"note: {note}")
    if result.get("table2_text"):
        print(result["table2_text"])
        print(result["by_n_text"])
    print(f"runs: {result['runs']} in the grid, {result['done_now']} run now, {result['reused']} reused, "
          f"{len(result['failed'])} failed, {len(result['skipped'])} skipped")
    print(f"results: {result['results']}")
    if result.get("report"):
        print(f"report: {result['report']}")
    if result["failed"] or result["skipped"]:
        print(f"some runs did not finish; see {result['out']}/runs/*.error.txt and run the same command again "
              "to retry them")
        return 1
    return 0
