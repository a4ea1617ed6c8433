"""SIGTERM and SIGKILL: the CLI ends a terminated command as it ends an interrupted one (no
partial output, exit 143); the next run of the same output sweeps what a killed one left.
(The server's SIGTERM: tests/backend/server/test_basics.py.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _predict(arctic: Path, out: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "slick_backend", "predict", "--model", "slick-s1-source",
           "--scene", str(arctic / "sample_70" / "raw_mosaic.tif"), "--out", str(out / "p")]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _partials(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".partial" in p.name] if folder.is_dir() else []


def _when_writing(proc: subprocess.Popen, folder: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not _partials(folder):
        assert proc.poll() is None, f"predict ended before writing: {proc.communicate()}"
        assert time.monotonic() < deadline, "predict wrote no partial output in time"
        time.sleep(0.02)


@pytest.mark.slow
def test_sigterm_ends_predict_like_ctrl_c(arctic_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    proc = _predict(arctic_dir, out)
    _when_writing(proc, out)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "predict: terminated; no partial output was kept" in err
    assert list(out.iterdir()) == []


@pytest.mark.slow
def test_the_next_run_sweeps_what_a_killed_one_left(arctic_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    proc = _predict(arctic_dir, out)
    _when_writing(proc, out)
    proc.kill()
    proc.wait(30)
    left = _partials(out)
    assert left, "SIGKILL runs no cleanup: its partials stay until the next run"
    again = _predict(arctic_dir, out)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert _partials(out) == [] and sorted(p.name for p in out.iterdir()) == ["p_mask.tif", "p_prob.tif", "p_slicks.gpkg"]


def test_a_live_writers_partial_is_left_alone(tmp_path):
    from slick_backend.atomic import atomic_file, partial_path, sweep_partials

    target = tmp_path / "x.tif"
    mine = partial_path(target)  # this process: alive
    mine.write_text("being written")
    dead = target.with_name(f".x.tif.{2**22 + 12345}.ab12.partial.tif")  # a pid above the kernel's maximum
    dead.write_text("left by a killed writer")
    old = target.with_name(".x.tif.k3j4h5.partial.tif")  # older naming, no pid: stale after a day
    old.write_text("old")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    fresh = target.with_name(".x.tif.q1w2e3.partial.tif")
    fresh.write_text("recent, owner unknown")
    assert sorted(p.name for p in sweep_partials(target)) == sorted([dead.name, old.name])
    assert mine.exists() and fresh.exists()
    with atomic_file(target) as tmp:
        tmp.write_text("done")
    assert target.read_text() == "done"
