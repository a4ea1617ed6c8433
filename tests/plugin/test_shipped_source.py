"""The shipped source model in the dock: the Train tab offers "Slick Sentinel-1 source" as the
transfer source (the default) beside the analyst's own models, the Predict tab lists it, and a
missing one is shown greyed out, never chosen."""

from __future__ import annotations

import types


def test_train_tab_offers_the_shipped_source_by_default(ctx):
    from helpers import wait_for

    from slick_plugin.ui.predict_panel import PredictPanel
    from slick_plugin.ui.train_panel import TrainPanel

    panel, predict = TrainPanel(ctx), PredictPanel(ctx)
    answers = []
    ctx.modelsChanged.connect(answers.append)
    ctx.refresh_models()  # GET /models on the real backend, in the background; both panels follow the signal
    wait_for(lambda: answers, 60, "the model list")
    models = answers[-1]
    assert models[0]["shipped"] and models[0]["ready"]
    assert panel.source.itemText(0) == "Slick Sentinel-1 source" and panel.source.itemData(0) == "slick-s1-source"
    assert panel.models.item(0).text() == "Slick Sentinel-1 source"
    panel.models.setCurrentRow(0)
    assert "deeplabv3 / resnet18" in panel.card.toPlainText()

    assert not panel.source.isEnabled() and panel.request().train.source is None  # base: no source
    own = (panel.arch.currentText(), panel.backbone.currentText(), panel.decoder.currentData())
    assert own == ("deeplabv3", "resnet50", "aspp")
    panel.init.setCurrentIndex(panel.init.findData("transfer"))
    assert panel.source.isEnabled() and panel.source.currentData() == "slick-s1-source"
    assert not panel.arch.isEnabled() and not panel.backbone.isEnabled() and not panel.decoder.isEnabled()
    # the greyed-out fields show what transfer will use: the source's, from its card
    assert (panel.arch.currentText(), panel.backbone.currentText(), panel.decoder.currentData()) == \
        ("deeplabv3", "resnet18", "plus")
    request = panel.request().train
    assert request.source == "slick-s1-source" and request.arch is None and request.backbone is None
    assert panel.request().to_params()["train"]["source"] == "slick-s1-source"
    assert "arch" not in panel.request().to_params()["train"]
    panel.init.setCurrentIndex(panel.init.findData("base"))
    assert (panel.arch.currentText(), panel.backbone.currentText(), panel.decoder.currentData()) == own
    panel.decoder.setCurrentIndex(panel.decoder.findData("plus"))
    base = panel.request().train
    assert (base.arch, base.decoder, base.source) == ("deeplabv3", "plus", None)  # the same recipe, from base

    index = predict.model.findData("slick-s1-source")
    assert index >= 0 and predict.model.itemText(index) == "Slick Sentinel-1 source"
    predict.threshold.setValue(0.0)
    assert predict.threshold.text() == "the model's threshold" and predict._threshold() is None

    # "Adapt to each scene" is ticked by default and reaches the backend's predict params
    sent = []
    predict.model.setCurrentIndex(index)
    layer = types.SimpleNamespace(name=lambda: "scene")  # only its name is read once the inputs are made
    predict._inputs = lambda kind: iter([(layer, "/data/scene.tif", "/out/p", None)])
    predict._run = lambda request, *args: sent.append(request)
    for ticked in (True, False):
        if not ticked:
            predict.adapt.setChecked(False)
        else:
            assert predict.adapt.isChecked()
        predict.predict()
        assert sent[-1].to_params()["adapt_bn"] is ticked and sent[-1].model == "slick-s1-source"


def test_a_missing_shipped_model_is_greyed_out(qgis_app):
    from qgis.PyQt.QtWidgets import QComboBox

    from slick_plugin.ui import model_choices

    combo = QComboBox()
    models = [{"name": "slick-s1-source", "title": "Slick Sentinel-1 source", "shipped": True, "ready": False,
               "path": "/x/slick-s1-source", "error": "the shipped source model slick-s1-source is not installed in /x"},
              {"name": "mine", "path": "/m/mine", "shipped": False, "card": {}}]
    model_choices.fill_combo(combo, models)
    assert combo.itemText(0) == "Slick Sentinel-1 source (not installed)" and combo.currentData() == "/m/mine"
    assert "not installed" in combo.model().item(0).toolTip() and not combo.model().item(0).isEnabled()
