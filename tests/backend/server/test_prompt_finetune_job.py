"""The Train button's job with "adapt the labelling model": prepare, train, then the prompt model
adapted to the same labels, which the server lists among its SAM models and which takes prompts."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_train_with_prompt_adaptation_lists_the_analysts_prompt_model(server_factory, simulated_ew, tmp_path):
    server = server_factory(tmp_path)
    scenes, labels = simulated_ew
    models = tmp_path / "models"
    before = server.client.get("/health").json()["sam_models"]
    r = server.client.post("/jobs", json={"kind": "prepare-train", "params": {
        "prepare": {"scenes": scenes, "labels": labels, "pixel_size": 25, "tile": 256, "out_dir": str(tmp_path / "ds")},
        "train": {"out_dir": str(models / "mine"), "arch": "deeplabv3", "backbone": "resnet18", "light": True, "epochs": 1,
                  "lr": 1e-3, "batch_size": 4, "device": "cpu", "allow_random_init": True, "tiles_per_epoch": 8},
        "prompt_out_dir": str(models / "mine-prompt"), "prompt_steps": 10}})
    assert r.status_code == 202, r.text
    job = server.wait_job(r.json()["id"], timeout=900)
    log = server.client.get(f"/jobs/{job['id']}/log").json()["text"]
    assert job["state"] == "succeeded", (job, log[-2000:])
    assert "step 3 of 3: adapt the prompt model" in log
    assert job["result"]["prompt_model_dir"] == str((models / "mine-prompt").resolve())

    health = server.client.get("/health").json()
    assert str(models / "mine-prompt") in health["sam_models"] and str(models / "mine-prompt") not in before
    assert health["sam_models"][0] == "slick-s1-prompt"  # the shipped one stays the default
    listed = [m["path"] for m in server.client.get("/models").json()["models"]]
    assert str(models / "mine") in listed and str(models / "mine-prompt") not in listed  # it takes prompts, not scenes

    import rasterio

    utm = next(s for s in scenes if s.endswith("_utm.tif"))
    with rasterio.open(utm) as src:
        (cx, cy), crs = src.xy(src.height // 2, src.width // 2), src.crs.to_string()
    emb = server.client.post("/sam/embed", json={"raster": utm, "point": [cx, cy], "crs": crs,
                                                 "model": str(models / "mine-prompt"), "session": "a"})
    assert emb.status_code == 200, emb.text
    answer = server.client.post("/sam/prompt", json={"embedding_id": emb.json()["embedding_id"], "crs": crs, "session": "a",
                                                     "box": [cx - 3000, cy - 3000, cx + 3000, cy + 3000], "multimask": False})
    assert answer.status_code == 200, answer.text
    assert answer.json()["window"]["size"] == 256


def test_prompt_adaptation_at_another_pixel_size_is_refused_before_work(server, simulated_ew, tmp_path):
    scenes, labels = simulated_ew
    r = server.client.post("/jobs", json={"kind": "prepare-train", "params": {
        "prepare": {"scenes": scenes, "labels": labels, "pixel_size": 50, "tile": 256, "out_dir": str(tmp_path / "ds")},
        "train": {"out_dir": str(tmp_path / "m"), "arch": "deeplabv3", "backbone": "resnet18", "allow_random_init": True},
        "prompt_out_dir": str(tmp_path / "m-prompt")}})
    assert r.status_code == 400, r.text
    assert "the prompt model works at 25 m, not 50 m" in r.json()["error"]
    assert not (tmp_path / "ds").exists()
