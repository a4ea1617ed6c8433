"""The plugin's job requests mirror the backend's params dataclasses by hand (the plugin
cannot import the backend). This keeps the two in step: every request, filled with every
field it has, must pass the server's own validation (``build_params``: the JSON against the
dataclass, then its ``validate()``) for its job kind, in the backend's own interpreter, on
real files. A renamed or removed backend option fails here, not in an analyst's QGIS."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import BACKEND_PYTHON, ROOT

from slick_plugin.tasks import params as P

KINDS = {"prepare", "train", "prepare-train", "predict", "predict-batch", "baseline", "evaluate", "experiment", "atlas"}

EXPERIMENT = """[experiment]
name = "contract"
n_values = [2]
draws = 1
inits = ["base", "transfer"]

[training]
epochs = 1
allow_random_init = true

[[architectures]]
arch = "deeplabv3"
backbone = "resnet18"
source = "slick-s1-source"

[[formats]]
tile = 128
pixel_size = 25
data = "{data}"
"""


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, arctic_dir, label_file, shipped_dir) -> dict[str, Path]:
    """Real inputs: the Arctic mosaics named after their samples (scenes/ and a folder more/), their
    labels, a dataset prepared from them by the backend, the (tiny) shipped source model, an experiment
    config, a drift table; outputs go under ``out``."""
    root = tmp_path_factory.mktemp("contract")
    scenes = {}
    for sample, folder in (("sample_135", "scenes"), ("sample_70", "scenes"), ("sample_123", "more")):
        (root / folder).mkdir(exist_ok=True)
        for suffix in ("tif", "tfw"):
            shutil.copy(arctic_dir / sample / f"raw_mosaic.{suffix}", root / folder / f"{sample}.{suffix}")
        scenes[sample] = root / folder / f"{sample}.tif"
    dataset = root / "dataset"
    done = subprocess.run([str(BACKEND_PYTHON), "-m", "slick_backend", "--quiet", "prepare", "--scenes",
                           *map(str, scenes.values()), "--labels", str(label_file), "--pixel-size", "25",
                           "--tile", "128", "--out", str(dataset)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    config = root / "experiment.toml"
    config.write_text(EXPERIMENT.format(data=dataset))
    drift = root / "drift.csv"
    drift.write_text("scene,drift_to_deg,acq_time\nsample_135,90,2024-05-01T17:18:38Z\n")
    (root / "out").mkdir()
    return {**scenes, "more": root / "more", "labels": label_file, "dataset": dataset,
            "model": shipped_dir / "slick-s1-source", "config": config, "drift": drift, "out": root / "out"}


def samples(i: dict[str, Path]) -> list[P.JobRequest]:
    """One request of each kind with every field set (optional ones too), so a key the backend
    does not know, or a value it refuses, shows up."""
    scene, other, third = (str(i[s]) for s in ("sample_135", "sample_70", "sample_123"))
    labels, dataset, model, out = str(i["labels"]), str(i["dataset"]), str(i["model"]), i["out"]
    return [
        P.PrepareRequest([scene, other], labels, str(out / "ds"), pixel_size=40.0, tile=512, overwrite=True),
        P.TrainRequest(data=dataset, out_dir=str(out / "model"), arch="deeplabv3", backbone="resnet18", init="transfer",
                       source=model, epochs=3, allow_random_init=True, light=True, decoder="plus", lr=1e-3,
                       name="x", overwrite=True),
        P.PrepareTrainRequest(
            P.PrepareRequest([scene], labels, str(out / "ds2"), pixel_size=25.0, tile=128, overwrite=True,
                             calibration="sigma0-denoised"),
            P.TrainRequest(data=str(out / "ds2"), out_dir=str(out / "model2"), arch="deeplabv3", backbone="resnet18",
                           init="transfer", source="slick-s1-source", epochs=2, allow_random_init=True, light=True,
                           decoder="plus", lr=1e-3, name="x", overwrite=True), prompt_out_dir=str(out / "model2-prompt")),
        P.PredictRequest(model=model, scene=scene, out_prefix=str(out / "a"), threshold=0.4, adapt_bn=True, overwrite=True,
                         land_mask=False, masks=[labels, other]),
        P.BatchPredictRequest(model="slick-s1-source", scenes=[str(i["more"]), other],
                              out_dir=str(out / "batch"), threshold=0.4, adapt_bn=True, workers=2, overwrite=True,
                              land_mask=False, masks=[labels]),
        P.BaselineRequest(scene=third, out_prefix=str(out / "b"), overwrite=True, land_mask=False, masks=[other]),
        P.EvaluateRequest(model=model, data=dataset),
        P.ExperimentRequest(config=str(i["config"]), out_dir=str(out / "experiment")),
        P.AtlasRequest(outlines=[labels], coverage=[str(i["more"]), scene], out_dir=str(out / "atlas"),
                       drift=str(i["drift"]), pixel_size=50.0, cluster_m=800.0, min_dates=3, overwrite=True),
    ]


# in the backend venv: each kind's params object from the plugin's JSON body, through the server's
# own validation (pydantic: types, Literal choices, unknown keys, nested ones included; then validate())
BUILD = """
import json, sys
from slick_backend.server.params import build_params
out = {}
for kind, body in json.load(sys.stdin):
    try:
        build_params(kind, body)
        out[kind] = "ok"
    except Exception as exc:  # ParamsError / InputError: the server's 422 / 400
        out[kind] = f"{type(exc).__name__}: {exc}"
