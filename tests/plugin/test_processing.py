"""Every Slick Processing algorithm through ``processing.run``, against the real backend on the
real Arctic mosaics: prepare, train (DeepLabv3 base, transfer from it, and SamLoRA), predict,
classic baseline, evaluate and the experiment. Tiny sizes for a 2-core CPU: 100 m pixels,
128 px tiles, one epoch, random weights (light DeepLabv3 ResNet-18, SamLoRA ViT-tiny)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsProcessingException, QgsRasterLayer, QgsVectorLayer

SAMPLES = ("sample_135", "sample_123", "sample_70")

EXPERIMENT = """
[experiment]
n_values = [1]
draws = 1
inits = ["base"]
seed = 0
workers = 1
resamples = 1000

[training]
epochs = 1
batch_size = 4
lr = 0.001
light = true
allow_random_init = true
device = "cpu"
augment = false
tiles_per_epoch = 16
val_tiles = 16

[[architectures]]
arch = "deeplabv3"
backbone = "resnet18"

[[formats]]
tile = 128
pixel_size = 25
data = "{data}"
"""


@pytest.fixture(scope="module")
def provider(qgis_processing, backend):
    from slick_plugin.processing.provider import SlickProvider

    logged = []

    def grab(message, tag, level):
        logged.append(message)

    QgsApplication.messageLog().messageReceived.connect(grab)
    provider = SlickProvider(backend)
    QgsApplication.processingRegistry().addProvider(provider)
    QgsApplication.messageLog().messageReceived.disconnect(grab)
    yield provider, logged
    QgsApplication.processingRegistry().removeProvider(provider)


@pytest.fixture(scope="module")
def dataset(provider, mosaics, label_file, tmp_path_factory):
    import processing

    out = tmp_path_factory.mktemp("proc") / "ds"
    result = processing.run("slick:prepare", {
        "SCENES": [str(mosaics[s]) for s in SAMPLES], "LABELS": str(label_file), "PIXEL_SIZE": 100, "TILE": 128,
        "OUTPUT": str(out),
    })
    assert result["OUTPUT"] == str(out)
    return out


def test_no_duplicate_outputs(provider):
    """Destination parameters make their own outputs; nothing is registered twice."""
    prov, logged = provider
    assert not [m for m in logged if "Duplicate output" in m], logged
    for alg in prov.algorithms():
        names = [o.name() for o in alg.outputDefinitions()]
        assert len(names) == len(set(names)), (alg.name(), names)
    assert {a.name() for a in prov.algorithms()} == {"prepare", "train", "predict", "baseline", "evaluate", "experiment"}


def test_prepare_writes_a_dataset(dataset):
    manifest = json.loads((dataset / "manifest.json").read_text())
    assert manifest["format"] == "slick-dataset" and len(manifest["scenes"]) == 3


def test_train_deeplab_transfer_predict_evaluate(dataset, mosaics, tmp_path):
    import processing

    base = processing.run("slick:train", {
        "DATA": str(dataset), "ARCH": 0, "BACKBONE": "resnet18", "INIT": 0, "EPOCHS": 1, "LR": 0.001, "LIGHT": True,
        "RANDOM_INIT": True, "OUTPUT": str(tmp_path / "base"),
    })["OUTPUT"]
    card = json.loads((Path(base) / "model.json").read_text())
    assert (card["arch"], card["backbone"], card["init"]) == ("deeplabv3", "resnet18", "base")
    model = processing.run("slick:train", {  # transfer: architecture, backbone and decoder come from the source
        "DATA": str(dataset), "INIT": 1, "FROM_MODEL": base, "EPOCHS": 1, "LR": 0.001, "OUTPUT": str(tmp_path / "tl"),
    })["OUTPUT"]
    card = json.loads((Path(model) / "model.json").read_text())
    assert card["init"] == "transfer" and card["source_model"]["path"] == str(Path(base).resolve())
    scene = QgsRasterLayer(str(mosaics["sample_123"]), "s")
    pred = processing.run("slick:predict", {
        "MODEL": model, "SCENE": scene.source(), "OUTPUT_FOLDER": str(tmp_path / "pred"),  # threshold: the model's
    })
    assert QgsRasterLayer(pred["PROBABILITY"], "p").crs() == scene.crs()
    assert QgsRasterLayer(pred["MASK"], "m").isValid() and QgsVectorLayer(pred["OUTLINES"], "o", "ogr").isValid()
    metrics = json.loads(processing.run("slick:evaluate", {"MODEL": model, "DATA": str(dataset)})["RESULT"])
    assert metrics


def test_train_samlora_with_a_vit_backbone(dataset, mosaics, tmp_path):
    """Choosing samlora takes a ViT backbone (the default for samlora is vit_b; vit_tiny here for the
    CPU); a ResNet backbone with samlora is refused before anything runs."""
    import processing

    model = processing.run("slick:train", {
        "DATA": str(dataset), "ARCH": 1, "BACKBONE": "vit_tiny", "INIT": 0, "EPOCHS": 1, "LR": 0.001,
        "RANDOM_INIT": True, "OUTPUT": str(tmp_path / "sam"),
    })["OUTPUT"]
    card = json.loads((Path(model) / "model.json").read_text())
    assert (card["arch"], card["backbone"]) == ("samlora", "vit_tiny")
    pred = processing.run("slick:predict", {"MODEL": model, "SCENE": str(mosaics["sample_70"]), "THRESHOLD": 0.5,
                                            "OUTPUT_FOLDER": str(tmp_path / "pred")})
    assert QgsVectorLayer(pred["OUTLINES"], "o", "ogr").isValid()
    with pytest.raises(QgsProcessingException, match="resnet50 does not fit samlora"):
        processing.run("slick:train", {"DATA": str(dataset), "ARCH": 1, "BACKBONE": "resnet50", "RANDOM_INIT": True,
                                       "OUTPUT": str(tmp_path / "never")})
    assert not (tmp_path / "never").exists()


def test_samlora_backbone_defaults_to_vit_b(provider, dataset, tmp_path):
    """Left empty, the backbone is the architecture's default: vit_b for samlora (not resnet50), here
    without its weights installed and without random init, so the backend says which weights it needs,
    in the dialog's words: the parameter to tick, not the command line's flag."""
    import processing

    with pytest.raises(QgsProcessingException, match="sam_vit_b") as failed:
        processing.run("slick:train", {"DATA": str(dataset), "ARCH": 1, "INIT": 0, "EPOCHS": 1, "LR": 0.001,
                                       "OUTPUT": str(tmp_path / "default")})
    text = str(failed.value)
    assert "tick 'Allow random initialisation (no pretrained weights)'" in text, text
    assert "--" not in text and "slick-backend" not in text, text


def test_an_existing_model_folder_is_refused_in_the_dialogs_words(provider, dataset, tmp_path):
    """Processing cannot ask before replacing: it names the folder and what to do, before anything runs."""
    import processing

    (tmp_path / "taken").mkdir()
    with pytest.raises(QgsProcessingException, match="choose a new model folder") as failed:
        processing.run("slick:train", {"DATA": str(dataset), "RANDOM_INIT": True, "OUTPUT": str(tmp_path / "taken")})
    assert str(tmp_path / "taken") in str(failed.value) and "--" not in str(failed.value)


def test_baseline(provider, mosaics, tmp_path):
    import processing

    base = processing.run("slick:baseline", {"SCENE": str(mosaics["sample_70"]), "OUTPUT_FOLDER": str(tmp_path / "b")})
    assert QgsVectorLayer(base["OUTLINES"], "b", "ogr").isValid()
    assert QgsRasterLayer(base["MASK"], "m").isValid()  # (the baseline has no probability raster)


def test_experiment(provider, mosaics, label_file, tmp_path):
    """(The experiment takes the paper's pixel sizes only: a 25 m dataset, the mosaics' own grid.)"""
    import processing

    data = processing.run("slick:prepare", {"SCENES": [str(mosaics[s]) for s in SAMPLES], "LABELS": str(label_file),
                                            "PIXEL_SIZE": 25, "TILE": 128, "OUTPUT": str(tmp_path / "ds25")})["OUTPUT"]
    config = tmp_path / "tiny.toml"
    config.write_text(EXPERIMENT.format(data=Path(data).as_posix()))
    result = processing.run("slick:experiment", {"CONFIG": str(config), "OUTPUT": str(tmp_path / "exp")})
    assert result["OUTPUT"] == str(tmp_path / "exp")
    assert (tmp_path / "exp" / "results.csv").is_file()
    assert result["REPORT"] and Path(result["REPORT"]).is_file()
