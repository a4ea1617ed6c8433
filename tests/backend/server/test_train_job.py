"""A train job through the server on a tiny dataset cut from the real Arctic mosaics."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

TILE = 64
SPLITS = {"135": "train", "123": "val", "70": "test"}


def _write_tif(path: Path, array: np.ndarray, crs, transform) -> None:
    import rasterio

    with rasterio.open(path, "w", driver="GTiff", width=TILE, height=TILE, count=1, dtype="uint8",
                       crs=crs, transform=transform) as dst:
        dst.write(array, 1)


def write_tiny_dataset(arctic: Path, out: Path, per_scene: int = 4) -> Path:
    """manifest.json + images/ + masks/ as docs/ARCHITECTURE.md describes, 64 px tiles."""
    import rasterio
    from rasterio.windows import Window
    from rasterio.windows import transform as win_transform

    (out / "images").mkdir(parents=True)
    (out / "masks").mkdir()
    scenes, tiles = [], []
    for s, split in SPLITS.items():
        sid = f"arctic_{s}"
        with rasterio.open(arctic / f"sample_{s}" / "raw_mosaic.tif") as src, \
                rasterio.open(arctic / f"sample_{s}" / "labels_mosaic.png") as lab:
            image, label = src.read(1), lab.read(1)
            crs, transform = src.crs.to_string(), src.transform
        rows, cols = np.nonzero(label == 1)
        centre = (int(np.median(rows)), int(np.median(cols))) if len(rows) else (image.shape[0] // 2, image.shape[1] // 2)
        scenes.append({"id": sid, "source": str(arctic / f"sample_{s}" / "raw_mosaic.tif"), "split": split,
                       "mode": "EW", "polarisation": "HH", "crs": crs, "transform": list(transform)[:6],
                       "width": image.shape[1], "height": image.shape[0], "stretch": {"kind": "identity"},
                       "slick_pixels": int((label == 1).sum()), "valid_pixels": int((image > 0).sum())})
        for k in range(per_scene):
            r0 = centre[0] - TILE + (k // 2) * TILE
            c0 = centre[1] - TILE + (k % 2) * TILE
            win = Window(c0, r0, TILE, TILE)
            img = image[r0:r0 + TILE, c0:c0 + TILE]
            msk = np.where(img == 0, 255, (label[r0:r0 + TILE, c0:c0 + TILE] == 1)).astype(np.uint8)
            tid = f"{sid}_r{r0:06d}_c{c0:06d}"
            t = win_transform(win, transform)
            _write_tif(out / "images" / f"{tid}.tif", img, crs, t)
            _write_tif(out / "masks" / f"{tid}.tif", msk, crs, t)
            tiles.append({"id": tid, "scene": sid, "split": split, "image": f"images/{tid}.tif",
                          "mask": f"masks/{tid}.tif", "window": [r0, c0, TILE, TILE], "crs": crs,
                          "transform": list(t)[:6], "slick_fraction": float((msk == 1).mean()),
                          "valid_fraction": float((img > 0).mean())})
    manifest = {"format": "slick-dataset", "version": 1, "created": "2026-01-01T00:00:00Z",
                "params": {"pixel_size": 25, "tile": TILE, "overlap": 0.0, "buffer_km": 8, "seed": 0},
                "scenes": scenes, "tiles": tiles}
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


@pytest.mark.slow
def test_train_job_runs_to_a_model_dir_with_rising_progress(server, arctic, tmp_path):
    data = write_tiny_dataset(arctic, tmp_path / "data")
    out = tmp_path / "model"
    r = server.client.post("/jobs", json={"kind": "train", "params": {
        "data": str(data), "out_dir": str(out), "arch": "deeplabv3", "backbone": "resnet18", "light": True,
        "epochs": 2, "batch_size": 4, "lr": 1e-3, "augment": False, "device": "cpu",
        "allow_random_init": True, "name": "server-test"}})
    assert r.status_code == 202, r.text
    seen: list[float] = []
    job = server.wait_job(r.json()["id"], timeout=240, seen=seen)
    assert job["state"] == "succeeded", (job, server.client.get(f"/jobs/{job['id']}/log").json()["text"][-2000:])
    assert all(b >= a for a, b in zip(seen, seen[1:], strict=False)), seen
    assert any(0 < p < 1 for p in seen), seen
    card = json.loads((out / "model.json").read_text())
    assert card["arch"] == "deeplabv3" and card["tile"] == TILE
    assert (out / "weights.safetensors").is_file()
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]


def test_cancelled_train_job_leaves_no_model_dir(server, arctic, tmp_path):
    data = write_tiny_dataset(arctic, tmp_path / "data")
    out = tmp_path / "model"
    r = server.client.post("/jobs", json={"kind": "train", "params": {
        "data": str(data), "out_dir": str(out), "arch": "deeplabv3", "backbone": "resnet18", "light": True,
        "epochs": 100, "patience": 100, "batch_size": 4, "lr": 1e-3, "augment": False, "device": "cpu",
        "allow_random_init": True}})
    job_id = r.json()["id"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until training is under way (epochs running)
        job = server.client.get(f"/jobs/{job_id}").json()
        if job["state"] != "queued" and "epoch" in job["message"].lower():
            break
        assert job["state"] in ("queued", "running"), job
        time.sleep(0.1)
    assert server.client.delete(f"/jobs/{job_id}").status_code == 200
    job = server.wait_job(job_id, timeout=30)
    assert job["state"] == "cancelled", job
    assert not out.exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".model")]
