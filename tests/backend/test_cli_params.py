"""The CLI builds each use case's params dataclass from its parsed arguments with one helper
(cli/params.py): a field takes the argument of the same dest, or a renamed one; a field the
command has no option for keeps its default. ``--out`` sets the one of out_dir / out_prefix /
out_file (or out) the dataclass has."""

from __future__ import annotations

import argparse
import dataclasses

import pytest
from slick_backend.cli.main import build_parser
from slick_backend.cli.params import params_from_args


@dataclasses.dataclass
class Sample:
    scene: str
    batch_size: int = 8
    json_path: str | None = None
    command: str = "kept"
    hidden: float = 0.5


def test_fields_from_dests_renames_and_values():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scene")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--json")
    parser.add_argument("--only-steers", action="store_true")
    args = parser.parse_args(["--scene", "a.tif", "--batch-size", "3", "--json", "m.json", "--only-steers"])
    args.command, args.quiet = "predict", True  # what the top-level parser adds
    made = params_from_args(Sample, args, renames={"json_path": "json"}, hidden=0.25)
    assert made == Sample(scene="a.tif", batch_size=3, json_path="m.json", command="kept", hidden=0.25)


def test_a_wrong_field_name_is_a_bug_in_the_caller():
    args = argparse.Namespace(scene="a.tif")
    with pytest.raises(TypeError, match="no field jsonpath"):
        params_from_args(Sample, args, renames={"jsonpath": "json"})
    with pytest.raises(TypeError, match="no field batchsize"):
        params_from_args(Sample, args, batchsize=2)


@pytest.mark.parametrize("field", ["out_dir", "out_prefix", "out_file", "out"])
def test_out_sets_the_one_output_field_the_dataclass_has(field):
    cls = dataclasses.make_dataclass("Job", [("scene", str), (field, str), ("overwrite", bool, False)])
    args = argparse.Namespace(scene="a.tif", out="o/x", overwrite=True, command="job", quiet=False, debug=False)
    assert getattr(params_from_args(cls, args), field) == "o/x"
    other = dataclasses.make_dataclass("Other", [("out_dir", str)])
    assert params_from_args(other, args, renames={"out_dir": "scene"}).out_dir == "a.tif"  # a rename wins
    two = dataclasses.make_dataclass("Two", [("out_dir", str), ("out_file", str)])
    with pytest.raises(TypeError, match="out_dir or out_file"):
        params_from_args(two, args)


def _captured(monkeypatch, target: str, argv: list[str], result=None):
    """Run `slick-backend ARGV` with the use case ``target`` replaced; the params it was given."""
    seen = []

    def fake(params, progress=None):
        seen.append(params)
        return {} if result is None else result

    monkeypatch.setattr(target, fake)
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    assert modules[args.command].run(args, None) == 0
    return seen[0]


def test_train_flags_reach_train_params(monkeypatch, tmp_path):
    params = _captured(monkeypatch, "slick_backend.train.api.run_train", [
        "train", "--data", "ds", "--out", "m", "--init", "transfer", "--from", "src", "--no-augment",
        "--augment", "sim2real", "--batch-size", "3", "--lr", "0.01", "--train-scenes", "2", "--light"])
    assert (params.data, params.out_dir, params.init, params.source) == ("ds", "m", "transfer", "src")
    assert params.augment is False and params.augment_preset == "sim2real" and params.light is True
    assert (params.batch_size, params.lr, params.train_scenes) == (3, 0.01, 2)
    defaults = type(params)(data="ds", out_dir="m")
    assert params.min_delta == defaults.min_delta  # no flag: the dataclass default


def test_predict_and_baseline_flags_with_scene_and_mask_options(monkeypatch):
    params = _captured(monkeypatch, "slick_backend.predict.api.run_predict", [
        "predict", "--model", "m", "--scene", "a.tif", "--out", "o/a", "--polarisation", "vv", "--no-land-mask",
        "--mask", "ice.gpkg", "land.tif", "--threshold", "0.3", "--adapt-bn", "--overwrite"])
    assert (params.model, params.scene, params.out_prefix, params.polarisation) == ("m", "a.tif", "o/a", "VV")
    assert params.land_mask is False and params.masks == ["ice.gpkg", "land.tif"]
    assert params.threshold == 0.3 and params.adapt_bn and params.overwrite
    params = _captured(monkeypatch, "slick_backend.baseline.run_baseline", [
        "baseline", "--scene", "a.tif", "--out", "o/b", "--k-db", "3", "--calibration", "sigma0",
        "--land-buffer-km", "2"])
    assert (params.scene, params.out_prefix, params.k_db, params.calibration, params.land_buffer_km) == (
        "a.tif", "o/b", 3.0, "sigma0", 2.0)


def test_batch_predict_takes_the_batch_options(monkeypatch):
    params = _captured(monkeypatch, "slick_backend.predict.batch.run_batch_predict", [
        "predict", "--model", "m", "--scenes", "a.tif", "b.zip", "--out", "o", "--workers", "2", "--tta"],
        result={"failed": []})
    assert params.scenes == ["a.tif", "b.zip"] and params.out_dir == "o" and params.workers == 2 and params.tta


def test_renamed_and_computed_fields(monkeypatch):
    monkeypatch.setattr("slick_backend.realism.compare.format_table", lambda result: "")
    params = _captured(monkeypatch, "slick_backend.realism.api.run_realism", [
        "realism", "--sim", "s", "--real", "r", "--json", "stats.json"])
    assert params.json_path == "stats.json"
    params = _captured(monkeypatch, "slick_backend.predict.onnx_export.run_export_onnx", [
        "export-onnx", "--model", "m", "--out", "m.onnx", "--no-check"])
    assert params.check is False and params.out_file == "m.onnx"
    params = _captured(monkeypatch, "slick_backend.train.evaluate.run_evaluate", [
        "evaluate", "--model", "m", "--data", "ds", "--out", "metrics.json"])
    assert params.out_file == "metrics.json"
    options = _captured(monkeypatch, "slick_backend.server.startup.serve", [
        "serve", "--data-root", "a", "--data-root", "b", "--port", "8123", "--parent-pid", "7"], result=0)
    assert options.data_roots == ["a", "b"] and options.port == 8123 and options.parent_pid == 7
