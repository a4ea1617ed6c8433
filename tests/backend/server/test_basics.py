"""A real server process: discovery file, token, health, models, JSON errors."""

from __future__ import annotations

import json
import os
import stat
import time

import httpx


def test_discovery_file_and_private_token(server):
    info = server.info
    assert info["port"] > 0 and info["url"].endswith(f":{info['port']}")
    assert info["pid"] == server.proc.pid
    token_file = server.state_dir / "token"
    assert info["token_file"] == str(token_file)
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(server.state_dir / "server.json").st_mode) == 0o600
    assert len(server.token) >= 32


def test_no_token_or_wrong_token_is_401(server):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": server.token}):
        for method, path in (("GET", "/health"), ("GET", "/jobs"), ("GET", "/openapi.json"), ("GET", "/nowhere"),
                             ("POST", "/jobs")):
            r = httpx.request(method, server.url + path, headers=headers, json={})
            assert r.status_code == 401, (method, path, headers)
            assert "token" in r.json()["error"]
    assert server.client.get("/health").status_code == 200


def test_health_reports_the_device(server):
    h = server.client.get("/health").json()
    for _ in range(100):  # the device probe (a child that imports torch) may still be running
        if h["device_probe"] == "done":
            break
        time.sleep(0.3)
        h = server.client.get("/health").json()
    assert h["status"] == "ok" and h["version"]
    dev = h["device"]
    assert dev["type"] in ("cpu", "cuda")
    if dev["type"] == "cpu":
        assert dev["threads"] >= 1 and dev["name"]
        assert h["cuda"] is None
    else:
        assert dev["free_memory_mb"] > 0
    assert h["torch"].startswith("2.")
    assert "tiny" in h["sam_models"]
    assert "prepare" in h["job_kinds"]
    assert h["loopback"] is True


def test_errors_are_json_with_4xx(server):
    c = server.client
    r = c.post("/jobs", json={"kind": "nope", "params": {}})
    assert r.status_code == 422 and "kind" in r.json()["error"]
    r = c.post("/jobs", json={"kind": "prepare", "params": {"scenes": ["/no/such.tif"], "out_dir": "/tmp/x", "bogus": 1}})
    assert r.status_code == 422 and "bogus" in r.json()["error"]
    # the old name of the output field is an unknown one too, and the error names the new one
    r = c.post("/jobs", json={"kind": "prepare", "params": {"scenes": ["/no/such.tif"], "out": "/tmp/x"}})
    assert r.status_code == 422, r.text
    assert "unknown parameter(s) for prepare: out;" in r.json()["error"] and "out_dir" in r.json()["error"]
    r = c.post("/jobs", json={"kind": "prepare", "params": {"scenes": "notalist", "out_dir": 3}})
    assert r.status_code == 422 and r.json()["error"].startswith("params.")
    r = c.post("/jobs", json={"kind": "prepare", "params": {"scenes": ["/no/such.tif"], "out_dir": "/tmp/x"}})
    assert r.status_code == 400 and "/no/such.tif" in r.json()["error"]
    r = c.get("/jobs/doesnotexist")
    assert r.status_code == 404 and "doesnotexist" in r.json()["error"]
    r = c.get("/no/such/route")
    assert r.status_code == 404 and "error" in r.json()
    r = c.post("/sam/embed", json={"raster": "/no/such.tif", "point": [0, 0]})
    assert r.status_code == 400 and "no such raster" in r.json()["error"]
    r = c.post("/sam/prompt", json={"embedding_id": "e_missing", "points": [[0, 0]]})
    assert r.status_code == 404
    r = c.post("/sam/embed", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "error" in r.json()
    for r in (c.get("/jobs/doesnotexist"), c.post("/jobs", json={})):
        assert "Traceback" not in r.text


def test_models_lists_model_cards(server):
    models = server.state_dir.parent / "models"
    (models / "m1").mkdir()
    (models / "m1" / "model.json").write_text(json.dumps({"format": "slick-model", "model": {"arch": "deeplabv3"}, "arch": "deeplabv3", "tile": 256}))
    (models / "broken").mkdir()
    (models / "broken" / "model.json").write_text("{oops")
    out = server.client.get("/models").json()["models"]
    by_name = {m["name"]: m for m in out}
    assert by_name["m1"]["card"]["arch"] == "deeplabv3"
    assert "error" in by_name["broken"]
    assert server.client.get("/health").json()["models"][1]["arch"] == "deeplabv3"


def test_openapi_schema_is_served(server):
    spec = server.client.get("/openapi.json").json()
    assert {"/jobs", "/jobs/{job_id}", "/jobs/{job_id}/log", "/sam/embed", "/sam/prompt", "/models", "/health"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    kinds = server.client.get("/job-kinds").json()["kinds"]
    assert "scenes" in kinds["prepare"]["schema"]["properties"]
    # the analyst's prompt fine-tune holds the GPU when there is one, as training does
    assert kinds["finetune-prompt"]["gpu"] and kinds["train"]["gpu"] and not kinds["prepare"]["gpu"]
    assert kinds["finetune-prompt"]["schema"]["properties"]["device"]["default"] == "auto"


def test_network_host_serves_only_data_roots_and_env_token(tmp_path, arctic, server_factory):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    inside = allowed / "scene.tif"
    inside.symlink_to(arctic / "sample_135" / "raw_mosaic.tif")  # resolves outside: still refused
    copy = allowed / "copy.tif"
    copy.write_bytes((arctic / "sample_123" / "raw_mosaic.tif").read_bytes())
    srv = server_factory(tmp_path, "--host", "0.0.0.0", "--data-root", str(allowed), env_token="t0ken-from-env")
    assert srv.info["token_file"] is None and not (srv.state_dir / "token").exists()
    assert "WARNING" in (tmp_path / "server.log").read_text()
    h = srv.client.get("/health").json()
    assert h["loopback"] is False and h["data_roots"] == [str(allowed.resolve())]
    outside = str(arctic / "sample_70" / "raw_mosaic.tif")
    for raster in (outside, str(inside), str(allowed / ".." / "x.tif")):
        r = srv.client.post("/sam/embed", json={"raster": raster, "point": [0, 0]})
        assert r.status_code == 403 and "data roots" in r.json()["error"], raster
    r = srv.client.post("/jobs", json={"kind": "prepare", "params": {"scenes": [str(copy)], "out_dir": "/tmp/elsewhere"}})
    assert r.status_code == 403 and "/tmp/elsewhere" in r.json()["error"]
    r = srv.client.post("/jobs", json={"kind": "prepare", "params": {"scenes": [str(copy)], "out_dir": "ds"}})
    assert r.status_code == 403  # relative: would land in the server's working dir
    r = srv.client.post("/sam/embed", json={"raster": str(copy), "point": [0, 0], "model": "/etc/passwd"})
    assert r.status_code == 403
    r = srv.client.post("/jobs", json={"kind": "prepare", "params": {"scenes": [str(copy)], "out_dir": str(allowed / "ds")}})
    assert r.status_code == 202, r.text
    assert srv.client.get("/health", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_sigterm_removes_the_discovery_file(tmp_path, server_factory):
    """The plugin stops its server with SIGTERM: the server shuts down and removes server.json."""
    import signal

    srv = server_factory(tmp_path)
    discovery = srv.state_dir / "server.json"
    assert discovery.is_file()
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.proc.wait(30) == 143
    assert not discovery.exists()
