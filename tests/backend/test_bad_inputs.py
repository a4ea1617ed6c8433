"""Bad input through the real CLI: one clear line, exit code 2, nothing written or lost.
(Growing suite for the hardening issue; restricted-server paths: server/test_restricted_inputs.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "slick_backend", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def _one_line_error(proc: subprocess.CompletedProcess, command: str, expected: str) -> None:
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip() and not ln.startswith("[")]
    assert proc.returncode == 2, proc.stderr
    assert lines == [lines[-1]] and lines[-1].startswith(f"slick-backend {command}: error: "), proc.stderr
    assert expected in lines[-1], lines[-1]


def test_predict_and_baseline_refuse_to_replace_outputs_without_overwrite(arctic_dir, tmp_path):
    scene = arctic_dir / "sample_135" / "raw_mosaic.tif"
    prefix = tmp_path / "x"
    done = _cli("baseline", "--scene", scene, "--out", prefix)
    assert done.returncode == 0, done.stderr
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert set(before) == {"x_mask.tif", "x_slicks.gpkg"}

    again = _cli("baseline", "--scene", arctic_dir / "sample_123" / "raw_mosaic.tif", "--out", prefix)
    _one_line_error(again, "baseline", f"{prefix}_mask.tif: already exists (and 1 more output(s) of this prefix); "
                                       "choose another --out prefix or give --overwrite")
    model = _cli("predict", "--model", "slick-s1-source", "--scene", scene, "--out", prefix)
    _one_line_error(model, "predict", "already exists")
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before  # nothing touched, nothing added

    replaced = _cli("baseline", "--scene", arctic_dir / "sample_123" / "raw_mosaic.tif", "--out", prefix, "--overwrite")
    assert replaced.returncode == 0, replaced.stderr
    after = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert set(after) == set(before) and all(after[k] != before[k] for k in before)
    assert not [p for p in Path(tmp_path).iterdir() if ".partial" in p.name]
