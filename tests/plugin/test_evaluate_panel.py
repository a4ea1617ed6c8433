"""Evaluate panel: a real (tiny) experiment through the backend, then Fig. 2 and the table
in the dock and report.html behind the button."""

from __future__ import annotations

import subprocess

from conftest import BACKEND_PYTHON, ROOT
from helpers import wait_task

CONFIG = """
[experiment]
name = "plugin-test"
n_values = [2]
draws = 1
workers = 1
seed = 3
resamples = 1000

[training]
epochs = 1
batch_size = 4
lr = 0.001
light = true
allow_random_init = true
device = "cpu"
augment = false

[pretrain]
epochs = 1

[[architectures]]
arch = "deeplabv3"
backbone = "resnet18"

[[formats]]
tile = 64
pixel_size = 25
data = "target"
source_data = "source"
"""

# the backend's own tiny-dataset writer, run with the backend's interpreter (QGIS's Python
# has no rasterio): real GeoTIFF tiles + manifest.json in the prepare layout
WRITE = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from tinydata import scene_splits, write_tiny_dataset
root = Path(sys.argv[1])
write_tiny_dataset(root / "target", scene_splits(3, 1, 2, "tgt"), seed=1)
write_tiny_dataset(root / "source", scene_splits(3, 1, 1, "src"), seed=2, contrast=80.0)
"""


def test_experiment_shows_figure_table_and_report(ctx, tmp_path):
    from slick_plugin.ui.evaluate_panel import EvaluatePanel

    helpers = ROOT / "tests" / "backend"  # tinydata.py lives with the backend tests
    subprocess.run([str(BACKEND_PYTHON), "-c", WRITE, str(tmp_path), str(helpers)], check=True, timeout=120)
    config = tmp_path / "exp.toml"
    config.write_text(CONFIG)
    panel = EvaluatePanel(ctx)
    panel.config.setFilePath(str(config))
    task = panel.run()
    assert task is not None
    wait_task(task, 240)
    assert task.error is None, task.error
    assert panel.figure.pixmap() is not None and not panel.figure.pixmap().isNull()
    assert panel.table.rowCount() > 0 and panel.table.columnCount() > 1
    assert panel.report_button.isEnabled() and panel.outputs["report"].endswith(".html")
