"""`report` on the paper's own per-model CSVs reproduces Table II, and the bootstrap is sound."""

import csv
import subprocess
import sys

import numpy as np
import pytest
from slick_backend.errors import InputError
from slick_backend.experiment.report import run_report
from slick_backend.experiment.results import read_results
from slick_backend.experiment.stats import bootstrap_blocks, paired_bootstrap, paper_protocol

# Table II as recomputed in arctic_ew/README.md: (tile, pixel) -> (average Dice, change, ±)
TABLE_II = {
    (256, 25): (0.486, 0.130, 0.135),
    (256, 10): (0.550, 0.049, 0.036),
    (512, 25): (0.416, 0.113, 0.282),
    (512, 10): (0.506, 0.031, 0.051),
}


@pytest.fixture(scope="module")
def paper_csvs(arctic_dir):
    return [arctic_dir / "paper_results" / "base_dice.csv", arctic_dir / "paper_results" / "tl_dice.csv"]


def test_reads_the_paper_csvs_with_backbones_and_scenes(paper_csvs):
    results = read_results(paper_csvs)
    assert len(results) == 128
    assert {r.init for r in results} == {"base", "transfer"}
    assert {r.backbone for r in results} == {"RESNET50", "RESNET101", "VIT_B", "VIT_L"}
    assert all(len(r.scene_dice) == 30 for r in results)
    # avg_dice in the file is the mean of the 30 per-scene values
    r = results[0]
    assert r.avg_dice == pytest.approx(np.mean(list(r.scene_dice.values())), abs=1e-9)


def test_report_cli_reproduces_table_ii(paper_csvs, tmp_path):
    out = tmp_path / "report"
    proc = subprocess.run(
        [sys.executable, "-m", "slick_backend", "--quiet", "report", "--results", *map(str, paper_csvs),
         "--out", str(out), "--resamples", "1000"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "+0.130   0.135" in proc.stdout
    # the per-N table is printed too, one line per format x architecture x N, as in table_by_n.csv
    with open(out / "table_by_n.csv") as handle:
        by_n = list(csv.DictReader(handle))
    assert len(by_n) == 4 * 2 * 4
    for row in by_n:
        line = (f"{row['arch']:<12}{row['n']:>5}{float(row['base_dice']):>8.3f}{float(row['transfer_dice']):>10.3f}   "
                f"{float(row['change']):+.3f} [{float(row['low']):+.3f}, {float(row['high']):+.3f}]")
        assert f"{int(row['tile']):>4} / {int(row['pixel_size']):>2} m   {line}" in proc.stdout, line
    with open(out / "table2.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert [(int(r["tile"]), int(r["pixel_size"])) for r in rows] == list(TABLE_II)
    for row in rows:
        avg, change, pm = TABLE_II[(int(row["tile"]), int(row["pixel_size"]))]
        assert round(float(row["average_dice"]), 3) == avg
        assert round(float(row["change"]), 3) == change
        assert round(float(row["plus_minus"]), 3) == pm
        # the paired bootstrap is a real interval around its own estimate
        lo, est, hi = (float(row[k]) for k in ("bootstrap_low", "bootstrap_change", "bootstrap_high"))
        assert lo < est < hi and int(row["resamples"]) == 1000 and int(row["test_scenes"]) == 30
    for name in ("fig2.png", "fig2.svg", "report.html", "table_by_n.csv"):
        assert (out / name).stat().st_size > 1000
    assert (out / "fig2.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (out / "report.html").read_text()
    assert "data:image/png;base64," in page and "How to read this report" in page and "0.486" in page
    assert not list(out.glob(".*partial*")), "no temporary files left behind"


def test_paper_protocol_by_hand(paper_csvs):
    rows = [r for r in read_results(paper_csvs) if r.fmt == (512, 25)]
    paper = paper_protocol(rows)
    changes = [paper.changes_by_n[n] for n in (2, 8, 32, 128)]
    lo, hi = np.percentile(changes, [2.5, 97.5])
    assert paper.plus_minus == pytest.approx(hi - lo) and paper.change == pytest.approx((lo + hi) / 2)


def test_paired_bootstrap_matches_the_mean_difference(paper_csvs):
    rows = [r for r in read_results(paper_csvs) if r.fmt == (256, 10)]
    boot = paired_bootstrap(rows, resamples=1000, seed=1)
    base = np.mean([r.avg_dice for r in rows if r.init == "base"])
    tl = np.mean([r.avg_dice for r in rows if r.init == "transfer"])
    # one draw per cell and no missing scenes: the estimate is the plain mean difference
    assert boot.estimate == pytest.approx(tl - base, abs=1e-12)
    assert boot.low < boot.estimate < boot.high
    # the same seed gives the same interval
    assert paired_bootstrap(rows, resamples=1000, seed=1).low == boot.low


def test_bootstrap_covers_a_known_mean():
    # differences with true mean 0.1 over 40 scenes and 3 draws: the interval must cover it
    rng = np.random.default_rng(0)
    block = 0.1 + rng.normal(0, 0.05, size=(3, 40))
    boot = bootstrap_blocks([block], resamples=2000, seed=0)
    assert boot.low < 0.1 < boot.high
    assert boot.high - boot.low < 0.06
    # a constant difference has a zero-width interval
    flat = bootstrap_blocks([np.full((2, 10), 0.25)], resamples=1000)
    assert flat.low == pytest.approx(0.25) and flat.high == pytest.approx(0.25)


def test_bad_results_are_named(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("type,model,n_samples\nbase,deeplab,2\n")
    with pytest.raises(InputError, match="bad.csv"):
        read_results([bad])
    with pytest.raises(InputError, match="not found"):
        read_results([tmp_path / "missing.csv"])
    weird = tmp_path / "weird.csv"
    weird.write_text("type,model,n_samples,tile_sizes,pixel_sizes,dice_a\nmaybe,deeplab,2,256,25,0.5\n")
    with pytest.raises(InputError, match="weird.csv:2.*type"):
        run_report([weird], tmp_path / "out")
