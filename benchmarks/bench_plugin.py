#!/usr/bin/env python3
"""Plugin-side figures: backend start-up as the plugin sees it, and the SAM prompt round
trip through the plugin's handler (HTTP + GeoJSON -> QgsGeometry), on a real Arctic mosaic.

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=50)
    parser.add_argument("--model", default="slick-s1-prompt")
    args = parser.parse_args()

    from qgis.core import Qgis, QgsApplication, QgsRasterLayer, QgsRectangle

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
        c = layer.extent().center()
        t0 = time.perf_counter()
        handler.propose(layer, QgsRectangle(c.x() - 2000, c.y() - 2000, c.x() + 2000, c.y() + 2000), [])
        first_s = time.perf_counter() - t0
        times = []
        for i in range(args.prompts):
            d = 100.0 * (i % 10)
            box = QgsRectangle(c.x() - 2000 + d, c.y() - 1500, c.x() + 1500 + d, c.y() + 2000 - d)
            t0 = time.perf_counter()
            handler.propose(layer, box, [])
            times.append((time.perf_counter() - t0) * 1000.0)
        times.sort()
        backend_torch = manager.refresh_health().get("torch")  # known once the device probe is done
        figures = {
            "backend_start_s": round(start_s, 2),
            "first_prompt_s (worker start + embedding)": round(first_s, 2),
            "prompt_ms_p50": round(statistics.median(times), 1),
            "prompt_ms_p95": round(times[int(0.95 * (len(times) - 1))], 1),
            "prompts": len(times),
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
