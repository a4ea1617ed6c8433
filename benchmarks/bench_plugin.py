#!/usr/bin/env python3
"""Plugin-side figures: backend start-up as the plugin sees it, and the SAM prompt round
trip through the plugin's handler (HTTP + GeoJSON -> QgsGeometry), with boxes around the labelled
slick of a real Arctic mosaic (sample_135).

Needs QGIS's Python; run from another interpreter (e.g. `make bench` with .venv) it re-runs
itself with .venv-qgis/bin/python or /usr/bin/python3. Prints the machine it ran on.

    .venv-qgis/bin/python benchmarks/bench_plugin.py [--prompts 50] [--model slick-s1-prompt]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

try:
    import qgis.core  # noqa: F401
except ImportError:  # not QGIS's Python: hand over to it
    for candidate in (ROOT / ".venv-qgis" / "bin" / "python", Path("/usr/bin/python3")):
        if candidate.exists() and Path(sys.executable).resolve() != candidate.resolve():
            os.execv(str(candidate), [str(candidate), __file__, *sys.argv[1:]])
    sys.exit("bench_plugin: QGIS's Python (python3-qgis) is needed")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def slick_boxes(labels_png: Path, count: int = 10) -> list:
    """Boxes around the largest labelled slick (value 1) of a mosaic in its CRS: the tight box,
    then boxes loosened and shifted by up to 20 % of its size (seeded)."""
    import numpy as np
    from osgeo import gdal
    from qgis.core import QgsRectangle

    ds = gdal.Open(str(labels_png))
    labels = ds.GetRasterBand(1).ReadAsArray()
    x0, dx, _, y0, _, dy = ds.GetGeoTransform()
    from scipy import ndimage

    parts, n = ndimage.label(labels == 1, structure=np.ones((3, 3)))
    largest = np.argmax(np.bincount(parts.ravel())[1:]) + 1
    rows, cols = np.nonzero(parts == largest)
    c0, c1, r0, r1 = cols.min(), cols.max() + 1, rows.min(), rows.max() + 1
    rng = np.random.default_rng(0)
    out = []
    for i in range(count):
        f = rng.uniform(0, 0.2, 4) * (i > 0)
        s = rng.uniform(-0.1, 0.1, 2) * (i > 0)
        w, h = c1 - c0, r1 - r0
        a0, a1 = c0 - f[0] * w + s[0] * w, c1 + f[1] * w + s[0] * w
        b0, b1 = r0 - f[2] * h + s[1] * h, r1 + f[3] * h + s[1] * h
        out.append(QgsRectangle(x0 + a0 * dx, y0 + b1 * dy, x0 + a1 * dx, y0 + b0 * dy))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=50)
    parser.add_argument("--model", default="slick-s1-prompt")
    args = parser.parse_args()

    from qgis.core import Qgis, QgsApplication, QgsRasterLayer

    app = QgsApplication([], False)
    app.initQgis()
    from slick_plugin.backend.manager import BackendManager
    from slick_plugin.maptools.prompts import BackendSamHandler
    from slick_plugin.settings import SlickSettings

    work = Path(tempfile.mkdtemp(prefix="slick-bench-"))
    src = ROOT.parent / "shared" / "data" / "arctic_ew" / "sample_135"
    for name in ("raw_mosaic.tif", "raw_mosaic.tfw", "raw_mosaic.tif.aux.xml"):
        if (src / name).exists():  # the .aux.xml side file is optional
            shutil.copy(src / name, work / name)
    settings = SlickSettings(python=str(ROOT / ".venv" / "bin" / "python"), models_dir=str(work / "m"),
                             work_dir=str(work / "w"), sam_dir=str(work / "s"))
    manager = BackendManager(settings)
    backend_torch = None
    try:
        t0 = time.perf_counter()
        manager.start()  # returns at once (the GUI never waits); the benchmark waits for /health
        manager.wait_client()
        start_s = time.perf_counter() - t0
        layer = QgsRasterLayer(str(work / "raw_mosaic.tif"), "sample_135")
        handler = BackendSamHandler(manager, args.model)
        boxes = slick_boxes(src / "labels_mosaic.png")  # what an analyst prompts: boxes around the real slick
        t0 = time.perf_counter()
        handler.propose(layer, boxes[0], [])
        first_s = time.perf_counter() - t0
        times, engine, parts = [], [], []
        for i in range(args.prompts):
            t0 = time.perf_counter()
            geometries = handler.propose(layer, boxes[i % len(boxes)], [])
            times.append((time.perf_counter() - t0) * 1000.0)
            engine.append(1000.0 * (handler.last_engine_s or 0.0))
            parts.append(len(geometries))
        times.sort()
        backend_torch = manager.refresh_health().get("torch")  # known once the device probe is done
        figures = {
            "backend_start_s": round(start_s, 2),
            "first_prompt_s (worker start + embedding)": round(first_s, 2),
            "prompt_ms_p50": round(statistics.median(times), 1),
            "prompt_ms_p95": round(times[int(0.95 * (len(times) - 1))], 1),
            "engine_ms_p50 (SAM worker: decoder + polygons)": round(statistics.median(engine), 1),
            "prompts": len(times),
            "polygons_per_answer_median": statistics.median(parts),
            "sam_model": args.model,
            "device": manager.device,
        }
    finally:
        manager.stop()
        shutil.rmtree(work, ignore_errors=True)
    machine = {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
               "qgis": Qgis.QGIS_VERSION, "backend_torch": backend_torch}
    print(json.dumps({"bench": "plugin", "machine": machine, "figures": figures}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
