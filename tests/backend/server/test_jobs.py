"""Jobs in worker processes: progress, completion, cancel, a killed worker, restart of the server."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture(scope="module")
def scenes(arctic, tmp_path_factory) -> list[str]:
    """The real Arctic mosaics under distinct names (scene ids are file stems)."""
    d = tmp_path_factory.mktemp("scenes")
    out = []
    for s in ("135", "123", "70"):
        link = d / f"arctic_{s}.tif"
        link.symlink_to(arctic / f"sample_{s}" / "raw_mosaic.tif")
        out.append(str(link))
    return out


@pytest.fixture(scope="module")
def labels(arctic, tmp_path_factory) -> str:
    """The real slick labels of sample_135 as GeoJSON polygons (prepare reads vectors)."""
    import rasterio
    from rasterio.features import shapes

    with rasterio.open(arctic / "sample_135" / "labels_mosaic.png") as src:
        a = (src.read(1) == 1).astype(np.uint8)
        transform = src.transform
    feats = [{"type": "Feature", "geometry": g, "properties": {"scene": "arctic_135"}}
             for g, v in shapes(a, mask=a == 1, transform=transform) if v == 1]
    assert feats
    path = tmp_path_factory.mktemp("labels") / "slicks.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats,
                                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32632"}}}))
    return str(path)


def _no_partials(parent: Path, name: str) -> list[str]:
    return [p.name for p in parent.iterdir() if p.name.startswith(f".{name}") or p.name == name]


def test_prepare_job_runs_with_rising_progress(server, scenes, labels, tmp_path):
    out = tmp_path / "ds"
    r = server.client.post("/jobs", json={"kind": "prepare", "params": {
        "scenes": scenes[:1], "labels": labels, "tile": 128, "overlap": 0.5, "out_dir": str(out)}})
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["state"] in ("queued", "running") and job["kind"] == "prepare"
    seen: list[float] = []
    job = server.wait_job(job["id"], seen=seen)
    assert job["state"] == "succeeded", job
    assert job["progress"] == 1.0 and job["error"] is None
    assert all(b >= a for a, b in zip(seen, seen[1:], strict=False)), seen
    assert json.loads((out / "manifest.json").read_text())["format"] == "slick-dataset"
    assert job["result"], job
    listed = [j["id"] for j in server.client.get("/jobs").json()["jobs"]]
    assert job["id"] in listed
    log = server.client.get(f"/jobs/{job['id']}/log").json()
    assert "arctic_135" in log["text"] and log["offset"] > 0
    assert server.client.get(f"/jobs/{job['id']}/log", params={"offset": log["offset"]}).json()["text"] == ""
    assert server.client.delete(f"/jobs/{job['id']}").status_code == 409


def _long_prepare(server, scenes, out: Path) -> dict:
    """A prepare that takes minutes on this CPU (tiny tiles, 90 % overlap, three scenes)."""
    r = server.client.post("/jobs", json={"kind": "prepare", "params": {
        "scenes": scenes, "tile": 64, "overlap": 0.9, "out_dir": str(out)}})
    assert r.status_code == 202, r.text
    job = r.json()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until it is writing tiles into its temporary dir
        job = server.client.get(f"/jobs/{job['id']}").json()
        if job["state"] == "running" and job["progress"] > 0.06:
            return job
        assert job["state"] in ("queued", "running"), job
        time.sleep(0.1)
    raise AssertionError(f"the long job never got going: {job}")


def test_cancel_stops_the_job_and_leaves_no_output(server, scenes, tmp_path):
    out = tmp_path / "ds"
    job = _long_prepare(server, scenes, out)
    assert job["pid"] and any(p.name.startswith(".ds") for p in tmp_path.iterdir())  # partial dir exists
    r = server.client.delete(f"/jobs/{job['id']}")
    assert r.status_code == 200 and r.json()["cancel_requested"] is True
    job = server.wait_job(job["id"], timeout=60)  # a job left to finish would take minutes
    assert job["state"] == "cancelled" and job["progress"] < 0.9, job  # stopped part way, not at the end
    assert _no_partials(tmp_path, "ds") == []
    with pytest.raises(ProcessLookupError):
        os.kill(job_pid := r.json()["pid"], 0)
    assert job_pid


def test_killed_worker_fails_the_job_and_the_next_one_runs(server, scenes, labels, tmp_path):
    job = _long_prepare(server, scenes, tmp_path / "ds")
    os.kill(job["pid"], signal.SIGKILL)
    job = server.wait_job(job["id"], timeout=20)
    assert job["state"] == "failed"
    assert "signal 9" in job["error"] and "SIGKILL" in job["error"]
    assert job["exit_code"] == -9
    nxt = server.client.post("/jobs", json={"kind": "prepare", "params": {
        "scenes": scenes[1:2], "tile": 256, "overlap": 0.0, "out_dir": str(tmp_path / "ds2")}}).json()
    assert server.wait_job(nxt["id"])["state"] == "succeeded"
    assert server.client.get("/health").json()["status"] == "ok"


def test_queued_job_cancelled_at_once_and_states_filter(tmp_path, scenes, server_factory):
    srv = server_factory(tmp_path, "--cpu-jobs", "0", "--gpu-jobs", "0")  # holds jobs queued
    try:
        job = srv.client.post("/jobs", json={"kind": "prepare", "params": {
            "scenes": scenes[:1], "out_dir": str(tmp_path / "never")}}).json()
        assert srv.client.get(f"/jobs/{job['id']}").json()["state"] == "queued"
        assert [j["id"] for j in srv.client.get("/jobs", params={"state": "queued"}).json()["jobs"]] == [job["id"]]
        assert srv.client.delete(f"/jobs/{job['id']}").json()["state"] == "cancelled"
        assert not (tmp_path / "never").exists()
        queued = srv.client.post("/jobs", json={"kind": "prepare", "params": {
            "scenes": scenes[:1], "out_dir": str(tmp_path / "never2")}}).json()
    finally:
        srv.proc.kill()  # a crash: no clean shutdown that would cancel the queued job
        srv.proc.wait()
    # The restarted server shows the job that was still queued as failed, not as queued forever.
    srv = server_factory(tmp_path, "--cpu-jobs", "0")
    try:
        again = srv.client.get(f"/jobs/{queued['id']}").json()
        assert again["state"] == "failed" and "server stopped" in again["error"]
        assert srv.client.get(f"/jobs/{job['id']}").json()["state"] == "cancelled"
    finally:
        server_factory.stop(srv)
    assert not (tmp_path / "state" / "server.json").exists()
