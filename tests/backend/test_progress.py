"""Progress on every long step: the CLI's live bar on a terminal, plain lines otherwise, an ETA,
and per-epoch lines from a real `slick-backend train` run (piped, and on a pseudo-terminal)."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys

import pytest
from slick_backend import progress as progress_module
from slick_backend.progress import ConsoleProgress, Eta, format_duration


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(progress_module.time, "monotonic", clock)
    return clock


def test_eta_from_the_rate_since_the_first_report():
    eta = Eta(min_seconds=5.0)
    assert eta(0.1, now=0.0) is None  # nothing to go on yet
    assert eta(0.15, now=2.0) is None  # too early
    assert eta(0.3, now=20.0) == pytest.approx(70.0)  # 0.2 in 20 s -> 0.7 left takes 70 s
    assert eta(1.0, now=30.0) is None
    assert [format_duration(s) for s in (40, 200, 3900)] == ["40s", "3m20s", "1h05m"]


def test_plain_lines_when_not_a_terminal(clock):
    out = io.StringIO()
    p = ConsoleProgress(stream=out, min_interval=0.5, heartbeat=30.0)
    assert not p.live  # a StringIO is not a terminal
    p.update(0.0, "epoch 1/4 step 1/10")
    for i in range(1, 10):  # ten steps within a second: a line at most every 0.5 s
        clock.now += 0.1
        p.update(i / 40, f"epoch 1/4 step {i + 1}/10")
    clock.now += 20
    p.update(0.5, "epoch 3/4 step 1/10")
    clock.now += 31
    p.update(0.5, "epoch 3/4 step 1/10")  # the same message: a heartbeat line after 30 s
    p.update(1.0, "model written")
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines[0] == "[  0.0%] epoch 1/4 step 1/10"
    assert 2 <= len([ln for ln in lines if "epoch 1/4" in ln]) <= 3
    assert any(ln.startswith("[ 50.0%] epoch 3/4 step 1/10 · ETA ") for ln in lines)
    assert len([ln for ln in lines if ln.startswith("[ 50.0%]")]) == 2  # the change, then the heartbeat
    assert lines[-1] == "[100.0%] model written"


def test_live_bar_on_a_terminal(clock):
    out = io.StringIO()
    p = ConsoleProgress(stream=out, live=True)
    p.update(0.0, "tiling")
    clock.now += 10
    p.update(0.5, "tiling block 4/8")
    p.log("s1: 12 tiles (train)")  # printed above the bar, which is drawn again
    clock.now += 10
    p.update(1.0, "dataset ready")
    text = out.getvalue()
    assert "\r\x1b[K[------------------------]   0.0% tiling" in text
    assert "\r\x1b[K[############------------]  50.0% tiling block 4/8 · ETA 10s" in text
    assert "\r\x1b[Ks1: 12 tiles (train)\n[############" in text
    assert text.endswith("100.0% dataset ready\n")  # the bar's line ends when the job ends


@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory):
    from tinydata import scene_splits, write_tiny_dataset

    return write_tiny_dataset(tmp_path_factory.mktemp("tiny") / "ds", scene_splits(2, 1, 1, "p"), seed=1)


def _train_cmd(data, out):
    return [sys.executable, "-m", "slick_backend", "train", "--data", str(data), "--arch", "deeplabv3",
            "--backbone", "resnet18", "--light", "--allow-random-init", "--epochs", "2", "--lr", "0.001",
            "--batch-size", "2", "--device", "cpu", "--out", str(out)]


def test_train_cli_reports_every_epoch_in_plain_lines(tiny_dataset, tmp_path):
    done = subprocess.run(_train_cmd(tiny_dataset, tmp_path / "m"), capture_output=True, text=True, timeout=300,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    err = done.stderr
    assert "\r" not in err and "\x1b[" not in err  # a pipe gets plain lines
    assert "epoch 1: train loss" in err and "epoch 2: train loss" in err  # one line per epoch, always
    assert "[100.0%] model written" in err


def test_train_cli_draws_a_live_bar_on_a_terminal(tiny_dataset, tmp_path):
    master, slave = pty.openpty()
    proc = subprocess.Popen(_train_cmd(tiny_dataset, tmp_path / "m"), stdout=subprocess.DEVNULL, stderr=slave,
                            env={**os.environ, "OMP_NUM_THREADS": "1", "TERM": "xterm"})
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                data = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=300)
    os.close(master)
    text = b"".join(chunks).decode(errors="replace")
    assert proc.returncode == 0, text[-2000:]
    assert "\r\x1b[K[" in text and "epoch 2: train loss" in text and "% model written" in text
