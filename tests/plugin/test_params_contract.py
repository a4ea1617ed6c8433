"""The plugin's job requests mirror the backend's params dataclasses by hand (the plugin
cannot import the backend). This keeps the two in step: every request, filled with every
field it has, must build the backend's params object for its job kind, in the backend's
own interpreter. A renamed or removed backend option fails here, not in an analyst's QGIS."""

from __future__ import annotations

import dataclasses
import json
import subprocess

from conftest import BACKEND_PYTHON, ROOT

from slick_plugin.tasks import params as P

# every field set (optional ones too), so a key the backend does not know shows up
SAMPLES = [
    P.PrepareRequest(["/d/a.tif"], "/d/labels.gpkg", "/d/ds", pixel_size=40.0, tile=512, overwrite=True),
    P.TrainRequest(data="/d/ds", out="/m/x", arch="deeplabv3", backbone="resnet18", init="transfer", source="/m/src",
                   epochs=3, allow_random_init=True, light=True, decoder="plus", lr=1e-3, name="x", overwrite=True),
    P.PrepareTrainRequest(
        P.PrepareRequest(["/d/a.tif"], "/d/labels.gpkg", "/d/ds", pixel_size=40.0, tile=128, overwrite=True,
                         calibration="sigma0-denoised"),
        P.TrainRequest(data="/d/ds", out="/m/x", arch="deeplabv3", backbone="resnet18", init="transfer",
                       source="slick-s1-source", epochs=2, allow_random_init=True, light=True, decoder="plus", lr=1e-3,
                       name="x", overwrite=True), prompt_out="/m/x-prompt"),
    P.PredictRequest(model="/m/x", scene="/d/a.tif", out="/o/a", threshold=0.4, adapt_bn=True, overwrite=True,
                     land_mask=False, masks=["/d/ice.gpkg"]),
    P.BatchPredictRequest(model="/m/x", scenes=["/d/scenes", "/d/b.zip"], out="/o/batch", threshold=0.4, adapt_bn=True,
                          workers=2, overwrite=True, land_mask=False, masks=["/d/ice.gpkg"]),
    P.BaselineRequest(scene="/d/a.tif", out="/o/a", overwrite=True, land_mask=False, masks=["/d/ice.tif"]),
    P.EvaluateRequest(model="/m/x", data="/d/ds"),
    P.ExperimentRequest(config="/c/e.toml", out="/o/e"),
    P.AtlasRequest(outlines=["/d/slicks.gpkg", "/d/more.shp"], coverage=["/d/scenes", "/d/c.tif"], out="/o/atlas",
                   drift="/d/drift.csv", pixel_size=50.0, cluster_m=800.0, min_dates=3, overwrite=True),
]

# in the backend venv: build each kind's params object from the plugin's JSON body, as the server
# does (pydantic: types, Literal choices, unknown keys, nested ones included), and as the library does
BUILD = """
import json, sys
from slick_backend.server.params import _unknown, adapter
out = {}
for kind, body in json.load(sys.stdin):
    cls, ta = adapter(kind)
    try:
        found = _unknown(cls, body)
        if found:
            raise ValueError(f"unknown keys {found[0]}")
        ta.validate_python(body)
        cls(**body)
        out[kind] = "ok"
    except Exception as exc:
        out[kind] = f"{type(exc).__name__}: {exc}"
from slick_backend.models.catalog import SHIPPED
from slick_backend.models.registry import BACKBONES_BY_ARCH, DEFAULT_BACKBONE
out["shipped"] = sorted(SHIPPED)
out["backbones"] = {arch: [DEFAULT_BACKBONE[arch], *BACKBONES_BY_ARCH[arch]] for arch in BACKBONES_BY_ARCH}
print(json.dumps(out))
"""


def test_every_request_class_is_sampled():
    kinds = {cls.KIND for cls in vars(P).values()
             if isinstance(cls, type) and issubclass(cls, P.JobRequest) and cls is not P.JobRequest}
    assert kinds == {s.KIND for s in SAMPLES}


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


def test_plugin_requests_build_backend_params():
    for sample in SAMPLES:  # every field of the request is set, so all of them are checked
        unset = _unset(sample)
        assert not unset, f"{type(sample).__name__}: sample leaves {unset} unset"
    bodies = [[s.KIND, s.to_params()] for s in SAMPLES]
    proc = subprocess.run([str(BACKEND_PYTHON), "-c", BUILD], input=json.dumps(bodies), capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    # the plugin names the backend's shipped models (it sends their names, not folders)
    assert result.pop("shipped") == sorted(P.SHIPPED_MODELS)
    # the plugin's backbone choices exist in the backend, each architecture's default first
    backend_backbones = result.pop("backbones")
    assert set(P.BACKBONES) == set(backend_backbones)
    for arch, names in P.BACKBONES.items():
        assert names[0] == backend_backbones[arch][0] and set(names) <= set(backend_backbones[arch][1:]), arch
    assert result == {s.KIND: "ok" for s in SAMPLES}, result


def test_prepare_train_mirrors_the_backend_nesting():
    """The Train tab's request nests a prepare and a train request, as PrepareTrainParams nests
    PrepareParams and the train options; the train step's dataset is the prepare step's output."""
    request = P.PrepareTrainRequest.of(["/d/a.tif"], "/d/l.gpkg", "/d/ds", "/m/x", tile=128, arch="samlora",
                                       backbone="vit_tiny", epochs=2)
    body = request.to_params()
    assert set(body) == {"prepare", "train"} and "data" not in body["train"]
    assert body["prepare"]["out"] == "/d/ds" and body["prepare"]["tile"] == 128
    assert body["train"]["arch"] == "samlora" and body["train"]["out"] == "/m/x" and body["train"]["name"] == "x"
    assert request.train.data == request.prepare.out
