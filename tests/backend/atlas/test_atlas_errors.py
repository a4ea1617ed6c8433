"""Bad atlas inputs through the CLI: one line naming the file / option, exit 2, nothing written."""

from __future__ import annotations

import json
import shutil

import pytest
from atlas_helpers import plume, write_coverage, write_drift, write_outlines
from slick_backend.cli.main import main

S = (503_050.0, 6_695_050.0)


def run(capsys, *args) -> tuple[int, str]:
    code = main(["--quiet", "atlas", *map(str, args)])
    return code, capsys.readouterr()


def error_line(capsys, *args) -> str:
    code, captured = run(capsys, *args)
    lines = [ln for ln in captured.err.splitlines() if ln.strip()]
    assert code == 2 and "Traceback" not in captured.err, captured.err
    assert lines[-1].startswith("slick-backend atlas: error: "), captured.err
    return lines[-1]


@pytest.fixture()
def small(tmp_path):
    """Two scenes with a slick each, their coverage rasters (times in the tags) and an output path."""
    rows = [{"geom": plume(S, 30.0), "scene": "a", "acq_time": "2021-06-01T07:00:00", "id": 1},
            {"geom": plume(S, 50.0), "scene": "b", "acq_time": "2021-06-03T07:00:00", "id": 1}]
    return {"outlines": write_outlines(tmp_path / "o.gpkg", rows),
            "a": write_coverage(tmp_path / "a.tif"), "b": write_coverage(tmp_path / "b.tif"),
            "out": tmp_path / "out", "tmp": tmp_path}


def test_missing_outline_file_and_no_polygon_layer(capsys, small):
    line = error_line(capsys, "--outlines", small["tmp"] / "none.gpkg", "--coverage", small["a"], "--out", small["out"])
    assert "--outlines" in line and "none.gpkg: no such file" in line
    (small["tmp"] / "pts.geojson").write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                                               '"properties": {}, "geometry": {"type": "Point", "coordinates": [9, 60]}}]}')
    line = error_line(capsys, "--outlines", small["tmp"] / "pts.geojson", "--coverage", small["a"], "--out",
                      small["out"])
    assert "pts.geojson: no polygon layer (layers: pts (Point))" in line
    assert not small["out"].exists()


def test_an_outline_scene_no_coverage_covers_is_named(capsys, small):
    line = error_line(capsys, "--outlines", small["outlines"], "--coverage", small["a"], "--out", small["out"])
    assert f"--coverage covers no scene named b (in {small['outlines']})" in line
    assert not small["out"].exists() and not list(small["tmp"].glob(".out*"))


def test_bad_drift_row_names_file_and_line(capsys, small):
    drift = write_drift(small["tmp"] / "drift.csv", [("a", "", "40", ""), ("b", "", "north-east", "")])
    line = error_line(capsys, "--outlines", small["outlines"], "--coverage", small["a"], small["b"], "--drift", drift,
                      "--out", small["out"])
    assert f"{drift}:3: drift_to_deg 'north-east' is not a number" in line


def test_no_acquisition_time_anywhere(capsys, small):
    rows = [{"geom": plume(S, 30.0), "scene": "a", "id": 1}]
    outlines = write_outlines(small["tmp"] / "untimed.gpkg", rows)
    line = error_line(capsys, "--outlines", outlines, "--coverage", small["a"], "--out", small["out"])
    assert f"{outlines}: no acquisition time for scene a" in line and "--drift" in line
    drift = write_drift(small["tmp"] / "times.csv", [("a", "2021-06-01T07:00:00", "30", "")])
    code, captured = run(capsys, "--outlines", outlines, "--coverage", small["a"], "--drift", drift, "--out",
                         small["out"], "--min-dates", 1)
    assert code == 0, captured.err  # the drift CSV's acq_time is enough
    assert json.loads(captured.out)["n_sources"] == 1  # one directed slick: a source when one date is enough


def test_existing_out_needs_overwrite(capsys, small):
    args = ["--outlines", small["outlines"], "--coverage", small["a"], small["b"], "--out", small["out"],
            "--min-dates", 2]
    code, captured = run(capsys, *args)
    assert code == 0, captured.err
    assert json.loads(captured.out)["n_sources"] == 1
    before = (small["out"] / "atlas.json").read_text()
    line = error_line(capsys, *args)
    assert f"--out {small['out']}: already exists; choose another --out or give --overwrite" in line
    assert (small["out"] / "atlas.json").read_text() == before
    code, captured = run(capsys, *args, "--overwrite", "--min-dates", 3)
    assert code == 0 and json.loads(captured.out)["n_sources"] == 0  # replaced: two dates are not three
    assert json.loads((small["out"] / "atlas.json").read_text())["params"]["min_dates"] == 3


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--min-dates", "0", "--min-dates 0: give a whole number of dates, 1 or more"),
    ("--pixel-size", "-5", "--pixel-size -5.0: give a positive number"),
    ("--cluster-m", "0", "--cluster-m 0.0: give a positive number"),
    ("--pixel-size", "0.5", "--pixel-size 0.5: the atlas grid over the outlines would be"),
])
def test_bad_numbers(capsys, small, option, value, message):
    line = error_line(capsys, "--outlines", small["outlines"], "--coverage", small["a"], small["b"], "--out",
                      small["out"], option, value)
    assert message in line


def test_no_slick_and_a_scene_given_twice(capsys, small):
    empty = write_outlines(small["tmp"] / "empty.gpkg", [])
    line = error_line(capsys, "--outlines", empty, "--coverage", small["a"], "--out", small["out"])
    assert "no slick outline in the file(s)" in line
    other = small["tmp"] / "other"
    other.mkdir()
    shutil.copy(small["a"], other / "a.tif")
    footprints = write_outlines(small["tmp"] / "fp.gpkg", [{"geom": plume(S, 0.0).buffer(5000), "scene": "a"}])
    line = error_line(capsys, "--outlines", small["outlines"], "--coverage", small["a"], small["b"], footprints,
                      "--out", small["out"])
    assert "--coverage: scene a is given twice" in line


def test_the_atlas_job_kind_runs_the_same_use_case(small):
    from slick_backend.jobs import resolve, run_job
    from slick_backend.progress import NullProgress

    params_cls, func = resolve("atlas")
    assert params_cls.__name__ == "AtlasParams" and func.__name__ == "run_atlas"
    result = run_job("atlas", NullProgress(), outlines=[str(small["outlines"])],
                     coverage=[str(small["a"]), str(small["b"])], out_dir=str(small["out"]), min_dates=2)
    assert result["n_scenes"] == 2 and result["n_slicks"] == 2 and result["n_sources"] == 1
