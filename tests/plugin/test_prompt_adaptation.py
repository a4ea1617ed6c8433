"""The analyst's own labelling model: the Train tab asks for it at 25 m, and an adapted prompt
model in the models folder joins the Label tab's SAM model list and answers box prompts (real
backend, real Arctic mosaic)."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import wait_for
from qgis.core import QgsRasterLayer, QgsRectangle

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_PROMPT = ROOT / "backend" / "slick_backend" / "models" / "shipped" / "slick-s1-prompt"
SLICK_XY = (535505.3, 8708714.5)  # the largest labelled slick of sample_135 (EPSG:32632)


def test_train_tab_adapts_the_labelling_model_at_its_pixel_size(ctx):
    from slick_plugin.ui.train_panel import TrainPanel

    panel = TrainPanel(ctx)
    panel.name.setText("north")
    panel.pixel.setCurrentText("25")
    assert panel.adapt_prompt.isEnabled() and not panel.adapt_prompt.isChecked()  # opt-in
    assert panel.request().prompt_out_dir is None
    panel.adapt_prompt.setChecked(True)
    request = panel.request()
    assert request.prompt_out_dir == str(Path(ctx.settings.models_dir) / "north-prompt")
    assert request.to_params()["prompt_out_dir"] == request.prompt_out_dir
    panel.pixel.setCurrentText("10")
    assert not panel.adapt_prompt.isEnabled() and "25 m" in panel.adapt_prompt.toolTip()
    assert panel.request().prompt_out_dir is None and "prompt_out_dir" not in panel.request().to_params()
    panel.pixel.setCurrentText("25")
    panel.adapt_prompt.setChecked(False)
    assert panel.request().prompt_out_dir is None


def test_an_adapted_prompt_model_joins_the_sam_list_and_answers_a_box(ctx, backend, mosaic_135):
    from slick_plugin.ui.label_panel import LabelPanel

    mine = Path(backend.settings.models_dir) / "mine-prompt"
    shutil.copytree(SHIPPED_PROMPT, mine)  # a valid prompt model dir, as finetune-prompt writes one
    try:
        panel = LabelPanel(ctx)
        assert panel.sam_model() in ("slick-s1-prompt", ctx.settings.sam_model)
        ctx.refresh_models()
        combo = panel.model_combo
        wait_for(lambda: combo.findText("mine-prompt") >= 0, 60, "the adapted model in the SAM model list")
        assert combo.itemData(combo.findText("mine-prompt")) == str(mine)
        assert [combo.itemText(i) for i in range(combo.count())].count("mine-prompt") == 1
        combo.setCurrentIndex(combo.findText("mine-prompt"))
        assert panel.sam_model() == str(mine) and panel.handler.model == str(mine)

        layer = QgsRasterLayer(str(mosaic_135), "sample_135")
        x, y = SLICK_XY
        geometries = panel.handler.propose(layer, QgsRectangle(x - 1500, y - 1200, x + 1500, y + 1200), [])
        assert geometries and all(g.isGeosValid() for g in geometries)
        assert geometries[0].boundingBox().intersects(QgsRectangle(x - 1500, y - 1200, x + 1500, y + 1200))

        combo.setEditText("tiny")  # a name typed in is taken as typed
        assert panel.sam_model() == "tiny"
        panel.unload()
    finally:
        shutil.rmtree(mine, ignore_errors=True)
