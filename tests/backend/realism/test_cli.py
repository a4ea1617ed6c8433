"""`slick-backend realism` as a real process on a tiny simulated set and the real mosaics."""

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from slick_backend.cli.main import main
from slick_backend.realism import compare as compare_module
from slick_backend.realism.api import RealismParams, set_names
from slick_backend.realism.compare import STATISTICS, compare, format_table, summarise


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "slick_backend", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_realism_cli_on_a_tiny_simulated_set_and_the_real_mosaics(tmp_path, arctic_dir):
    sim = tmp_path / "sim_ew"
    proc = _cli("--quiet", "simulate", "--mode", "EW", "--scenes", "2", "--size", "256", "--seed", "3", "--out", str(sim))
    assert proc.returncode == 0, proc.stderr
    out_json = tmp_path / "out" / "realism.json"
    env = {**os.environ, "SLICK_ARCTIC_DIR": str(arctic_dir)}  # the default --real
    proc = _cli("--quiet", "realism", "--sim", str(sim), "--json", str(out_json), env=env)
    assert proc.returncode == 0, proc.stderr
    table = proc.stdout
    lines = table.splitlines()
    assert lines[0].split()[:4] == ["statistic", "unit", "real", "(3)"] and "sim_ew (2)" in lines[0]
    for key in STATISTICS:
        assert any(line.split()[0] == key for line in lines if line.strip()), key
    assert f"json: {out_json}" in table

    result = json.loads(out_json.read_text())
    assert result["format"] == "slick-realism" and list(result["sets"]) == ["real", "sim_ew"]
    assert result["sources"]["real"] == str(arctic_dir.resolve())
    # (10 km scenes hold no fully valid 256 px window of water for the spectrum: the real ones do)
    common = ("hist_w1", "hist_js", "mean_level", "std_level", "p5", "p50", "p95", "enl_skew", "contrast_sigma",
              "slick_width_m", "slick_length_m", "tortuosity", "fragments", "slick_share", "lookalike_share",
              "dark_patch_share", "nodata_share", "edge_density")
    for name, n, keys in (("real", 3, common + ("psd_slope", "psd_slope_fine")), ("sim_ew", 2, common)):
        s = result["sets"][name]
        assert len(s["images"]) == n and len(s["histogram"]) == 256
        for key in keys:
            summary = s["summary"][key]
            assert summary["n"] >= 1 and all(isinstance(summary[k], (int, float)) for k in ("mean", "min", "max")), (name, key)
    pooled = result["sets"]["sim_ew"]["pooled"]
    assert pooled["hist_w1"] > 0 and 0 < pooled["hist_js"] < 1
    assert not list(out_json.parent.glob(".*partial*"))


def test_realism_errors_are_one_line(tmp_path, capsys, ew_sim, arctic_dir):
    rc = main(["realism", "--sim", str(tmp_path / "missing"), "--real", str(arctic_dir)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err[-1].startswith("slick-backend realism: error:") and "no such directory" in err[-1]
    rc = main(["realism", "--sim", str(ew_sim), "--real", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and "no real mosaics found" in err[-1]
    rc = main(["realism", "--sim", str(ew_sim), "--real", str(arctic_dir), "--pixel-size", "1"])
    assert rc == 2 and "--pixel-size" in capsys.readouterr().err
    rc = main(["realism", "--sim", str(ew_sim), "--real", str(arctic_dir), "--max-scenes", "0"])
    assert rc == 2 and "--max-scenes" in capsys.readouterr().err
    missing_default = tmp_path / "no_arctic"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SLICK_ARCTIC_DIR", str(missing_default))
        with pytest.raises(Exception, match="SLICK_ARCTIC_DIR"):
            RealismParams(sim=[str(ew_sim)]).validate()


def test_help_names_the_options(capsys):
    with pytest.raises(SystemExit) as info:
        main(["realism", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for word in ("--sim", "--real", "--pixel-size", "--max-scenes", "--json"):
        assert word in text


def test_compare_and_table_on_records():
    def rec(name, level, **extra):
        h = np.zeros(256, np.int64)
        h[level] = 100
        return {"name": name, "histogram": h, "mean_level": float(level), **extra}

    real = [rec("a", 100, enl=5.0), rec("b", 110, enl=7.0)]
    sims = {"s1": [rec("x", 120), rec("y", 130)], "s2": []}
    result = compare(sims, real)
    assert [r["hist_w1"] for r in result["sets"]["real"]["images"]] == [10.0, 10.0]  # leave one out
    assert result["sets"]["s1"]["pooled"]["hist_w1"] == pytest.approx(20.0)
    assert [r["hist_w1"] for r in result["sets"]["s1"]["images"]] == [15.0, 25.0]  # vs the pool 100 / 110
    assert result["sets"]["real"]["summary"]["enl"] == {"mean": 6.0, "min": 5.0, "max": 7.0, "n": 2}
    assert result["sets"]["s1"]["summary"]["enl"]["n"] == 0 and result["sets"]["s2"]["pooled"] is None
    json.dumps(result, allow_nan=False)
    table = format_table(result)
    row = {line.split()[0]: line for line in table.splitlines() if line.strip()}
    assert "6 [5..7]" in row["enl"] and "n/a" in row["enl"]
    assert "20 [15..25]" in row["hist_w1"] and "10 [10..10]" in row["hist_w1"]
    assert summarise([1, None, float("nan"), 3]) == {"mean": 2.0, "min": 1.0, "max": 3.0, "n": 2}
    assert set_names(["a/sim", "b/sim", "c/real"]) == ["sim", "sim_2", "sim_real"]
    assert math.isfinite(result["sets"]["s1"]["pooled"]["hist_js"])


def test_compact_report_for_a_model_card(ew_sim, arctic_dir):
    report = compare_module.compare_for_card([str(ew_sim)], str(arctic_dir), max_scenes=1, pixel_m=25.0)
    assert report["scenes"] == 1 and report["real_images"] == 3
    assert isinstance(report["summary"], str) and "hist_w1" in report["summary"] and "\n" not in report["summary"]
    assert report["statistics"]["mean_level"]["real"]["n"] == 3
    assert len(json.dumps(report, allow_nan=False)) < 10_000
