"""`slick-backend simulate` on the command line: help, bad parameters, cancel, the realism figure."""

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from slick_backend.cli.main import main
from slick_backend.errors import Cancelled, InputError
from slick_backend.progress import NullProgress
from slick_backend.simulate.api import SimulateParams, run_simulate


def test_cli_writes_a_series_and_prints_a_summary(tmp_path, capsys):
    out = tmp_path / "iw"
    rc = main(["--quiet", "simulate", "--mode", "IW", "--scenes", "2", "--seed", "1", "--size", "128", "--out", str(out)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert '"scenes": 2' in printed and str(out) in printed
    assert (out / "manifest.json").is_file() and (out / "labels.gpkg").is_file()
    assert len(list(out.glob("*.tif*"))) == 2
    assert not list(tmp_path.glob(".*partial*"))  # no temporary directory left behind


def test_help_is_a_real_process(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "slick_backend", "simulate", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    for word in ("--mode", "--scenes", "--seed", "--out", "--size", "--georef"):
        assert word in proc.stdout


@pytest.mark.parametrize(
    "changes,words",
    [
        ({"mode": "SM"}, ["IW or EW"]),
        ({"scenes": 0}, ["--scenes", "1 to"]),
        ({"size": 16}, ["--size", "64"]),
        ({"seed": -1}, ["--seed"]),
        ({"georef": "rpc"}, ["--georef", "cycle"]),
    ],
)
def test_bad_parameters_are_one_line_input_errors(tmp_path, changes, words):
    params = SimulateParams(out_dir=str(tmp_path / "o"), **changes)
    with pytest.raises(InputError) as info:
        run_simulate(params, NullProgress())
    message = str(info.value)
    assert "\n" not in message and all(w in message for w in words)
    assert not (tmp_path / "o").exists()


def test_existing_output_is_refused_then_replaced_with_overwrite(tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    rc = main(["simulate", "--mode", "EW", "--scenes", "1", "--size", "96", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err[-1].startswith("slick-backend simulate: error:") and "--overwrite" in err[-1]
    assert (out / "precious.txt").read_text() == "keep me"
    assert main(["--quiet", "simulate", "--mode", "EW", "--scenes", "1", "--size", "96", "--out", str(out), "--overwrite"]) == 0
    assert not (out / "precious.txt").exists() and (out / "manifest.json").exists()
    file_out = tmp_path / "afile"
    file_out.write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        run_simulate(SimulateParams(out_dir=str(file_out), scenes=1, size=96), NullProgress())


def test_cancel_leaves_nothing_that_looks_complete(tmp_path):
    class CancelAfterFirst(NullProgress):
        def update(self, fraction=None, message=None):
            super().update(fraction, message)
            if self.fraction > 0.3:
                self.cancel()

    out = tmp_path / "o"
    with pytest.raises(Cancelled):
        run_simulate(SimulateParams(out_dir=str(out), mode="EW", scenes=3, size=96), CancelAfterFirst())
    assert not out.exists() and not list(tmp_path.iterdir())


def test_comparison_figure_shows_simulated_and_real_panels(tmp_path, arctic_dir):
    from slick_backend.simulate.figure import make_comparison_figure

    png = make_comparison_figure(tmp_path / "realism.png", arctic_dir=arctic_dir, seed=2, size=192)
    image = np.asarray(Image.open(png).convert("L"))
    assert image.shape[0] > 600 and image.shape[1] > 900
    # six panels of grey imagery: plenty of mid-grey pixels, not a blank canvas
    assert ((image > 20) & (image < 235)).mean() > 0.3


def test_the_job_registry_runs_simulate_from_plain_json_fields(tmp_path):
    """The server builds the params from a JSON body through jobs.resolve: same dataclass, same run."""
    import dataclasses
    import json

    from slick_backend.jobs import resolve

    params_cls, func = resolve("simulate")
    body = json.loads(json.dumps({"out_dir": str(tmp_path / "j"), "mode": "IW", "scenes": 1, "seed": 2, "size": 96}))
    params = params_cls(**body)
    params.validate()
    result = func(params, NullProgress())
    assert json.loads(json.dumps(result)) == result  # JSON-serialisable result
    assert {f.name for f in dataclasses.fields(params_cls)} >= {"out_dir", "mode", "scenes", "seed", "size"}
    assert len(result["scenes"]) == 1 and (tmp_path / "j" / "labels.gpkg").exists()
