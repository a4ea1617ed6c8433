"""A server on a network address keeps to its data roots for the paths inside a job's inputs
too (dataset manifests, experiment configs), runs no Ray experiment, and refuses oversized or
chunked request bodies; over HTTP against a real server."""

from __future__ import annotations

import json
import shutil

import pytest
from tinydata import scene_splits, write_tiny_dataset

EXPERIMENT = """
[experiment]
name = "roots"
n_values = [1]
draws = 1
inits = ["base"]
[training]
epochs = 1
allow_random_init = true
[[architectures]]
arch = "deeplabv3"
backbone = "resnet18"
source = "{source}"
[[formats]]
tile = 64
pixel_size = 25
data = "{data}"
"""


@pytest.fixture(scope="module")
def restricted(tmp_path_factory, server_factory_module):
    tmp = tmp_path_factory.mktemp("restricted")
    allowed, outside = tmp / "allowed", tmp / "outside"
    allowed.mkdir()
    clean = write_tiny_dataset(allowed / "clean", scene_splits(2, 1, 1))
    far = write_tiny_dataset(outside / "far", scene_splits(2, 1, 1))
    # inside the roots, but its manifest points at tiles outside: absolute, and up with ../
    escaping = allowed / "escaping"
    shutil.copytree(clean, escaping)
    manifest = json.loads((escaping / "manifest.json").read_text())
    manifest["tiles"][0]["image"] = str(far / manifest["tiles"][0]["image"])
    manifest["tiles"][1]["mask"] = "../../outside/far/" + manifest["tiles"][1]["mask"]
    (escaping / "manifest.json").write_text(json.dumps(manifest))
    server = server_factory_module(tmp, "--host", "0.0.0.0", "--data-root", str(allowed), env_token="t0ken")
    return server, allowed, clean, escaping, far


def _job(server, kind, params):
    return server.client.post("/jobs", json={"kind": kind, "params": params})


@pytest.mark.parametrize("kind", ["train", "finetune-prompt"])
def test_dataset_tiles_outside_the_roots_are_refused(restricted, kind):
    server, allowed, clean, escaping, far = restricted
    r = _job(server, kind, {"data": str(escaping), "out_dir": str(allowed / f"m-{kind}"), "allow_random_init": True}
             if kind == "train" else {"data": str(escaping), "out_dir": str(allowed / f"m-{kind}")})
    assert r.status_code == 403, r.text
    error = r.json()["error"]
    assert "named in" in error and "manifest.json: tile image" in error and "outside the server's data roots" in error
    assert not (allowed / f"m-{kind}").exists()


def test_evaluate_reads_the_manifest_too(restricted):
    server, allowed, clean, escaping, far = restricted
    r = _job(server, "evaluate", {"model": "slick-s1-source", "data": str(escaping)})
    assert r.status_code == 403, r.text
    assert "manifest.json: tile image" in r.json()["error"]


def test_a_clean_dataset_inside_the_roots_is_accepted(restricted):
    server, allowed, clean, escaping, far = restricted
    r = _job(server, "train", {"data": str(clean), "out_dir": str(allowed / "ok"), "arch": "deeplabv3", "backbone": "resnet18",
                               "light": True, "epochs": 1, "lr": 1e-3, "allow_random_init": True, "device": "cpu"})
    assert r.status_code == 202, r.text
    server.client.delete(f"/jobs/{r.json()['id']}")
    server.wait_job(r.json()["id"], timeout=120)


def test_experiment_config_paths_and_ray_are_checked(restricted):
    server, allowed, clean, escaping, far = restricted
    cases = {
        "far.toml": (EXPERIMENT.format(source="slick-s1-source", data=far), str(far)),
        "escaping.toml": (EXPERIMENT.format(source="slick-s1-source", data=escaping), "manifest.json: tile"),
        "source.toml": (EXPERIMENT.format(source=far, data=clean), str(far)),
    }
    for name, (text, named) in cases.items():
        (allowed / name).write_text(text)
        r = _job(server, "experiment", {"config": str(allowed / name), "out_dir": str(allowed / f"x-{name}")})
        assert r.status_code == 403, (name, r.text)
        assert named in r.json()["error"] and "named in" in r.json()["error"], (name, r.json())
    (allowed / "fine.toml").write_text(EXPERIMENT.format(source="slick-s1-source", data=clean))
    r = _job(server, "experiment", {"config": str(allowed / "fine.toml"), "out_dir": str(allowed / "x-ray"),
                                    "executor": "ray", "ray_address": "10.0.0.9:6379"})
    assert r.status_code == 403 and "Ray" in r.json()["error"], r.text
    assert not any(allowed.glob("x-*"))


def test_oversized_and_chunked_bodies_are_refused_before_parsing(restricted):
    server, *_ = restricted
    big = json.dumps({"kind": "prepare", "params": {"scenes": ["x"] * 300_000, "out_dir": "y"}})
    assert len(big) > 1 << 20
    r = server.client.post("/jobs", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "limit of 1048576 bytes" in r.json()["error"]

    def chunks():
        yield b'{"kind": "prepare", '
        yield b'"params": {}}'

    r = server.client.post("/jobs", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 411 and "Content-Length" in r.json()["error"]
    assert server.client.get("/health").status_code == 200  # still serving


def test_a_manifest_changed_after_submission_is_refused_in_the_job(restricted):
    """The worker checks the tiles it opens too: a manifest swapped once the job is accepted
    fails the job instead of reading outside the roots. (The swap happens right after the 202;
    the worker needs seconds to import torch before it reads a tile.)"""
    server, allowed, clean, escaping, far = restricted
    swapped = allowed / "swapped"
    shutil.copytree(clean, swapped)
    r = _job(server, "train", {"data": str(swapped), "out_dir": str(allowed / "swapped-model"), "arch": "deeplabv3",
                               "backbone": "resnet18", "light": True, "epochs": 1, "lr": 1e-3, "allow_random_init": True,
                               "device": "cpu"})
    assert r.status_code == 202, r.text
    manifest = json.loads((swapped / "manifest.json").read_text())
    for tile in manifest["tiles"]:  # now every tile points outside
        tile["image"] = str(far / tile["image"])
    (swapped / "manifest.json").write_text(json.dumps(manifest))
    job = server.wait_job(r.json()["id"], timeout=180)
    assert job["state"] == "failed", job
    assert "outside the server's data roots" in job["error"] and "manifest.json" in job["error"], job["error"]
    assert not (allowed / "swapped-model").exists()


def test_guard_is_a_no_op_without_the_servers_roots(tmp_path, monkeypatch):
    from slick_backend.data_roots import ENV, ForbiddenPath, guard

    monkeypatch.delenv(ENV, raising=False)
    guard("/etc/passwd")  # the CLI and a loopback server: every path is the user's own
    monkeypatch.setenv(ENV, json.dumps([str(tmp_path)]))
    guard(tmp_path / "inside.tif")
    with pytest.raises(ForbiddenPath, match="named in the manifest"):
        guard("/etc/passwd", "the manifest")