from slick_backend.models.catalog import SHIPPED
from slick_backend.models.registry import BACKBONES_BY_ARCH, DEFAULT_BACKBONE
out["shipped"] = sorted(SHIPPED)
out["backbones"] = {arch: [DEFAULT_BACKBONE[arch], *BACKBONES_BY_ARCH[arch]] for arch in BACKBONES_BY_ARCH}
print(json.dumps(out))
"""


def _build(bodies: list) -> dict:
    proc = subprocess.run([str(BACKEND_PYTHON), "-c", BUILD], input=json.dumps(bodies), capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_every_request_class_is_sampled():
    kinds = {cls.KIND for cls in vars(P).values()
             if isinstance(cls, type) and issubclass(cls, P.JobRequest) and cls is not P.JobRequest}
    assert kinds == KINDS


def _unset(request) -> list[str]:
    """Fields left None / "" in a request, nested requests included."""
    out = []
    for f in dataclasses.fields(request):
        value = getattr(request, f.name)
        if isinstance(value, P.JobRequest):
            out += [f"{f.name}.{name}" for name in _unset(value)]
        elif value in (None, ""):
            out.append(f.name)
    return out


def test_plugin_requests_pass_the_server_validation(inputs):
    requests = samples(inputs)
    assert {r.KIND for r in requests} == KINDS
    for request in requests:  # every field of the request is set, so all of them are checked
        unset = _unset(request)
        assert not unset, f"{type(request).__name__}: sample leaves {unset} unset"
    result = _build([[r.KIND, r.to_params()] for r in requests])
    # the plugin names the backend's shipped models (it sends their names, not folders)
    assert result.pop("shipped") == sorted(P.SHIPPED_MODELS)
    # the plugin's backbone choices exist in the backend, each architecture's default first
    backend_backbones = result.pop("backbones")
    assert set(P.BACKBONES) == set(backend_backbones)
    for arch, names in P.BACKBONES.items():
        assert names[0] == backend_backbones[arch][0] and set(names) <= set(backend_backbones[arch][1:]), arch
    assert result == {r.KIND: "ok" for r in requests}, result


def test_the_server_validation_refuses_what_the_backend_does_not_know(inputs):
    """The same check fails for a key the backend has no field for, and for a value it refuses."""
    predict = next(r for r in samples(inputs) if r.KIND == "predict")
    renamed = {**predict.to_params(), "threshhold": 0.4}
    missing = {**predict.to_params(), "scene": str(inputs["out"] / "no-such-scene.tif")}
    result = _build([["predict", renamed]])
    assert result["predict"].startswith("ParamsError: unknown parameter(s) for predict: threshhold"), result
    result = _build([["predict", missing]])
    assert result["predict"].startswith("InputError: ") and "no-such-scene.tif" in result["predict"], result
    # the name the output field had before issue 17: refused like any unknown key, naming the new one
    body = predict.to_params()
    body["out"] = body.pop("out_prefix")
    result = _build([["predict", body]])
    assert result["predict"].startswith("ParamsError: unknown parameter(s) for predict: out;"), result
    assert "out_prefix" in result["predict"], result


def test_prepare_train_mirrors_the_backend_nesting():
    """The Train tab's request nests a prepare and a train request, as PrepareTrainParams nests
    PrepareParams and the train options; the train step's dataset is the prepare step's output."""
    request = P.PrepareTrainRequest.of(["/d/a.tif"], "/d/l.gpkg", "/d/ds", "/m/x", tile=128, arch="samlora",
                                       backbone="vit_tiny", epochs=2)
    body = request.to_params()
    assert set(body) == {"prepare", "train"} and "data" not in body["train"]
    assert body["prepare"]["out_dir"] == "/d/ds" and body["prepare"]["tile"] == 128
    assert body["train"]["arch"] == "samlora" and body["train"]["out_dir"] == "/m/x" and body["train"]["name"] == "x"
    assert request.train.data == request.prepare.out_dir and request.output() == "/m/x"
