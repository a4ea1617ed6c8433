#!/usr/bin/env python3
"""`make e2e-desktop`: the analyst's flow in the real QGIS desktop under Xvfb.

Builds the plugin zip from this checkout, copies a real Arctic EW mosaic (sample_123) into a
fresh run folder, and starts Debian's ``qgis`` on a virtual X screen with a fresh profile and
HOME; ``driver.py`` (run by QGIS at start-up) installs the zip and drives QGIS with X mouse and
keyboard events. Prints each step with its time and longest GUI freeze; exits 1 on any failure.

    .venv/bin/python tests/desktop/run_desktop.py [--out out/e2e-desktop] [--shots docs/screenshots]

Needs ``qgis``, ``xdotool`` and ``xvfb-run`` (``make install-desktop``) and the backend venv
(``.venv``, which the installed plugin is pointed at: setting the backend up from the zip has
its own test, tests/plugin/test_backend_setup.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import rasterio
from scipy import ndimage

ROOT = Path(__file__).resolve().parents[2]
ARCTIC = ROOT.parent / "shared" / "data" / "arctic_ew"
SAMPLE = "sample_123"  # three labelled slicks: two to label, one for the undo checks
SCREEN = "1600x1000x24"


def slick_boxes(labels: Path, count: int = 3) -> list[list[float]]:
    """Map boxes (x0, y0, x1, y1) around the ``count`` largest labelled slicks, loosened by 20 %:
    where an analyst who knows the scene would drag."""
    with rasterio.open(labels) as src:
        mask, transform = src.read(1) > 0, src.transform
    parts, n = ndimage.label(mask)
    sizes = ndimage.sum(mask, parts, range(1, n + 1))
    boxes = []
    for index in np.argsort(sizes)[::-1][:count]:
        rows, cols = ndimage.find_objects(parts)[index]
        pad_r = max(8, int(0.2 * (rows.stop - rows.start)))
        pad_c = max(8, int(0.2 * (cols.stop - cols.start)))
        x0, y0 = transform * (cols.start - pad_c, rows.stop + pad_r)
        x1, y1 = transform * (cols.stop + pad_c, rows.start - pad_r)
        boxes.append([x0, y0, x1, y1])
    if len(boxes) < count:
        sys.exit(f"e2e-desktop: {labels} has {len(boxes)} labelled slicks, {count} are needed")
    return boxes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "out" / "e2e-desktop"), help="run folder (emptied first)")
    parser.add_argument("--shots", help="also copy the screenshots here (docs/screenshots)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds for the whole QGIS session")
    args = parser.parse_args(argv)
    missing = [tool for tool in ("qgis", "xdotool", "xvfb-run", "xauth") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"e2e-desktop: {', '.join(missing)} not installed; run `make install-desktop`")
    if not (ARCTIC / SAMPLE / "raw_mosaic.tif").exists():
        sys.exit(f"e2e-desktop: the real mosaic {ARCTIC / SAMPLE / 'raw_mosaic.tif'} is missing (../shared beside the checkout)")

    out = Path(args.out).resolve()
    shutil.rmtree(out, ignore_errors=True)
    for sub in ("data", "work", "home", "profiles", "xdg"):
        (out / sub).mkdir(parents=True)
    (out / "xdg").chmod(0o700)
    zip_path = out / "slick_plugin.zip"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "package.py"), "--out", str(zip_path)], check=True)
    for name in ("raw_mosaic.tif", "raw_mosaic.tfw", "labels_mosaic.png", "labels_mosaic.pgw"):
        shutil.copy(ARCTIC / SAMPLE / name, out / "data" / name)
    conf = {
        "out": str(out), "zip": str(zip_path), "scene": str(out / "data" / "raw_mosaic.tif"),
        "python": str(ROOT / ".venv" / "bin" / "python"), "work": str(out / "work"),
        "boxes": slick_boxes(out / "data" / "labels_mosaic.png"), "epochs": args.epochs,
        "harness_dir": str(Path(__file__).resolve().parent),
    }
    env = {**os.environ, "SLICK_E2E": json.dumps(conf), "HOME": str(out / "home"), "XDG_RUNTIME_DIR": str(out / "xdg"),
           "QT_QPA_PLATFORM": "xcb", "PYTHONDONTWRITEBYTECODE": "1"}
    for var in ("SLICK_SHIPPED_DIR", "PYTHONPATH", "VIRTUAL_ENV"):
        env.pop(var, None)
    command = ["xvfb-run", "-a", "-s", f"-screen 0 {SCREEN}", "qgis", "--profiles-path", str(out / "profiles"),
               "--profile", "e2e", "--nologo", "--noversioncheck", "--code", str(Path(__file__).with_name("driver.py"))]
    print(f"e2e-desktop: QGIS under Xvfb, run folder {out}", flush=True)
    with open(out / "qgis.log", "w") as log:
        # its own process group: QGIS, Xvfb and the backend go with it, however the run ends
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            proc.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            print(f"e2e-desktop: QGIS did not finish within {args.timeout} s (log: {out / 'qgis.log'})")
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    results = out / "results.json"
    if not results.exists():
        print(f"e2e-desktop: no results; QGIS log: {out / 'qgis.log'}")
        return 1
    report = json.loads(results.read_text())
    for step in report["steps"]:
        mark = "ok  " if step.get("ok") else "FAIL"
        print(f"  {mark} {step['step']:<45} {step['seconds']:>6.1f} s   longest GUI freeze {step['longest_freeze_s']:.2f} s")
        if step.get("error"):
            print(f"       {step['error']}")
    for message in report["messages"]:
        if message["tag"] == "Python error":
            print(f"  Python error in QGIS: {message['message'][:1500]}")
    if report["error"]:
        print(report["error"])
    shots = sorted(out.glob("desktop_*.png"))
    if args.shots:
        Path(args.shots).mkdir(parents=True, exist_ok=True)
        for shot in shots:
            shutil.copy(shot, Path(args.shots) / shot.name)
    print(f"e2e-desktop: {'passed' if report['ok'] else 'FAILED'}; screenshots: {', '.join(s.name for s in shots)}; "
          f"report {results}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
