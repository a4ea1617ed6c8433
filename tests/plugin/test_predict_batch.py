"""*Predict many scenes...* in the Predict tab, against the real backend: a folder of scenes (a
GeoTIFF, a Sentinel-1 product zip and a broken file) goes to the backend as one predict-batch job,
the bar follows it, the failed scene is reported, and the merged outlines layer is added."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import BACKEND_PYTHON, ROOT
from helpers import shipped_predict_panel, wait_for, wait_task
from qgis.core import Qgis, QgsVectorLayer

# two 256 px EW scenes (a GeoTIFF, a product zip) and a file that is no raster, in one folder
SCENES = """
import sys
from pathlib import Path
from slick_backend.progress import NullProgress
from slick_backend.simulate.api import SimulateParams, run_simulate
folder = Path(sys.argv[1])
for sub, seed, georef in (("a", 1, "utm"), ("b", 2, "safe-zip")):
    run_simulate(SimulateParams(out_dir=str(folder / sub), scenes=1, seed=seed, size=256, georef=georef), NullProgress())
    for scene in (folder / sub).iterdir():
        if scene.suffix in (".tif", ".zip"):
            scene.rename(folder / "scenes" / scene.name)
(folder / "scenes" / "broken.tif").write_bytes(b"not a raster")
"""


def test_predict_many_scenes_adds_the_merged_outlines(ctx, tmp_path, qgis_iface):

    (tmp_path / "scenes").mkdir()
    proc = subprocess.run([str(BACKEND_PYTHON), "-c", SCENES, str(tmp_path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    panel = shipped_predict_panel(ctx)
    assert panel.batch_button.text() == "Predict many scenes..."
    out = tmp_path / "batch"
    task = panel.predict_many(str(tmp_path / "scenes"), str(out))
    assert task is not None and task.kind == "predict-batch"
    assert task.params["scenes"] == [str(tmp_path / "scenes")] and task.params["out_dir"] == str(out)
    wait_task(task, 300)
    assert task.error is None, task.error
    wait_for(lambda: panel.added_groups, 10, "the merged outlines")
    assert panel.progress.bar.value() == 100

    status = json.loads((out / "batch.json").read_text())
    states = {entry["id"]: entry["state"] for entry in status["scenes"]}
    assert sorted(states.values()) == ["done", "done", "failed"] and states["broken"] == "failed"
    warnings = qgis_iface.messageBar().get_messages(Qgis.Warning)
    assert any("1 of 3 scenes failed" in m and "broken.tif" in m for m in warnings), warnings

    layers = [node.layer() for node in panel.added_groups[-1].findLayers()]
    outlines = next(layer for layer in layers if layer.geometryType() == 2)  # polygons
    assert isinstance(outlines, QgsVectorLayer) and outlines.isValid()
    assert Path(outlines.source().split("|")[0]) == out / "slicks.gpkg" and "layername=slicks" in outlines.source()
    assert outlines.crs().authid() == "EPSG:4326"
    assert {"scene", "acq_time", "area_km2"} <= set(outlines.fields().names())
    n_slicks = sum(entry["n_slicks"] for entry in status["scenes"] if entry["state"] == "done")
    assert outlines.featureCount() == n_slicks > 0
    assert {f["scene"] for f in outlines.getFeatures()} <= {sid for sid, state in states.items() if state == "done"}
    assert panel.export_layer.currentLayer().id() == outlines.id()
