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
    P.PrepareRequest(["/d/a.tif"], "/d/labels.gpkg", "/d/ds", pixel_size=40.0, tile=512),
    P.TrainRequest(data="/d/ds", out="/m/x", arch="samlora", backbone="vit_b", init="transfer", source="/m/src",
                   epochs=3, allow_random_init=True, light=True, lr=1e-3, name="x"),
    P.PrepareTrainRequest(scenes=["/d/a.tif"], labels="/d/l.gpkg", dataset="/d/ds", out="/m/x", arch="deeplabv3",
                          backbone="resnet18", init="transfer", source="/m/src", pixel_size=40.0, tile=128, epochs=2,
                          allow_random_init=True, light=True, lr=1e-3),
    P.PredictRequest(model="/m/x", scene="/d/a.tif", out="/o/a", threshold=0.4),
    P.BaselineRequest(scene="/d/a.tif", out="/o/a"),
    P.EvaluateRequest(model="/m/x", data="/d/ds"),
    P.ExperimentRequest(config="/c/e.toml", out="/o/e"),
]

# in the backend venv: build each kind's params object from the plugin's JSON body
BUILD = """
import json, sys
from slick_backend.jobs import resolve
out = {}
for kind, body in json.load(sys.stdin):
    cls, _ = resolve(kind)
    try:
        obj = cls(**body)
        if kind == "prepare-train":
            obj._build()  # checks the nested prepare / train keys
        out[kind] = "ok"
    except Exception as exc:
        out[kind] = f"{type(exc).__name__}: {exc}"
print(json.dumps(out))
"""


def test_every_request_class_is_sampled():
    kinds = {cls.KIND for cls in vars(P).values()
             if isinstance(cls, type) and issubclass(cls, P.JobRequest) and cls is not P.JobRequest}
    assert kinds == {s.KIND for s in SAMPLES}


def test_plugin_requests_build_backend_params():
    for sample in SAMPLES:  # every field of the request is set, so all of them are checked
        unset = [f.name for f in dataclasses.fields(sample) if getattr(sample, f.name) in (None, "")]
        assert not unset, f"{type(sample).__name__}: sample leaves {unset} unset"
    bodies = [[s.KIND, s.to_params()] for s in SAMPLES]
    proc = subprocess.run([str(BACKEND_PYTHON), "-c", BUILD], input=json.dumps(bodies), capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result == {s.KIND: "ok" for s in SAMPLES}, result
