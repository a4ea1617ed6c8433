"""A real server lists the shipped models beside the trained ones (GET /models) and runs a
predict job on the shipped model by name, with its card's threshold."""

from __future__ import annotations

import json

import rasterio
from rasterio.windows import Window


def _crop(arctic, out):
    with rasterio.open(arctic / "sample_135" / "raw_mosaic.tif") as ds:
        win = Window(192, 192, 192, 128)
        profile = {**ds.profile, "width": 192, "height": 128, "transform": ds.window_transform(win)}
        profile.pop("blockxsize", None), profile.pop("blockysize", None), profile.pop("tiled", None)
        with rasterio.open(out, "w", **profile) as dst:
            dst.write(ds.read(1, window=win), 1)
    return out


def test_models_lists_shipped_and_predict_job_by_name(tmp_path, shipped_dir, arctic, monkeypatch, server_factory):
    monkeypatch.setenv("SLICK_SHIPPED_DIR", str(shipped_dir))
    srv = server_factory(tmp_path)
    (tmp_path / "models" / "mine").mkdir()
    (tmp_path / "models" / "mine" / "model.json").write_text(json.dumps(
        {"format": "slick-model", "model": {"arch": "deeplabv3"}, "arch": "deeplabv3", "tile": 64}))
    models = srv.client.get("/models").json()["models"]
    shipped, mine = models[0], {m["name"]: m for m in models}["mine"]
    assert shipped["shipped"] is True and shipped["name"] == "slick-s1-source" and shipped["ready"] is True
    assert shipped["title"] == "Slick Sentinel-1 source" and shipped["card"]["weights_dtype"] == "float16"
    assert mine["shipped"] is False and mine["card"]["arch"] == "deeplabv3"

    scene = _crop(arctic, tmp_path / "S1A_EW_GRDM_1SDH_20190804T152307_crop.tif")
    job = srv.client.post("/jobs", json={"kind": "predict", "params": {
        "model": "slick-s1-source", "scene": str(scene), "out_prefix": str(tmp_path / "pred" / "a"), "device": "cpu"}})
    assert job.status_code == 202, job.text
    done = srv.wait_job(job.json()["id"], timeout=180)
    assert done["state"] == "succeeded", done
    assert done["result"]["threshold"] == shipped["card"]["threshold"] != 0.5

    # a transfer job that contradicts the shipped source is refused at submission, in one line
    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "manifest.json").write_text("{}")  # validate() only needs it to exist
    r = srv.client.post("/jobs", json={"kind": "train", "params": {
        "data": str(tmp_path / "ds"), "out_dir": str(tmp_path / "m"), "init": "transfer", "backbone": "resnet50"}})
    assert r.status_code == 400 and "--backbone resnet50 contradicts the transfer source slick-s1-source" in r.json()["error"]
