"""`report`: Table II, the per-N table, Fig. 2 and report.html from per-model results CSVs."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from ..atomic import atomic_file
from ..errors import InputError
from ..progress import NullProgress, Progress
from .results import ModelResult, read_results
from .stats import DEFAULT_RESAMPLES, bootstrap_blocks, paired_blocks, paired_bootstrap, paper_protocol

TABLE2_COLUMNS = [
    "tile", "pixel_size", "average_dice", "change", "plus_minus", "paper_low", "paper_high",
    "bootstrap_change", "bootstrap_low", "bootstrap_high", "resamples", "models", "unpaired",
    "test_scenes", "max_draws",
]
BY_N_COLUMNS = [
    "tile", "pixel_size", "arch", "n", "base_dice", "transfer_dice", "change", "low", "high",
    "pairs", "draws",
]


def format_order(fmt: tuple[int, int]) -> tuple[int, int]:
    """The paper's row order: 256/25, 256/10, 512/25, 512/10."""
    return (fmt[0], -fmt[1])


@dataclass
class Tables:
    table2: list[dict]
    by_n: list[dict]


def build_tables(results: list[ModelResult], resamples: int = DEFAULT_RESAMPLES, seed: int = 0) -> Tables:
    table2, by_n = [], []
    for fmt in sorted({r.fmt for r in results}, key=format_order):
        rows = [r for r in results if r.fmt == fmt]
        paper = paper_protocol(rows)
        boot = paired_bootstrap(rows, resamples, seed)
        _, unpaired = paired_blocks(rows, lambda r: r.n)
        table2.append({
            "tile": fmt[0], "pixel_size": fmt[1], "average_dice": paper.average, "change": paper.change,
            "plus_minus": paper.plus_minus, "paper_low": paper.low, "paper_high": paper.high,
            "bootstrap_change": boot.estimate, "bootstrap_low": boot.low, "bootstrap_high": boot.high,
            "resamples": boot.resamples, "models": len(rows), "unpaired": unpaired,
            "test_scenes": boot.scenes, "max_draws": max(_draw_counts(rows).values(), default=0),
        })
        for arch in sorted({r.arch for r in rows}):
            for n in sorted({r.n for r in rows if r.arch == arch}):
                cell = [r for r in rows if r.arch == arch and r.n == n]
                blocks, _ = paired_blocks(cell, lambda r: r.backbone)
                b = bootstrap_blocks(blocks, resamples, seed)
                by_n.append({
                    "tile": fmt[0], "pixel_size": fmt[1], "arch": arch, "n": n,
                    "base_dice": _mean([r.mean_dice() for r in cell if r.init == "base"]),
                    "transfer_dice": _mean([r.mean_dice() for r in cell if r.init == "transfer"]),
                    "change": b.estimate, "low": b.low, "high": b.high, "pairs": b.rows,
                    "draws": max(_draw_counts(cell).values(), default=0),
                })
    return Tables(table2, by_n)


def _draw_counts(rows: list[ModelResult]) -> dict:
    counts: dict = {}
    for r in rows:
        if r.init == "base":
            key = (r.arch, r.backbone, r.n)
            counts[key] = counts.get(key, 0) + 1
    return counts


def _mean(values: list[float]) -> float:
    values = [v for v in values if not math.isnan(v)]
    return sum(values) / len(values) if values else math.nan


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> Path:
    with atomic_file(path) as tmp, open(tmp, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (f"{v:.6f}" if isinstance(v, float) else v) for k, v in row.items()})
    return path


def table2_text(table2: list[dict]) -> str:
    """Table II as the paper prints it, plus the bootstrap interval beside it."""
    lines = [f"{'tile / pixel':<14}{'average Dice':>13}{'change':>9}{'±':>8}   bootstrap change [95 % CI]"]
    for row in table2:
        lines.append(
            f"{row['tile']:>4} / {row['pixel_size']:>2} m   {row['average_dice']:>10.3f}"
            f"{row['change']:>+9.3f}{row['plus_minus']:>8.3f}   {row['bootstrap_change']:+.3f} "
            f"[{row['bootstrap_low']:+.3f}, {row['bootstrap_high']:+.3f}]"
        )
    return "\n".join(lines)


def by_n_text(by_n: list[dict]) -> str:
    """Dice per N, base beside transfer, with the paired change and its 95 % interval."""
    def num(value, fmt):
        return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, fmt)

    lines = [f"{'tile / pixel':<14}{'model':<12}{'N':>5}{'base':>8}{'transfer':>10}   change [95 % CI]"]
    for row in by_n:
        lines.append(
            f"{row['tile']:>4} / {row['pixel_size']:>2} m   {row['arch']:<12}{row['n']:>5}{num(row['base_dice'], '.3f'):>8}"
            f"{num(row['transfer_dice'], '.3f'):>10}   {num(row['change'], '+.3f')} "
            f"[{num(row['low'], '+.3f')}, {num(row['high'], '+.3f')}]"
        )
    return "\n".join(lines)


def run_report(results_paths: list[str | Path], out_dir: str | Path, resamples: int = DEFAULT_RESAMPLES,
               seed: int = 0, title: str = "", progress: Progress | None = None) -> dict:
    """Read results CSVs, write table2.csv, table_by_n.csv, fig2.png/svg and report.html."""
    from .figure import fig2_series, write_fig2
    from .html import write_html

    progress = progress or NullProgress()
    if resamples < 1000:
        raise InputError(f"--resamples {resamples}: use at least 1000 resamples for a 95 % percentile interval")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a directory; choose another --out")
    from ..atomic import check_output_dir

    check_output_dir(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    progress.update(0.0, f"reading {len(results_paths)} results file(s)")
    results = read_results(results_paths)
    progress.check()
    progress.update(0.1, f"bootstrap of {len(results)} models ({resamples} resamples)")
    tables = build_tables(results, resamples, seed)
    progress.check()
    table2 = write_csv(out_dir / "table2.csv", TABLE2_COLUMNS, tables.table2)
    by_n = write_csv(out_dir / "table_by_n.csv", BY_N_COLUMNS, tables.by_n)
    progress.update(0.6, "drawing Fig. 2")
    series = fig2_series(results, resamples, seed)
    png, svg = write_fig2(series, out_dir, title)
    progress.update(0.9, "writing report.html")
    html = write_html(out_dir / "report.html", tables, series, png, results_paths, results, resamples, title)
    progress.update(1.0, "report written")
    return {
        "table2": str(table2), "table_by_n": str(by_n), "fig2_png": str(png), "fig2_svg": str(svg),
        "report": str(html), "models": len(results), "table2_text": table2_text(tables.table2),
        "by_n_text": by_n_text(tables.by_n),
        "table": [{k: (round(v, 4) if isinstance(v, float) and not math.isnan(v) else v) for k, v in row.items()}
                  for row in tables.table2],
    }
